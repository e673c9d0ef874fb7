// Every artifact a run announced (artifact.created events, docs/run-format.md "Artifacts"), kept
// with all its versions, for panels that need more than a node's newest file per name: the
// mixture-health curves read one file per epoch, the network panel finds a node's inspection
// files by their directory-like names. Incremental (each call reads only the events past the
// last one seen) and pure (no DOM), tested by data/artifact_log.test.mjs under node.

export function createArtifactLog() {
  return {
    scanned: 0, // events read so far
    list: [], // artifact.created payloads in log order, each with `seq` (its position) added
    byPath: new Map(), // versioned path -> entry in `list` (a rewrite announces the same path again)
    version: 0, // bumped whenever `list` changed, so panels can skip redraws
  };
}

// Reads the events past the last call; returns true when something was added.
export function foldArtifactEvents(log, events) {
  const before = log.version;
  for (; log.scanned < events.length; log.scanned++) {
    const e = events[log.scanned];
    if (e.type !== 'artifact.created') continue;
    const p = e.payload || {};
    // The debugger's captures are the debug section's (docs/debugger.md).
    if (typeof p.path !== 'string' || typeof p.name !== 'string' || p.kind === 'debug') continue;
    const entry = { ...p, seq: log.scanned };
    const old = log.byPath.get(p.path);
    if (old) log.list[log.list.indexOf(old)] = entry;
    else log.list.push(entry);
    log.byPath.set(p.path, entry);
    log.version++;
  }
  return log.version !== before;
}

// The version suffix of a file: {epoch} for `_epoch_<E>`, {step} for `_step_<N>`.
export function versionOf(a) {
  const m = /_(epoch|step)_(\d+)\.[a-z]+$/.exec(a.path || '');
  if (m && m[1] === 'epoch') return { epoch: Number(m[2]) };
  if (Number.isFinite(a.epoch)) return { epoch: a.epoch };
  return { step: m ? Number(m[2]) : a.step ?? null };
}

// "epoch 3" / "step 120": how a version reads in selectors.
export function versionLabel(a) {
  const v = versionOf(a);
  return v.epoch !== undefined ? `epoch ${v.epoch}` : `step ${v.step}`;
}

// Orders versions: by step, then epoch, then the later announcement (acc's steps grow along a
// branch; an epoch-end file and an evaluation at the same step are both "as of that step").
export function compareVersions(a, b) {
  return (a.step ?? -1) - (b.step ?? -1) || (a.epoch ?? -1) - (b.epoch ?? -1) || a.seq - b.seq;
}

// The entries matching every given field: kind, label (the `tag`), format, and name as a string
// or a RegExp.
export function findArtifacts(list, { kind, label, name, format } = {}) {
  return list.filter((a) => (kind === undefined || a.kind === kind) && (label === undefined || a.tag === label)
    && (format === undefined || a.format === format)
    && (name === undefined || (name instanceof RegExp ? name.test(a.name) : a.name === name)));
}

// The newest of `list` (compareVersions), or null.
export function newestOf(list) {
  let best = null;
  for (const a of list) if (!best || compareVersions(a, best) >= 0) best = a;
  return best;
}

// The labels (tags) the entries carry, in first-announced order.
export function labelsOf(list) {
  return [...new Set(list.map((a) => a.tag))];
}

// The URL of a run file for <img src>: each path segment encoded, under the run's URL.
export function fileUrl(runUrl, path) {
  return runUrl + String(path).split('/').map(encodeURIComponent).join('/');
}

// One log per run store, shared by the panels and brought up to date with its events on each call.
const logs = new WeakMap();
export function artifactLogOf(store) {
  if (!logs.has(store)) logs.set(store, createArtifactLog());
  const log = logs.get(store);
  foldArtifactEvents(log, store.events);
  return log;
}
