// What to ask acc for when a panel needs an artifact the run does not have yet: the exact
// `acc inspect` command line (shown, copyable, on a page opened from disk) and the equivalent
// body of `POST /api/runs/<id>/inspect` (sent by a Compute button when `acc serve` serves the
// page). One request spec feeds both, so the two can never ask for different things. Pure.

// spec: {runId, tag, index, layer?, channel?, xy?: [x, y], convStep?: true, perturb?: [dim, delta],
// topk?, topkMetric?, subset?, posteriorSamples?}; runsRoot: the runs root on disk when known
// (file://). Options follow README, "Network inspection: acc inspect".
export function inspectCommand(spec, runsRoot = null) {
  const args = ['acc', 'inspect', `${spec.runId}/${spec.tag}`, '--index', String(spec.index)];
  if (spec.layer !== undefined && spec.layer !== null) args.push('--layer', String(spec.layer));
  if (spec.channel !== undefined && spec.channel !== null) args.push('--channel', String(spec.channel));
  if (spec.xy) args.push('--xy', `${spec.xy[0]},${spec.xy[1]}`);
  if (spec.convStep) args.push('--conv-step');
  if (spec.perturb) args.push('--perturb', `${spec.perturb[0]}:${spec.perturb[1]}`);
  if (spec.topk) {
    args.push('--topk', String(spec.topk));
    if (spec.topkMetric) args.push('--topk-metric', spec.topkMetric);
    if (spec.subset) args.push('--subset', String(spec.subset));
  }
  if (spec.posteriorSamples) args.push('--posterior-samples', String(spec.posteriorSamples));
  if (runsRoot) args.push('--runs', runsRoot);
  return args.map(shellQuote).join(' ');
}

// The served request's body (docs/debugger.md: `{node, index, layer?, channel?, xy?, conv_step?,
// perturb?, topk?, topk_metric?, subset?, posterior_samples?}`); `node` is the node's tag.
export function inspectBody(spec) {
  const body = { node: spec.tag, index: spec.index };
  if (spec.layer !== undefined && spec.layer !== null) body.layer = spec.layer;
  if (spec.channel !== undefined && spec.channel !== null) body.channel = spec.channel;
  if (spec.xy) body.xy = [spec.xy[0], spec.xy[1]];
  if (spec.convStep) body.conv_step = true;
  if (spec.perturb) body.perturb = [spec.perturb[0], spec.perturb[1]];
  if (spec.topk) {
    body.topk = spec.topk;
    if (spec.topkMetric) body.topk_metric = spec.topkMetric;
    if (spec.subset) body.subset = spec.subset;
  }
  if (spec.posteriorSamples) body.posterior_samples = spec.posteriorSamples;
  return body;
}

// `acc eval` writing a node's evaluation artifacts (README: `--artifacts mixture_health
// mixture_samples` for a GM-VAE's mixture files), for panels whose files come from evaluations.
export function evalArtifactsCommand(runId, tag, artifacts, runsRoot = null) {
  const args = ['acc', 'eval', `${runId}/${tag}`, '--artifacts', ...artifacts];
  if (runsRoot) args.push('--runs', runsRoot);
  return args.map(shellQuote).join(' ');
}

// The runs root directory on disk of a run opened from file:// (its URL's parent), else null: a
// served page's paths are the server's, and acc serve knows its root.
export function runsRootOf(runUrl) {
  let url;
  try { url = new URL(runUrl); } catch { return null; }
  if (url.protocol !== 'file:') return null;
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  return '/' + parts.slice(0, -1).join('/');
}

function shellQuote(s) {
  return /^[A-Za-z0-9_./:,=+@%-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}
