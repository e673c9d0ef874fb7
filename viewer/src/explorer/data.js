// Loading and checking the explorer's files. Every file is read at most once per mount; a
// missing or malformed file becomes a notice and the rest keeps rendering.

export function createFileCache(loadJson) {
  const cache = new Map();
  return (path) => {
    if (!cache.has(path)) cache.set(path, Promise.resolve().then(() => loadJson(path)));
    return cache.get(path);
  };
}

const isNumArray = (a, len) => Array.isArray(a) && a.length === len;

// Returns {n, dims, coords, index, labels}; throws an Error naming the file.
export function checkProjection(p, path, expectDims) {
  if (!p || typeof p !== 'object') throw new Error(`${path}: not a projection object`);
  const n = Number(p.n);
  const dims = Number(p.dims ?? expectDims);
  if (!(Number.isInteger(n) && n >= 0)) throw new Error(`${path}: no point count n`);
  if (dims !== expectDims) throw new Error(`${path}: dims ${p.dims} where ${expectDims} was expected`);
  if (!isNumArray(p.coords, n * dims)) throw new Error(`${path}: coords hold ${p.coords?.length} numbers, expected n × dims = ${n * dims}`);
  const labels = isNumArray(p.label, n) ? p.label : null;
  const index = isNumArray(p.index, n) ? p.index : null;
  return { n, dims, coords: p.coords, labels, index };
}

// A newer format version is shown as a notice, and the file is still read as far as it fits.
export function versionWarning(file, path) {
  return file && Number(file.version) > 1 ? `${path}: format version ${file.version} is newer than this viewer knows (1); showing what it understands` : null;
}

// Returns the kNN table if it matches the projection's points, else throws naming the file.
export function checkKnn(knn, path, n) {
  if (!knn || typeof knn !== 'object') throw new Error(`${path}: not a kNN object`);
  const k = Number(knn.k);
  if (Number(knn.n) !== n) throw new Error(`${path}: kNN covers ${knn.n} points, the projection ${n}`);
  if (!(Number.isInteger(k) && k > 0)) throw new Error(`${path}: no neighbour count k`);
  if (!isNumArray(knn.indices, n * k)) throw new Error(`${path}: indices do not hold n × k = ${n * k} entries`);
  if (!isNumArray(knn.distances, n * k)) throw new Error(`${path}: distances do not hold n × k = ${n * k} entries`);
  if (!isNumArray(knn.kth_distance, n)) throw new Error(`${path}: kth_distance does not hold n = ${n} entries`);
  return { n, k, indices: knn.indices, distances: knn.distances, kth: knn.kth_distance };
}
