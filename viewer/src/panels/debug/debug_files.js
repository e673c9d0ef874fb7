// Where a capture's files are (docs/debugger.md, "Files"): every name is relative to the
// capture's directory debug/<from>/step_<N>/, unless the event already gives a path in the run
// directory. Pure, so the paths the page asks for are tested under node.

export const FORCE_IMAGES = ['weight', 'plain', 'gated', 'applied'];
export const COSINE_SOURCES = ['weights', 'gradients'];

export const fileNames = {
  batchImage: () => 'batch.png',
  batch: () => 'batch.json',
  features: (layer) => `features.${layer}.json`,
  force: (layer) => `force.${layer}.json`,
  forceImage: (layer, what) => `force.${layer}.${what}.png`,
  cosine: (layer, source) => `cosine.${layer}.${source}.json`,
};

// The path of `name` in the run directory.
export function capturePath(capture, name) {
  if (name.startsWith('debug/')) return name;
  return `${capture.dir}/${name}`;
}

// Whether the capture event lists `name` (as a bare name or a run-relative path). A capture
// without a file list (an older writer) is taken to hold everything, and a missing file then
// shows as a load notice rather than silently as nothing.
export function captureHas(capture, name) {
  if (!capture.files.length) return true;
  const full = capturePath(capture, name);
  return capture.files.some((f) => f === name || f === full || capturePath(capture, f) === full);
}

export function cosineSourcesOf(capture, layer) {
  return COSINE_SOURCES.filter((s) => captureHas(capture, fileNames.cosine(layer, s)));
}

// A path in the run directory as a URL under the run's URL (each segment encoded).
export function runFileUrl(runUrl, rel) {
  return runUrl + rel.split('/').map(encodeURIComponent).join('/');
}
