// The runs index of a root (<root>/index.js, written by acc), polled while someone listens.

import { loadMirrorJson } from '../data/loader.js';

const POLL_MS = 3000;

export class IndexStore {
  constructor(rootUrl) {
    this.rootUrl = rootUrl;
    this.index = null;
    this.error = null;
    this.listeners = new Set();
    this.timer = null;
    this.lastUpdated = null;
  }

  get runs() { return this.index?.runs || []; }

  subscribe(fn) {
    this.listeners.add(fn);
    if (this.listeners.size === 1) this.poll();
    else if (this.index || this.error) fn();
    return () => {
      this.listeners.delete(fn);
      if (this.listeners.size === 0) { clearTimeout(this.timer); this.timer = null; }
    };
  }

  // One load without keeping the poll going (for pickers that only need the list once).
  async once() {
    if (!this.index && !this.error) await this.load();
    return this.runs;
  }

  async load() {
    try {
      const index = await loadMirrorJson(`${this.rootUrl}index.js?t=${Date.now()}`, 'index.js');
      this.error = null;
      const changed = !this.index || index.updated !== this.lastUpdated;
      this.index = index;
      this.lastUpdated = index.updated;
      return changed;
    } catch (e) {
      const changed = !this.error;
      this.error = e;
      return changed;
    }
  }

  async poll() {
    clearTimeout(this.timer);
    const changed = await this.load();
    if (changed) for (const fn of this.listeners) fn();
    // Re-render every poll anyway: live durations count up even when the index did not change.
    else for (const fn of this.listeners) fn({ tick: true });
    if (this.listeners.size) this.timer = setTimeout(() => this.poll(), POLL_MS);
  }
}
