// Which training progress the run header shows when several acc processes (`make -j` branches)
// append train.progress events to one log: the latest event of each branch (by `from`, the
// checkpoint tag it last saved or forked; runs of an older acc have none and count as one
// branch). Kept pure for the unit test.

// Folds train.progress events into `latest`, a Map key -> {payload, time, seq}, where the key is
// `from` or null. Keys keep the order they first appeared in, so bars do not swap places.
export function foldProgress(latest, event) {
  const key = typeof event.payload.from === 'string' ? event.payload.from : null;
  latest.set(key, { payload: event.payload, time: event.time, seq: event.seq ?? event.line });
}

// While the run is live: one bar per branch still training (its latest event short of its
// phase's last step), dropping those that have not reported for STALE_SECONDS while another did
// (a branch process that died without a word). Otherwise, or when no branch is training (e.g.
// all are evaluating), the most recent event alone, as for a sequential run.
const STALE_SECONDS = 60;

// Returns [{key, payload}] to draw.
export function progressBars(latest, live) {
  const entries = [...latest].map(([key, v]) => ({ key, ...v }));
  if (!entries.length) return [];
  const newest = entries.reduce((a, b) => (b.seq > a.seq ? b : a));
  if (live) {
    const newestTime = Date.parse(newest.time);
    const fresh = (e) => !(newestTime - Date.parse(e.time) > STALE_SECONDS * 1000); // unparsable times count as fresh
    const training = entries.filter((e) => !finished(e.payload) && fresh(e));
    if (training.length) return training.map(({ key, payload }) => ({ key, payload }));
  }
  return [{ key: newest.key, payload: newest.payload }];
}

const finished = (p) => typeof p.phase_step === 'number' && typeof p.phase_steps === 'number' && p.phase_step >= p.phase_steps;
