// All projected points as one THREE.Points: buffers are built once per projection; colour
// changes rewrite the colour buffer in place. Points keep a constant size on screen.
import * as THREE from 'three';

const VERTEX = `
attribute vec3 pointColor;
attribute float pointDim;
uniform float uSize;
varying vec3 vColor;
void main() {
  vColor = pointColor;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
  // Dimmed points sit slightly behind in depth, so the highlighted ones always draw over them.
  gl_Position.z += pointDim * 0.002 * gl_Position.w;
  gl_PointSize = uSize * (1.0 - 0.3 * pointDim);
}`;

// Round points with a slightly darker rim, so overlapping points stay distinguishable (the rim
// is off for large clouds, where tiny points would turn dark and muddy).
const FRAGMENT = `
varying vec3 vColor;
uniform float uRim;
uniform float uAlpha;
void main() {
  vec2 p = gl_PointCoord * 2.0 - 1.0;
  float r2 = dot(p, p);
  if (r2 > 1.0) discard;
  gl_FragColor = vec4(mix(vColor, vColor * 0.62, uRim * smoothstep(0.45, 0.95, r2)), uAlpha);
}`;

const DIMMED_RGB = [222, 222, 222];

// Smaller points when there are many, so clusters read as densities rather than blobs.
export function pointSizeFor(n) {
  if (n <= 500) return 8;
  if (n <= 5000) return 6;
  if (n <= 20000) return 4.5;
  return 3.5;
}

// coords: flat [n][dims] numbers from the projection file.
export function createPointCloud(coords, dims, n, pixelRatio) {
  const positions = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    positions[i * 3] = coords[i * dims];
    positions[i * 3 + 1] = coords[i * dims + 1];
    positions[i * 3 + 2] = dims === 3 ? coords[i * dims + 2] : 0;
  }
  const colors = new Uint8Array(n * 3);
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute('position', new THREE.BufferAttribute(positions, 3));
  const colorAttr = new THREE.BufferAttribute(colors, 3, true);
  geometry.setAttribute('pointColor', colorAttr);
  const dim = new Float32Array(n);
  const dimAttr = new THREE.BufferAttribute(dim, 1);
  geometry.setAttribute('pointDim', dimAttr);
  const material = new THREE.ShaderMaterial({
    vertexShader: VERTEX,
    fragmentShader: FRAGMENT,
    uniforms: { uSize: { value: pointSizeFor(n) * pixelRatio }, uRim: { value: n > 20000 ? 0 : 1 }, uAlpha: { value: 1 } },
  });
  const object = new THREE.Points(geometry, material);
  object.frustumCulled = false;

  return {
    object,
    positions,
    n,
    // rgbOf(i) -> [r, g, b] bytes, dimmed(i) -> bool; written into the existing buffers.
    setColors(rgbOf, dimmed = () => false) {
      for (let i = 0; i < n; i++) {
        const off = dimmed(i);
        const c = off ? DIMMED_RGB : rgbOf(i);
        colors[i * 3] = c[0];
        colors[i * 3 + 1] = c[1];
        colors[i * 3 + 2] = c[2];
        dim[i] = off ? 1 : 0;
      }
      colorAttr.needsUpdate = true;
      dimAttr.needsUpdate = true;
    },
    // 'shown' | 'faint' | 'hidden': faint points let an overlay under them show through.
    setVisibility(mode) {
      object.visible = mode !== 'hidden';
      const faint = mode === 'faint';
      material.uniforms.uAlpha.value = faint ? (n > 20000 ? 0.08 : 0.3) : 1;
      material.transparent = faint;
      material.depthWrite = !faint;
      material.needsUpdate = true;
    },
    dispose() {
      geometry.dispose();
      material.dispose();
    },
  };
}

// Bounding box of the projected coordinates: {min: [..dims], max: [..dims]}.
export function coordBounds(coords, dims, n) {
  const min = new Array(dims).fill(Infinity);
  const max = new Array(dims).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < dims; a++) {
      const v = coords[i * dims + a];
      if (v < min[a]) min[a] = v;
      if (v > max[a]) max[a] = v;
    }
  }
  for (let a = 0; a < dims; a++) if (!Number.isFinite(min[a])) { min[a] = -1; max[a] = 1; }
  return { min, max };
}

// The box the camera frames first: per axis the 0.5th..99.5th percentile, so a few outliers do
// not shrink the bulk of the cloud into a corner (they stay reachable by zooming out).
export function framingBounds(coords, dims, n) {
  if (n < 200) return coordBounds(coords, dims, n);
  // Percentiles of an evenly strided sample of at most ~10,000 points are plenty for framing.
  const stride = Math.max(1, Math.floor(n / 10000));
  const m = Math.ceil(n / stride);
  const min = [];
  const max = [];
  const axis = new Float32Array(m);
  for (let a = 0; a < dims; a++) {
    for (let s = 0; s < m; s++) axis[s] = coords[s * stride * dims + a];
    axis.sort();
    min.push(axis[Math.floor(0.005 * (m - 1))]);
    max.push(axis[Math.ceil(0.995 * (m - 1))]);
  }
  return { min, max };
}
