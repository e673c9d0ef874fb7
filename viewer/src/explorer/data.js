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

// Returns {n, dims, coords, index, labels, factors, factorProblems}; throws an Error naming the
// file. Problems with the optional `factors` block never throw (see checkFactors).
export function checkProjection(p, path, expectDims) {
  if (!p || typeof p !== 'object') throw new Error(`${path}: not a projection object`);
  const n = Number(p.n);
  const dims = Number(p.dims ?? expectDims);
  if (!(Number.isInteger(n) && n >= 0)) throw new Error(`${path}: no point count n`);
  if (dims !== expectDims) throw new Error(`${path}: dims ${p.dims} where ${expectDims} was expected`);
  if (!isNumArray(p.coords, n * dims)) throw new Error(`${path}: coords hold ${p.coords?.length} numbers, expected n × dims = ${n * dims}`);
  const labels = isNumArray(p.label, n) ? p.label : null;
  const index = isNumArray(p.index, n) ? p.index : null;
  const { factors, problems } = checkFactors(p.factors, path, n);
  return { n, dims, coords: p.coords, labels, index, factors, factorProblems: problems };
}

// The optional per-point dataset factors: {names, units, values: [one array of n numbers or null
// per name]}, rows in the order of coords. Returns {factors: [{name, unit, values}], problems}
// where values is a Float64Array (NaN = missing) and problems are notices for the user. A
// malformed block counts as absent; a factor whose values do not hold n entries is dropped
// alone. Non-numeric entries count as missing.
export function checkFactors(block, path, n) {
  const factors = [];
  const problems = [];
  if (block === undefined || block === null) return { factors, problems };
  const names = block && typeof block === 'object' ? block.names : undefined;
  const values = block && typeof block === 'object' ? block.values : undefined;
  if (!Array.isArray(names) || !names.every((s) => typeof s === 'string' && s !== '')) {
    problems.push(`${path}: factors has no list of names; colouring by factor is off`);
    return { factors, problems };
  }
  if (!Array.isArray(values) || values.length !== names.length) {
    problems.push(`${path}: factors holds ${Array.isArray(values) ? values.length : 'no'} value lists for ${names.length} names; colouring by factor is off`);
    return { factors, problems };
  }
  const units = Array.isArray(block.units) && block.units.length === names.length ? block.units : [];
  const seen = new Set();
  names.forEach((name, k) => {
    // 'label' is the URL value of colouring by class label, so a factor of that name could not be chosen.
    if (name === 'label' || seen.has(name)) {
      problems.push(`${path}: factor name '${name}' ${name === 'label' ? 'is reserved' : 'is repeated'}; that factor is ignored`);
      return;
    }
    seen.add(name);
    const list = values[k];
    if (!Array.isArray(list) || list.length !== n) {
      problems.push(`${path}: factor '${name}' holds ${Array.isArray(list) ? list.length : 'no'} values for ${n} points; it is ignored`);
      return;
    }
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = typeof list[i] === 'number' && Number.isFinite(list[i]) ? list[i] : NaN;
    factors.push({ name, unit: typeof units[k] === 'string' ? units[k] : '', values: out });
  });
  return { factors, problems };
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
