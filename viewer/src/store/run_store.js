// Holds one run's data as read from its viewer mirror and keeps it current by polling
// web/manifest.js: new event lines (only lines it lacks: closed 4096-line blocks, or 256-line
// pages near the end, so a live page re-reads at most the open last page), and mirrored files
// whose stamp changed. Panels subscribe and update in place.

import { loadMirrorText, loadMirrorJson, parseJson } from '../data/loader.js';
import { notice } from '../ui/notice.js';
import { parseEventChunk } from './event_lines.js';
import { checkFormatVersion } from './format_check.js';
import { secondsSince } from '../ui/format.js';

const LIVE_POLL_MS = 1500;
const IDLE_POLL_MS = 10000;
const STALE_SECONDS = 60;
const TERMINAL = new Set(['completed', 'cancelled', 'failed']);
// Event types of run format 1 (docs/run-format.md); others (a newer acc) are kept in the
// events log and announced once per type.
const KNOWN_EVENT_TYPES = new Set(['run.created', 'run.started', 'phase.started', 'train.metrics', 'train.progress',
  'train.eval', 'eval.metrics', 'checkpoint.saved', 'artifact.created', 'log', 'heartbeat', 'run.completed', 'run.cancelled',
  'run.failed', 'run.resumed', 'segment.started', 'segment.ended', '(malformed)',
  'debug.state', 'debug.capture', 'debug.watch', 'debug.trajectories']); // docs/debugger.md

// Files every page needs; other mirrored files (projections, grids) load on demand.
const EAGER = (rel) => rel === 'summary.json' || rel === 'config.json' || /^checkpoints\/[^/]+\/meta\.json$/.test(rel);

export class RunStore {
  constructor(runUrl, runId) {
    this.runUrl = runUrl; // ends in '/'
    this.runId = runId;
    this.manifest = null;
    this.events = []; // one entry per events.jsonl line, in order (malformed lines as placeholders)
    this.files = new Map(); // rel -> {stamp, data, error, promise}
    this.listeners = new Set();
    this.error = null;
    this.timer = null;
    this.stopped = false;
    this.loaded = false;
    this.reportedFormat = false;
    this.unknownTypes = new Set();
    this.inflight = new Set(); // file loads not settled yet
  }

  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(change) {
    for (const fn of this.listeners) {
      try {
        fn(change);
      } catch (e) {
        console.warn(e);
        notice(`a panel failed to update: ${e.message}`);
      }
    }
  }

  start() {
    this.stopped = false;
    if (!this.timer && !this.polling) this.poll();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = null;
  }

  get summary() { return this.fileData('summary.json'); }
  get config() { return this.fileData('config.json'); }

  fileData(rel) {
    const f = this.files.get(rel);
    return f ? f.data : null;
  }

  // live = acc is still writing: status running/created and the mirror updated recently.
  get liveness() {
    const status = this.summary?.status;
    if (!status) return this.manifest ? 'unknown' : 'loading';
    if (TERMINAL.has(status)) return status;
    const age = secondsSince(this.manifest?.updated);
    return age < STALE_SECONDS ? 'live' : 'stale';
  }

  get isLive() { return this.liveness === 'live' || this.liveness === 'loading' || this.liveness === 'unknown'; }

  // Polls at once (after the poll under way, if any): a debugger command's effect shows in
  // the events, and waiting 1.5 s for it makes stepping feel sluggish.
  pollNow() {
    if (this.stopped) return;
    if (this.polling) { this.again = true; return; }
    clearTimeout(this.timer);
    this.timer = null;
    this.poll();
  }

  async poll() {
    if (this.stopped) return;
    this.polling = true;
    this.again = false;
    try {
      const change = await this.refresh();
      this.loaded = true;
      if (change.events || change.files.length || change.first) this.emit(change);
    } catch (e) {
      this.error = e;
      if (!this.loaded) this.emit({ first: true, events: 0, files: [], error: e });
      notice(`${e.message}. If this run was made elsewhere or by an older acc, run \`acc viewer ${this.runId}\` to write its mirror.`);
    }
    this.polling = false;
    if (this.stopped) return;
    const delay = this.again ? 0 : this.isLive ? LIVE_POLL_MS : IDLE_POLL_MS;
    this.timer = setTimeout(() => { this.timer = null; this.poll(); }, delay);
  }

  async refresh() {
    const first = !this.loaded;
    const manifestText = await loadMirrorText(`${this.runUrl}web/manifest.js?t=${Date.now()}`);
    const manifest = parseJson(manifestText, `${this.runId}/web/manifest.js`);
    const sameAsBefore = this.manifest && this.manifest.updated === manifest.updated;
    this.manifest = manifest;
    if (sameAsBefore) return { first, events: 0, files: [] };
    // Summary, config and node metas are small: show the tree, header and artifact panels
    // (whose files the manifest lists) before a long event log has arrived.
    const files = await this.loadEagerFiles(manifest.files || {});
    if (first && files.length) {
      this.emit({ first: false, events: 0, files });
      // Files a panel asked for just now (the explorer's projection) go before a long event log:
      // the page runs every script on one thread (bench row 5).
      await new Promise((resolve) => setTimeout(resolve, 0)); // panels start their loads in microtasks
      await Promise.allSettled([...this.inflight]);
    }
    const events = await this.loadEvents(manifest.events || {});
    return { first, events, files: first ? [] : files };
  }

  // Loads the event lines past those we hold (docs/run-format.md, "Viewer mirror"): a whole
  // closed block where we lack all of it, else the 256-line pages that exist from `paged_from`.
  // Units load in parallel and are appended in order; a failed unit stops the append there, and
  // the next poll retries from the same line.
  async loadEvents({ lines = 0, block_lines: blockLines = 4096, page_lines: pageLines = 256, paged_from: pagedFrom = 0 }) {
    const units = [];
    for (let start = this.events.length; start < lines;) {
      const block = Math.floor(start / blockLines);
      const blockName = String(block).padStart(6, '0');
      if (start < pagedFrom) {
        units.push({ start: block * blockLines, url: `${this.runUrl}web/events/${blockName}.js` });
        start = (block + 1) * blockLines;
      } else {
        const page = Math.floor((start - block * blockLines) / pageLines);
        const pageStart = block * blockLines + page * pageLines;
        units.push({ start: pageStart, url: `${this.runUrl}web/events/${blockName}_${String(page).padStart(2, '0')}.js?l=${Math.min(lines, pageStart + pageLines)}` });
        start = pageStart + pageLines;
      }
    }
    // All loads start at once; each unit is parsed as soon as it and those before it are in,
    // handing the thread back every ~40 ms so a long log never blocks hovering and clicking
    // for long (yielding after every unit cost 15% of the total load time, measured).
    const loads = units.map((u) => loadMirrorText(u.url).catch((e) => e));
    const before = this.events.length;
    let sliceStart = performance.now();
    for (let i = 0; i < units.length; i++) {
      const text = await loads[i];
      if (text instanceof Error) {
        notice(`${text.message}; events from line ${this.events.length + 1} on will be retried`);
        break;
      }
      const parsed = parseEventChunk(text, units[i].start, (lineNo) => notice(`events.jsonl line ${lineNo} is malformed; skipped`));
      const skip = this.events.length - units[i].start; // lines of this unit we already hold
      if (skip < 0) break; // a gap (should not happen): retry next poll
      for (let j = skip; j < parsed.length; j++) this.events.push(parsed[j]);
      if (performance.now() - sliceStart > 40) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        sliceStart = performance.now();
      }
    }
    const added = this.events.length - before;
    if (added > 0) {
      this.checkCreatedEvent();
      this.reportUnknownTypes(before);
    }
    return added;
  }

  reportUnknownTypes(from) {
    for (let i = from; i < this.events.length; i++) {
      const type = this.events[i].type;
      if (KNOWN_EVENT_TYPES.has(type) || this.unknownTypes.has(type)) continue;
      this.unknownTypes.add(type);
      notice(`events of type "${type}" (first at events.jsonl line ${this.events[i].line}) are not known to this viewer; they are listed in the events log only`);
    }
  }

  checkCreatedEvent() {
    if (this.reportedFormat) return;
    const created = this.events.find((e) => e.type === 'run.created');
    if (!created) return;
    this.reportedFormat = true;
    checkFormatVersion(created.payload.format_version, `${this.runId} (run.created event)`);
  }

  async loadEagerFiles(stamps) {
    const rels = Object.keys(stamps).filter(EAGER);
    const changed = rels.filter((rel) => this.files.get(rel)?.stamp !== stamps[rel]);
    const results = await Promise.all(changed.map((rel) => this.loadFile(rel, stamps[rel]).then(() => rel, () => null)));
    return results.filter(Boolean);
  }

  // Loads files/<rel>.js for the given stamp, keeping the last good data if the new copy fails.
  loadFile(rel, stamp) {
    const entry = this.files.get(rel) || { stamp: null, data: null, error: null, promise: null };
    if (entry.stamp === stamp && entry.promise) return entry.promise;
    entry.stamp = stamp;
    entry.promise = loadMirrorJson(`${this.runUrl}web/files/${rel}.js?v=${encodeURIComponent(stamp)}`, `${this.runId}/${rel}`)
      .then((data) => {
        entry.data = data;
        entry.error = null;
        if (rel === 'summary.json' || rel === 'config.json') checkFormatVersion(data?.format_version, `${this.runId}/${rel}`);
        return data;
      })
      .catch((e) => {
        entry.error = e;
        notice(`${e.message}; the rest of the run still shows`);
        throw e;
      });
    const promise = entry.promise;
    this.inflight.add(promise);
    promise.then(() => this.inflight.delete(promise), () => this.inflight.delete(promise));
    this.files.set(rel, entry);
    return entry.promise;
  }

  // A mirrored JSON file by its path in the run directory (for artifacts).
  loadJson(rel) {
    const stamp = this.manifest?.files?.[rel];
    if (stamp === undefined) return Promise.reject(new Error(`${this.runId}/${rel}: not in the run's viewer mirror (web/manifest.js)`));
    return this.loadFile(rel, stamp);
  }

  // Checkpoint nodes from the mirrored meta.json files.
  nodes() {
    const out = [];
    for (const [rel, f] of this.files) if (/^checkpoints\/[^/]+\/meta\.json$/.test(rel) && f.data) out.push(f.data);
    return out;
  }

  nodeByTag(tag) {
    return this.nodes().find((n) => n.tag === tag) || null;
  }

  // artifact.created payloads of a node, newest per name. JSON artifacts are also known from
  // the manifest's file list (<kind>/<label>/<name>_step_<N>.json), which arrives before a long
  // event log, so the explorer can start at once; the events add PNGs and node ids.
  artifactsFor(node) {
    const byName = new Map();
    for (const rel of Object.keys(this.manifest?.files || {})) {
      const m = /^([a-z_]+)\/([^/]+)\/(.+)_step_(\d+)\.json$/.exec(rel);
      if (!m || m[2] !== node.tag) continue;
      const previous = byName.get(`${m[3]}.json`);
      if (previous && previous.step > Number(m[4])) continue;
      byName.set(`${m[3]}.json`, { kind: m[1], name: m[3], node: node.id, tag: m[2], step: Number(m[4]), path: rel, latest: null, format: 'json' });
    }
    for (const e of this.events) {
      if (e.type !== 'artifact.created') continue;
      const p = e.payload;
      // The debugger's captures carry the branch's start tag but describe later training steps,
      // not that node: the debug section shows them (docs/debugger.md).
      if (p.kind === 'debug') continue;
      if (p.node === node.id || p.tag === node.tag) byName.set(`${p.name}.${p.format}`, p); // reconstructions has a png and a json
    }
    return [...byName.values()];
  }
}
