// Behaviour checks of the explorer's pure parts (no browser): extent radius and fading,
// dimension-aware distances, edge selection from the kNN file, artifact indexing, URL state,
// hover picking, and colouring by a dataset factor (parsing, colour map, URL state). Run: node --test viewer/src/explorer/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OrthographicCamera } from 'three';
import { extentRadius, edgeAlpha, projectedDistance, median } from './extent.js';
import { selectionGeometry, withMedian, MIN_EDGE_ALPHA } from './selection.js';
import { indexArtifacts, dimsAvailable, overlaysAvailable } from './artifacts.js';
import { readViewState, colorParam } from './view_state.js';
import { createPicker } from './picker.js';
import { checkProjection } from './data.js';
import { VIRIDIS, viridisRamp, hexToRgb, UNLABELLED } from './colors.js';
import { COLOR_LABEL, resolveColorBy, factorScale, factorT, factorRgb, formatFactorValue } from './factors.js';
import { fmt } from './dom.js';

test('extent radius grows with the latent k-th distance and is s * base at the median', () => {
  const kth = [0.5, 1, 2, 4];
  const med = median(kth);
  const radii = kth.map((d) => extentRadius(d, med, 0.1, 1));
  for (let i = 1; i < radii.length; i++) assert.ok(radii[i] > radii[i - 1]);
  assert.equal(extentRadius(med, med, 0.1, 2), 0.2);
});

test('edges are opaque inside the radius and fade smoothly (no cut-off) beyond it', () => {
  assert.equal(edgeAlpha(0.5, 1), 1);
  assert.equal(edgeAlpha(1, 1), 1);
  assert.ok(Math.abs(edgeAlpha(1 + 1e-9, 1) - 1) < 1e-6, 'continuous at the radius');
  assert.ok(Math.abs(edgeAlpha(1.5, 1) - Math.exp(-1)) < 1e-12);
  assert.ok(edgeAlpha(2, 1) < edgeAlpha(1.5, 1) && edgeAlpha(3, 1) > 0);
});

test('projected distances use every axis of the projection (2D vs 3D)', () => {
  assert.equal(projectedDistance([0, 0, 3, 4], 2, 0, 1), 5);
  assert.equal(projectedDistance([0, 0, 0, 2, 3, 6], 3, 0, 1), 7);
});

test('selection reads neighbours from the kNN file and gates them by the extent radius', () => {
  // Point 0 at the origin; its file neighbours 1..3 at projected distances 1, 2, 10.
  const coords = [0, 0, 1, 0, 2, 0, 10, 0];
  const points = { coords, dims: 2, n: 4, bounds: { min: [0, 0], max: [10, 0] } }; // diagonal 10, base 0.5
  const knn = withMedian({ k: 3, indices: [1, 2, 3, 0, 2, 3, 1, 3, 0, 0, 1, 2], distances: new Array(12).fill(1), kth: [1, 1, 1, 1] });
  const top = selectionGeometry(0, points, knn, 'topk', 1);
  assert.deepEqual(top.edges.map((e) => e.j), [1, 2, 3]);
  assert.equal(selectionGeometry(0, points, knn, 'off', 1).edges.length, 0);
  const gated = selectionGeometry(0, points, knn, 'gated', 2); // radius 1
  assert.equal(gated.radius, 1);
  assert.deepEqual(gated.neighbours.map((nb) => nb.alpha), [1, Math.exp(-2), Math.exp(-18)]);
  assert.deepEqual(gated.edges.map((e) => e.j), [1, 2], `edges below ${MIN_EDGE_ALPHA} are not drawn`);
});

test('artifacts: newest step wins, methods and dims come from the files, overlays are 2D only', () => {
  const a = (kind, name, step) => ({ kind, name, step, path: `${kind}/n/${name}_step_${step}.json`, format: 'json' });
  const index = indexArtifacts([
    a('projections', 'latent_2d_umap', 10), a('projections', 'latent_2d_umap', 30), a('projections', 'latent_3d_umap', 30),
    a('projections', 'latent_2d_pca', 30), a('neighbors', 'knn', 30), a('density', 'posterior_2d_umap', 30),
    a('distortion', 'metric_ratio_2d_umap', 30), { kind: 'projections', name: 'latent_2d_pca', step: 30, path: 'x.png', format: 'png' },
  ]);
  assert.deepEqual(index.methods, ['pca', 'umap']);
  assert.equal(index.projections['umap/2'].step, 30);
  assert.deepEqual(dimsAvailable(index, 'pca'), [2]);
  assert.deepEqual(overlaysAvailable(index, 'umap', 2), ['posterior', 'distortion']);
  assert.deepEqual(overlaysAvailable(index, 'umap', 3), []);
  const view = readViewState({ method: 'pca', dims: '3', overlay: 'posterior', edges: 'bogus', radius: '99', point: '-1' }, index);
  assert.deepEqual([view.method, view.dims, view.overlay, view.edges, view.radius, view.point], ['pca', 2, 'none', 'gated', 1, null]);
});

test('picking returns the nearest point within the pixel radius, or -1', () => {
  const camera = new OrthographicCamera(-50, 50, 50, -50, 0.1, 100); // 100 x 100 px, 1 unit per px
  camera.position.set(0, 0, 10);
  camera.updateMatrixWorld();
  const positions = new Float32Array([0, 0, 0, 10, 0, 0, -30, 20, 0]);
  const picker = createPicker(positions, 3);
  assert.equal(picker.pick(camera, 100, 100, 52, 50, 6), 0);
  assert.equal(picker.pick(camera, 100, 100, 58, 50, 6), 1);
  assert.equal(picker.pick(camera, 100, 100, 20, 30, 6), 2);
  assert.equal(picker.pick(camera, 100, 100, 80, 90, 6), -1);
  picker.setPickable(new Uint8Array([0, 1, 1]));
  assert.equal(picker.pick(camera, 100, 100, 52, 50, 6), -1, 'a dimmed point is not picked');
});

test('factors: a well-formed block is read, a wrong-length factor is dropped alone, a malformed block counts as absent', () => {
  const coords = [0, 0, 1, 1, 2, 2];
  const p = (factors) => checkProjection({ n: 3, dims: 2, coords, label: [0, 1, 2], factors }, 'p.json', 2);
  const ok = p({ names: ['thickness', 'slant', 'width'], units: ['px', 'deg', 'px'], values: [[1, null, 3], [0.5, 0.1], [2, 'x', 4]] });
  assert.deepEqual(ok.factors.map((f) => [f.name, f.unit]), [['thickness', 'px'], ['width', 'px']]);
  assert.deepEqual([...ok.factors[0].values].map((v) => (Number.isNaN(v) ? null : v)), [1, null, 3], 'null is missing');
  assert.ok(Number.isNaN(ok.factors[1].values[1]), 'a non-number counts as missing');
  assert.equal(ok.factorProblems.length, 1);
  assert.match(ok.factorProblems[0], /slant.*2 values for 3 points/);
  for (const absent of [undefined, null]) assert.deepEqual([p(absent).factors, p(absent).factorProblems], [[], []]);
  for (const bad of ['x', [1, 2], { names: 'thickness', values: [[1, 2, 3]] }, { names: ['a', 'b'], values: [[1, 2, 3]] }, { names: ['a'] }]) {
    const r = p(bad);
    assert.deepEqual(r.factors, [], JSON.stringify(bad));
    assert.equal(r.factorProblems.length, 1, 'one notice, no throw');
    assert.equal(r.n, 3, 'the projection itself still loads');
  }
  const noUnits = p({ names: ['a', 'a', 'label'], values: [[0, 0.5, 1], [1, 1, 1], [1, 1, 1]] });
  assert.deepEqual(noUnits.factors.map((f) => [f.name, f.unit]), [['a', '']]);
  assert.equal(noUnits.factorProblems.length, 2, 'a repeated name and the reserved name label are ignored');
});

test('viridis colour map: the table ends, rising lightness, clamping, and missing values in the unlabelled grey', () => {
  const scale = { low: 0, high: 1 };
  assert.deepEqual(factorRgb(0, scale), hexToRgb(VIRIDIS[0]));
  assert.deepEqual(factorRgb(1, scale), hexToRgb(VIRIDIS[VIRIDIS.length - 1]));
  assert.deepEqual(factorRgb(-5, scale), factorRgb(0, scale), 'below the scale clamps');
  assert.deepEqual(factorRgb(7, scale), factorRgb(1, scale), 'above the scale clamps');
  const lightness = (rgb) => 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
  let prev = -1;
  for (let k = 0; k <= 100; k++) {
    const l = lightness(factorRgb(k / 100, scale));
    assert.ok(l > prev, `lightness rises at t=${k / 100}`);
    prev = l;
  }
  for (const missing of [null, undefined, NaN]) assert.deepEqual(factorRgb(missing, scale), hexToRgb(UNLABELLED));
  assert.equal(factorT(3, { low: 3, high: 3 }), 0.5, 'a constant factor sits mid-map');
  assert.deepEqual(viridisRamp(0.5), hexToRgb(VIRIDIS[8]));
});

test('factor scale: 1st..99th percentile of the finite values, min and max, missing count', () => {
  const values = new Float64Array(102);
  for (let i = 0; i <= 100; i++) values[i] = i; // 0..100
  values[101] = NaN;
  const s = factorScale(values);
  assert.deepEqual([s.low, s.high, s.min, s.max, s.count, s.missing], [1, 99, 0, 100, 101, 1]);
  const outlier = factorScale([...Array.from({ length: 200 }, (_, i) => i / 199), 1000]);
  assert.ok(outlier.high < 2 && outlier.max === 1000, 'one extreme value does not stretch the map');
  assert.deepEqual(factorScale([null, null]), { low: null, high: null, min: null, max: null, count: 0, missing: 2 });
  assert.equal(factorT(1, factorScale([null])), null);
  assert.equal(formatFactorValue(2.3456, 'px', fmt), '2.346 px');
  assert.equal(formatFactorValue(0.5, '', fmt), '0.5');
  assert.equal(formatFactorValue(NaN, 'px', fmt), '—');
});

test('colour-by URL state: default label, a factor round-trips, unknown factors fall back to label', () => {
  const index = indexArtifacts([{ kind: 'projections', name: 'latent_2d_pca', step: 1, path: 'a.json', format: 'json' }]);
  assert.equal(readViewState({}, index).color, COLOR_LABEL);
  assert.equal(colorParam(COLOR_LABEL), '', 'the default removes the key');
  for (const name of ['slant', 'stroke width, px']) {
    const url = new URLSearchParams({ color: colorParam(name) }).toString();
    const back = readViewState(Object.fromEntries(new URLSearchParams(url)), index);
    assert.equal(back.color, name);
  }
  const factors = [{ name: 'slant' }, { name: 'thickness' }];
  assert.equal(resolveColorBy('slant', factors), 'slant');
  assert.equal(resolveColorBy('height', factors), COLOR_LABEL, 'a factor this projection lacks');
  assert.equal(resolveColorBy('slant', []), COLOR_LABEL, 'a projection without factors');
  assert.equal(resolveColorBy(COLOR_LABEL, factors), COLOR_LABEL);
});
