// Folds a run's debug.* events (docs/debugger.md, "Events") into what the debug section shows:
// the last debugger state, the captures in the order they arrived, the watched set and the
// latest trajectories file. Incremental: each call reads only the events past the last one it
// saw, so a long live log costs nothing per poll. Pure (no DOM), tested under node.

export const DEBUG_EVENT_TYPES = ['debug.state', 'debug.capture', 'debug.watch', 'debug.trajectories'];

export function createDebugLog() {
  return {
    scanned: 0, // events read so far
    any: false, // the run has at least one debug.* event
    state: null, // payload of the last debug.state
    captures: [], // one per (from, step), oldest first; a step captured again replaces its entry
    watch: null, // payload of the last debug.watch
    trajectories: null, // payload of the last debug.trajectories
    version: 0, // bumped whenever anything above changed, so panels can skip redraws
  };
}

// A capture's identity: branches forked from different nodes share step numbers.
export const captureKey = (from, step) => `${from ?? ''}@${step}`;

export function foldDebugEvents(log, events) {
  const before = log.version;
  for (; log.scanned < events.length; log.scanned++) {
    const e = events[log.scanned];
    if (!e.type || !e.type.startsWith('debug.')) continue;
    const p = e.payload || {};
    log.any = true;
    log.version++;
    if (e.type === 'debug.state') log.state = p;
    else if (e.type === 'debug.watch') log.watch = p;
    else if (e.type === 'debug.trajectories') log.trajectories = p;
    else if (e.type === 'debug.capture' && Number.isFinite(p.step)) addCapture(log, p);
  }
  return log.version !== before;
}

function addCapture(log, p) {
  const capture = {
    key: captureKey(p.from, p.step),
    step: p.step,
    from: p.from ?? '',
    dir: String(p.dir || `debug/${p.from ?? ''}/step_${p.step}`).replace(/\/+$/, ''),
    files: Array.isArray(p.files) ? p.files : [],
    ...captureLayers(p.layers),
  };
  const i = log.captures.findIndex((c) => c.key === capture.key);
  if (i >= 0) log.captures.splice(i, 1);
  log.captures.push(capture);
}

// A capture's layers come as names or as entries {layer, features, force | force_unavailable,
// cosine_weights, cosine_gradients} (acc writes the latter); both become `layers` (names) and
// `layerInfo` (name -> entry, {} for a bare name).
function captureLayers(list) {
  const layers = [];
  const layerInfo = {};
  for (const item of Array.isArray(list) ? list : []) {
    const entry = typeof item === 'string' ? { layer: item } : item && typeof item.layer === 'string' ? item : null;
    if (!entry || entry.layer in layerInfo) continue;
    layers.push(entry.layer);
    layerInfo[entry.layer] = entry;
  }
  return { layers, layerInfo };
}

// Label of a capture in the selector and the captions.
export function captureLabel(c) {
  return c.from ? `step ${c.step} · from ${c.from}` : `step ${c.step}`;
}
