// A few emphasised points drawn over the cloud: the selected point, its neighbours and the
// hovered point. Fill colour, ring colour and size per marker; always on top of the cloud.
import * as THREE from 'three';

const VERTEX = `
attribute vec3 fillColor;
attribute vec4 ringColor;
attribute float markerSize;
varying vec3 vFill;
varying vec4 vRing;
void main() {
  vFill = fillColor;
  vRing = ringColor;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
  gl_PointSize = markerSize;
}`;

const FRAGMENT = `
varying vec3 vFill;
varying vec4 vRing;
void main() {
  vec2 p = gl_PointCoord * 2.0 - 1.0;
  float r = length(p);
  if (r > 1.0) discard;
  float ring = smoothstep(0.55, 0.68, r);
  gl_FragColor = vec4(mix(vFill, vRing.rgb, ring * vRing.a), 1.0);
}`;

export function createMarkers(capacity) {
  const geometry = new THREE.BufferGeometry();
  const material = new THREE.ShaderMaterial({ vertexShader: VERTEX, fragmentShader: FRAGMENT, depthTest: false, depthWrite: false });
  const object = new THREE.Points(geometry, material);
  object.frustumCulled = false;
  object.renderOrder = 10;
  let buffers = null;

  function allocate(n) {
    buffers = {
      capacity: n,
      position: new THREE.BufferAttribute(new Float32Array(n * 3), 3),
      fill: new THREE.BufferAttribute(new Float32Array(n * 3), 3),
      ring: new THREE.BufferAttribute(new Float32Array(n * 4), 4),
      size: new THREE.BufferAttribute(new Float32Array(n), 1),
    };
    geometry.setAttribute('position', buffers.position);
    geometry.setAttribute('fillColor', buffers.fill);
    geometry.setAttribute('ringColor', buffers.ring);
    geometry.setAttribute('markerSize', buffers.size);
  }
  allocate(capacity);

  return {
    object,
    // list: [{x, y, z, fill: [r,g,b] 0..1, ring: [r,g,b,a], size}] drawn in order (later on top).
    set(list) {
      if (list.length > buffers.capacity) {
        geometry.dispose(); // frees the old GL buffers; the geometry is re-uploaded on next draw
        allocate(Math.max(list.length, buffers.capacity * 2));
      }
      list.forEach((m, i) => {
        buffers.position.setXYZ(i, m.x, m.y, m.z);
        buffers.fill.setXYZ(i, m.fill[0], m.fill[1], m.fill[2]);
        buffers.ring.setXYZW(i, m.ring[0], m.ring[1], m.ring[2], m.ring[3]);
        buffers.size.setX(i, m.size);
      });
      for (const a of [buffers.position, buffers.fill, buffers.ring, buffers.size]) a.needsUpdate = true;
      geometry.setDrawRange(0, list.length);
    },
    dispose() {
      geometry.dispose();
      material.dispose();
    },
  };
}
