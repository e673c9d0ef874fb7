// Status of a run as the lists and headers show it: the summary's status, refined into live/stale
// by how recently acc wrote (a running run not written for 60 s has probably died).

import { secondsSince } from './format.js';

const STALE_SECONDS = 60;

export function runState(summary, updatedIso) {
  const status = summary?.status || 'unknown';
  if (status === 'running' || status === 'created') return secondsSince(updatedIso) < STALE_SECONDS ? 'live' : 'stale';
  return status;
}

// Seconds the run has taken: the recorded duration when finished, else counted up to now.
export function runDuration(summary, state) {
  if (!summary) return null;
  if ((state === 'live') && summary.started) return secondsSince(summary.started);
  if (typeof summary.duration_seconds === 'number') return summary.duration_seconds;
  if (summary.started && summary.ended) return (Date.parse(summary.ended) - Date.parse(summary.started)) / 1000;
  return null;
}

// A few headline numbers from final_metrics of the last node that has any.
export function keyMetrics(summary, limit = 3) {
  const fm = summary?.final_metrics;
  if (!fm || typeof fm !== 'object') return [];
  const tags = Object.keys(fm);
  const preferred = summary.current_node?.tag;
  const tag = tags.includes(preferred) ? preferred : tags[tags.length - 1];
  if (!tag) return [];
  const out = [];
  const wanted = ['psnr', 'accuracy', 'mig', 'mse', 'r2'];
  for (const metric of wanted) {
    for (const [task, values] of Object.entries(fm[tag] || {})) {
      if (values && typeof values[metric] === 'number' && out.length < limit) out.push({ tag, name: `${task}.${metric}`, value: values[metric] });
    }
  }
  return out;
}
