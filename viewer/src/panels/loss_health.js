// Loss health on the run page: folds the run's train.health events (acc's LossHealthMonitor,
// docs/running.md "Loss health") into, per task, the step ranges each branch spent in each
// class and the class each branch is in now. The loss charts draw the ranges that are not
// healthy as shaded bands and put the worst current class in a badge on the task's chart.
// Nothing is recomputed: a class is exactly what acc wrote.

export const HEALTH_CLASSES = ['healthy', 'plateau', 'trivial', 'diverging'];
const RANK = Object.fromEntries(HEALTH_CLASSES.map((c, i) => [c, i]));

// Band and badge colours per class (healthy draws no band).
export const HEALTH_COLORS = {
  healthy: '#2e7d32',
  plateau: '#b7791f',
  trivial: '#6b46c1',
  diverging: '#c53030',
};

// events: the run's parsed events. Returns Map task -> {
//   spans: [{from, health, start, end, reason}]  (end: the step of the branch's next verdict,
//          or null while it is still in the class: draw to the end of the curve),
//   latest: Map from -> {health, step, reason},
//   worst: the highest-ranked class in `latest` }.
// A train op reports each task's first verdict with previous = null; a new train op on the
// same branch starts its tracker afresh, which the spans simply continue.
export function lossHealthOf(events) {
  const byTask = new Map();
  for (const e of events) {
    if (e.type !== 'train.health') continue;
    const p = e.payload || {};
    if (typeof p.task !== 'string' || !(p.health in RANK) || typeof p.step !== 'number') continue;
    const from = typeof p.from === 'string' ? p.from : '';
    if (!byTask.has(p.task)) byTask.set(p.task, { spans: [], latest: new Map(), worst: 'healthy' });
    const t = byTask.get(p.task);
    const open = t.spans.findLast((s) => s.from === from && s.end === null);
    if (open) open.end = p.step;
    t.spans.push({ from, health: p.health, start: p.step, end: null, reason: String(p.reason || '') });
    t.latest.set(from, { health: p.health, step: p.step, reason: String(p.reason || '') });
  }
  for (const t of byTask.values()) {
    t.worst = [...t.latest.values()].reduce((w, l) => (RANK[l.health] > RANK[w] ? l.health : w), 'healthy');
  }
  return byTask;
}

// The badge's hover text: one line per branch, worst first.
export function healthSummary(taskHealth) {
  return [...taskHealth.latest.entries()]
    .sort((a, b) => RANK[b[1].health] - RANK[a[1].health])
    .map(([from, l]) => `${from ? `from ${from}` : 'train'}: ${l.health} since step ${l.step} — ${l.reason}`)
    .join('\n');
}

// The shaded bands for one task's chart: every span that is not healthy.
export function healthBands(taskHealth) {
  return taskHealth ? taskHealth.spans.filter((s) => s.health !== 'healthy') : [];
}
