// Chart series from debug/trajectories.json (docs/debugger.md): for one metric, one series per
// watched feature, x = step. Features no longer watched keep their record, so they are drawn
// too, after the watched ones. Pure, tested under node.

export const TRAJECTORY_METRICS = ['weight_cos_to_init', 'win_rate', 'grad_magnitude', 'gate'];

export const featureLabel = (id) => `feature ${id}`;

// [{label, feature, steps, values}] for `metric`; points without the metric become gaps.
export function trajectorySeries(traj, metric) {
  const features = traj?.features || {};
  const watched = (traj?.watched || []).map(String);
  const ids = [...watched.filter((id) => id in features), ...Object.keys(features).filter((id) => !watched.includes(id)).sort((a, b) => a - b)];
  return ids.map((id) => {
    const points = features[id]?.points || [];
    return {
      label: featureLabel(id),
      feature: Number(id),
      watched: watched.includes(id),
      steps: points.map((p) => p.step),
      values: points.map((p) => (Number.isFinite(p[metric]) ? p[metric] : null)),
    };
  }).filter((s) => s.steps.length);
}
