// 2D overlays from the persisted density / distortion grids: the grid's values become texels
// of a semi-transparent plane under the points (a pixel transform, nothing recomputed).
import * as THREE from 'three';
import { densityRamp, divergingRamp } from './colors.js';

// Checks the grid fields the overlay needs; throws an Error naming what is wrong.
export function validateGrid(grid, what) {
  const b = grid && grid.bounds;
  const w = grid && (grid.width ?? grid.grid?.width);
  const h = grid && (grid.height ?? grid.grid?.height);
  if (!b || ![b.x_min, b.x_max, b.y_min, b.y_max].every(Number.isFinite)) throw new Error(`${what}: no bounds`);
  if (!(w > 0 && h > 0)) throw new Error(`${what}: no grid width/height`);
  if (!Array.isArray(grid.values) || grid.values.length !== w * h) throw new Error(`${what}: values do not match the ${w} x ${h} grid`);
  return { bounds: b, width: w, height: h };
}

// Maps a grid to RGBA texels and the legend's description of the colour scale.
export function gridToTexels(grid, kind, width, height) {
  const texels = new Uint8Array(width * height * 4);
  const values = grid.values;
  let colorOf;
  let legend;
  if (kind === 'distortion') {
    // Ratio of projected to latent kNN distances: log scale centred on the median, so
    // compressed (<median) and stretched (>median) regions are symmetric colours.
    const stats = grid.stats || {};
    const finite = values.filter((v) => Number.isFinite(v) && v > 0);
    const median = stats.median > 0 ? stats.median : finite.sort((a, b) => a - b)[finite.length >> 1] || 1;
    const lo = stats.min > 0 ? stats.min : Math.min(...finite);
    const hi = stats.max > 0 ? stats.max : Math.max(...finite);
    const span = Math.max(Math.abs(Math.log(hi / median)), Math.abs(Math.log(median / lo)), 1e-6);
    colorOf = (v) => (Number.isFinite(v) && v > 0 ? [...divergingRamp(0.5 + 0.5 * Math.log(v / median) / span), 150] : null);
    legend = { ramp: divergingRamp, low: median * Math.exp(-span), mid: median, high: median * Math.exp(span), label: 'kNN distance ratio (projected / latent), log scale' };
  } else {
    // Densities sum to 1 over the grid; a square-root scale keeps the tails visible.
    const max = grid.stats && grid.stats.max > 0 ? grid.stats.max : Math.max(...values.filter(Number.isFinite), 0);
    colorOf = (v) => {
      if (!(v > 0) || !(max > 0)) return null;
      const t = Math.sqrt(Math.min(1, v / max));
      // Opacity grows with density from zero, so the overlay's edge fades instead of stepping.
      return [...densityRamp(t), Math.round(200 * Math.min(1, 1.6 * t))];
    };
    legend = { ramp: densityRamp, low: 0, mid: null, high: max, label: `${kind} density (sqrt scale, cell share)` };
  }
  for (let i = 0; i < width * height; i++) {
    const c = colorOf(values[i]);
    if (!c) continue;
    texels.set(c, i * 4);
  }
  return { texels, legend };
}

export function createOverlayPlane(grid, kind, what) {
  const { bounds, width, height } = validateGrid(grid, what);
  const { texels, legend } = gridToTexels(grid, kind, width, height);
  // Row 0 of the grid is y_min, and DataTexture row 0 is v = 0, the bottom of the plane.
  const texture = new THREE.DataTexture(texels, width, height, THREE.RGBAFormat);
  texture.magFilter = kind === 'distortion' ? THREE.NearestFilter : THREE.LinearFilter;
  texture.minFilter = THREE.LinearFilter;
  texture.colorSpace = THREE.SRGBColorSpace;
  texture.needsUpdate = true;
  const material = new THREE.MeshBasicMaterial({ map: texture, transparent: true, depthWrite: false, side: THREE.DoubleSide });
  const w = bounds.x_max - bounds.x_min;
  const h = bounds.y_max - bounds.y_min;
  const geometry = new THREE.PlaneGeometry(w, h);
  const mesh = new THREE.Mesh(geometry, material);
  mesh.position.set(bounds.x_min + w / 2, bounds.y_min + h / 2, -1);
  mesh.renderOrder = -1;
  return {
    mesh,
    legend,
    dispose() {
      geometry.dispose();
      material.dispose();
      texture.dispose();
    },
  };
}
