// Holds one run's data as read from its viewer mirror and keeps it current by polling
// web/manifest.js: new event lines (only the chunks it lacks, plus the open last chunk when it
// grew), and mirrored files whose stamp changed. Panels subscribe and update in place.

import { loadMirrorText, loadMirrorJson, parseJson } from '../data/loader.js';
import { notice } from '../ui/notice.js';
import { parseEventChunk } from './event_lines.js';
import { checkFormatVersion } from './format_check.js';
import { secondsSince } from '../ui/format.js';

const LIVE_POLL_MS = 1500;
const IDLE_POLL_MS = 10000;
const STALE_SECONDS = 60;
const TERMINAL = new Set(['completed', 'cancelled', 'failed']);

// Files every page needs; other mirrored files (projections, grids) load on demand.
const EAGER = (rel) => rel === 'summary.json' || rel === 'config.json' || /^checkpoints\/[^/]+\/meta\.json$/.test(rel);

export class RunStore {
  constructor(runUrl, runId) {
    this.runUrl = runUrl; // ends in '/'
    this.runId = runId;
    this.manifest = null;
    this.events = [];
    this.chunkEvents = []; // chunk index -> events of that chunk
    this.chunkLines = [];  // chunk index -> number of lines loaded
    this.files = new Map(); // rel -> {stamp, data, error, promise}
    this.listeners = new Set();
    this.error = null;
    this.timer = null;
    this.stopped = false;
    this.loaded = false;
    this.reportedFormat = false;
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

  async poll() {
    if (this.stopped) return;
    this.polling = true;
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
    this.timer = setTimeout(() => { this.timer = null; this.poll(); }, this.isLive ? LIVE_POLL_MS : IDLE_POLL_MS);
  }

  async refresh() {
    const first = !this.loaded;
    const manifestText = await loadMirrorText(`${this.runUrl}web/manifest.js?t=${Date.now()}`);
    const manifest = parseJson(manifestText, `${this.runId}/web/manifest.js`);
    const sameAsBefore = this.manifest && this.manifest.updated === manifest.updated;
    this.manifest = manifest;
    if (sameAsBefore) return { first, events: 0, files: [] };
    const [events, files] = await Promise.all([this.loadEvents(manifest.events || {}), this.loadEagerFiles(manifest.files || {})]);
    return { first, events, files };
  }

  // Loads the chunks past what we hold; the last chunk we hold is re-read only if it grew.
  async loadEvents({ lines = 0, chunk_lines: perChunk = 256 }) {
    const chunks = Math.ceil(lines / perChunk);
    const wanted = [];
    for (let c = 0; c < chunks; c++) {
      const expected = Math.min(perChunk, lines - c * perChunk);
      if ((this.chunkLines[c] || 0) < expected) wanted.push(c);
    }
    const texts = await Promise.all(wanted.map((c) => {
      const name = String(c).padStart(6, '0');
      return loadMirrorText(`${this.runUrl}web/events/${name}.js?l=${lines}`)
        .catch((e) => { notice(e.message); return null; });
    }));
    let added = 0;
    wanted.forEach((c, i) => {
      if (texts[i] === null) return;
      const parsed = parseEventChunk(texts[i], c * perChunk, (lineNo) => notice(`events.jsonl line ${lineNo} is malformed; skipped`));
      added += parsed.length - (this.chunkEvents[c]?.length || 0);
      this.chunkEvents[c] = parsed;
      this.chunkLines[c] = parsed.length;
    });
    if (added > 0) {
      this.events = this.chunkEvents.flat();
      this.checkCreatedEvent();
    }
    return Math.max(0, added);
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

  // artifact.created payloads of a node, newest per name.
  artifactsFor(node) {
    const byName = new Map();
    for (const e of this.events) {
      if (e.type !== 'artifact.created') continue;
      const p = e.payload;
      if (p.node === node.id || p.tag === node.tag) byName.set(`${p.name}.${p.format}`, p); // reconstructions has a png and a json
    }
    return [...byName.values()];
  }
}
