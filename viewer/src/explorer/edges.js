// The selected point's latent kNN edges as line segments with per-edge opacity, and the
// extent-radius outline (a circle in 2D, a camera-facing ring in 3D).
import * as THREE from 'three';

const CIRCLE_SEGMENTS = 96;

export function createEdgeLayer(capacity) {
  const geometry = new THREE.BufferGeometry();
  const material = new THREE.LineBasicMaterial({ vertexColors: true, transparent: true, depthTest: false, depthWrite: false });
  const lines = new THREE.LineSegments(geometry, material);
  lines.frustumCulled = false;
  lines.renderOrder = 5;
  let cap = 0;
  let position = null;
  let color = null;

  function allocate(n) {
    geometry.dispose();
    cap = n;
    position = new THREE.BufferAttribute(new Float32Array(n * 2 * 3), 3);
    color = new THREE.BufferAttribute(new Float32Array(n * 2 * 4), 4); // rgba: alpha fades the edge
    geometry.setAttribute('position', position);
    geometry.setAttribute('color', color);
  }
  allocate(capacity);

  // Unit circle scaled/positioned per selection.
  const circlePoints = [];
  for (let s = 0; s < CIRCLE_SEGMENTS; s++) {
    const a = (s / CIRCLE_SEGMENTS) * Math.PI * 2;
    circlePoints.push(new THREE.Vector3(Math.cos(a), Math.sin(a), 0));
  }
  const circleGeometry = new THREE.BufferGeometry().setFromPoints(circlePoints);
  const circleMaterial = new THREE.LineDashedMaterial({ color: 0x222222, dashSize: 0.06, gapSize: 0.04, transparent: true, opacity: 0.85, depthTest: false });
  const circle = new THREE.LineLoop(circleGeometry, circleMaterial);
  circle.computeLineDistances();
  circle.frustumCulled = false;
  circle.renderOrder = 6;
  circle.visible = false;

  const group = new THREE.Group();
  group.add(lines, circle);

  return {
    group,
    // edges: [{from: [x,y,z], to: [x,y,z], rgb: [r,g,b] 0..1, alpha}]
    setEdges(edges) {
      if (edges.length > cap) allocate(Math.max(edges.length, cap * 2));
      edges.forEach((e, i) => {
        position.setXYZ(2 * i, e.from[0], e.from[1], e.from[2]);
        position.setXYZ(2 * i + 1, e.to[0], e.to[1], e.to[2]);
        color.setXYZW(2 * i, e.rgb[0], e.rgb[1], e.rgb[2], e.alpha);
        color.setXYZW(2 * i + 1, e.rgb[0], e.rgb[1], e.rgb[2], e.alpha);
      });
      position.needsUpdate = true;
      color.needsUpdate = true;
      geometry.setDrawRange(0, edges.length * 2);
      lines.visible = edges.length > 0;
    },
    // Radius outline around `center`; null hides it. Dashes are in units of the radius.
    setCircle(center, radius) {
      circle.visible = Boolean(center) && radius > 0;
      if (!circle.visible) return;
      circle.position.set(center[0], center[1], center[2]);
      circle.scale.setScalar(radius);
    },
    // In 3D the ring turns to face the camera, so it always reads as the radius on screen.
    faceCamera(camera, is3d) {
      if (is3d) circle.quaternion.copy(camera.quaternion);
      else circle.quaternion.identity();
    },
    dispose() {
      geometry.dispose();
      material.dispose();
      circleGeometry.dispose();
      circleMaterial.dispose();
    },
  };
}
