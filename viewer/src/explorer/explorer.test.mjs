// Behaviour checks of the explorer's pure parts (no browser): extent radius and fading,
// dimension-aware distances, edge selection from the kNN file, artifact indexing, URL state and
// hover picking. Run: node --test viewer/src/explorer/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OrthographicCamera } from 'three';
import { extentRadius, edgeAlpha, projectedDistance, median } from './extent.js';
import { selectionGeometry, withMedian, MIN_EDGE_ALPHA } from './selection.js';
import { indexArtifacts, dimsAvailable, overlaysAvailable } from './artifacts.js';
import { readViewState } from './view_state.js';
import { createPicker } from './picker.js';

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
