// The WebGL stage: renderer, camera and controls for a 2D (orthographic, pan + zoom) or 3D
// (perspective, orbit) view. Draws only on request (camera or state change), never in a loop.
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';

export function createStage(host) {
  const renderer = new THREE.WebGLRenderer({ antialias: false, alpha: false, preserveDrawingBuffer: false });
  renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
  renderer.setClearColor(0xffffff, 1);
  const canvas = renderer.domElement;
  canvas.setAttribute('data-testid', 'explorer-canvas');
  canvas.className = 'accx-canvas';
  host.appendChild(canvas);

  const scene = new THREE.Scene();
  const listeners = new Set(); // called after each camera change (picking caches listen)
  let camera = null;
  let controls = null;
  let dims = 2;
  let frame = 0;
  let width = 1;
  let height = 1;

  function requestRender() {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      renderNow();
    });
  }

  function renderNow() {
    if (!camera) return;
    for (const fn of beforeRender) fn(camera);
    renderer.render(scene, camera);
  }
  const beforeRender = new Set();

  function cameraChanged() {
    for (const fn of listeners) fn();
    requestRender();
  }

  function resize() {
    const rect = host.getBoundingClientRect();
    width = Math.max(1, Math.floor(rect.width));
    height = Math.max(1, Math.floor(rect.height));
    renderer.setSize(width, height, false);
    canvas.style.width = width + 'px';
    canvas.style.height = height + 'px';
    if (camera) updateProjection();
    cameraChanged();
  }

  function updateProjection() {
    const aspect = width / height;
    if (camera.isOrthographicCamera) {
      // Until the user moves the camera, a resize re-frames the data; afterwards it keeps the
      // scale (world units per pixel), so the points do not jump when the panel changes size.
      if (!camera.userData.userMoved) camera.userData.unitsPerPixel = fitUnitsPerPixel(camera.userData.fit);
      const u = camera.userData.unitsPerPixel;
      camera.left = -u * width / 2;
      camera.right = u * width / 2;
      camera.top = u * height / 2;
      camera.bottom = -u * height / 2;
    } else {
      camera.aspect = aspect;
    }
    camera.updateProjectionMatrix();
  }

  function fitUnitsPerPixel(fit) {
    return 1.1 * Math.max(fit.sx / width, fit.sy / height);
  }

  // Sets up camera + controls for `nextDims`, framing the box {min, max} (`bounds`); in 3D a
  // faint box around all the data (`extent`) gives orientation while rotating.
  let box = null;
  function configure(nextDims, bounds, extent = bounds) {
    if (controls) controls.dispose();
    if (box) { scene.remove(box); box.geometry.dispose(); box.material.dispose(); box = null; }
    dims = nextDims;
    const center = new THREE.Vector3(
      (bounds.min[0] + bounds.max[0]) / 2, (bounds.min[1] + bounds.max[1]) / 2, dims === 3 ? (bounds.min[2] + bounds.max[2]) / 2 : 0);
    const sx = bounds.max[0] - bounds.min[0] || 1;
    const sy = bounds.max[1] - bounds.min[1] || 1;
    if (dims === 2) {
      camera = new THREE.OrthographicCamera(-1, 1, 1, -1, 0.1, 1000);
      camera.userData.fit = { sx, sy };
      camera.position.set(center.x, center.y, 100);
      camera.up.set(0, 1, 0);
    } else {
      const sz = bounds.max[2] - bounds.min[2] || 1;
      const radius = 0.5 * Math.sqrt(sx * sx + sy * sy + sz * sz);
      camera = new THREE.PerspectiveCamera(45, width / height, radius / 100, radius * 100);
      const distance = radius / Math.sin(THREE.MathUtils.degToRad(22.5)) * 0.95;
      camera.position.copy(center).add(new THREE.Vector3(0.55, 0.45, 0.7).normalize().multiplyScalar(distance));
      const b3 = new THREE.Box3(new THREE.Vector3(...extent.min), new THREE.Vector3(...extent.max));
      box = new THREE.Box3Helper(b3, 0xc8ccd2);
      box.renderOrder = -2;
      scene.add(box);
    }
    updateProjection();
    controls = new OrbitControls(camera, canvas);
    controls.target.copy(center);
    controls.enableDamping = false; // damping needs a render loop; we draw on demand
    controls.zoomToCursor = true;
    if (dims === 2) {
      controls.enableRotate = false;
      controls.screenSpacePanning = true;
      controls.mouseButtons = { LEFT: THREE.MOUSE.PAN, MIDDLE: THREE.MOUSE.DOLLY, RIGHT: THREE.MOUSE.PAN };
      controls.touches = { ONE: THREE.TOUCH.PAN, TWO: THREE.TOUCH.DOLLY_PAN };
    } else {
      controls.screenSpacePanning = true;
    }
    controls.update();
    controls.addEventListener('change', cameraChanged);
    controls.addEventListener('start', () => { camera.userData.userMoved = true; });
    cameraChanged();
  }

  // Compact camera description for the URL, so a refresh returns to the same view.
  function describeView() {
    if (!camera) return '';
    const r = (v) => Number(v.toPrecision(5));
    const p = camera.position;
    const t = controls.target;
    const parts = [dims, r(p.x), r(p.y), r(p.z), r(t.x), r(t.y), r(t.z), r(camera.zoom)];
    return parts.join('_');
  }

  function applyView(text) {
    const v = String(text || '').split('_').map(Number);
    if (v.length !== 8 || v[0] !== dims || v.some((x) => !Number.isFinite(x)) || !(v[7] > 0)) return false;
    camera.position.set(v[1], v[2], v[3]);
    controls.target.set(v[4], v[5], v[6]);
    camera.zoom = v[7];
    camera.userData.userMoved = true;
    camera.updateProjectionMatrix();
    controls.update();
    cameraChanged();
    return true;
  }

  const observer = new ResizeObserver(resize);
  observer.observe(host);
  resize();

  return {
    renderer,
    canvas,
    scene,
    get camera() { return camera; },
    get controls() { return controls; },
    get dims() { return dims; },
    // True once the user has moved the camera (or a saved camera was applied).
    get userMoved() { return Boolean(camera && camera.userData.userMoved); },
    get size() { return { width, height }; },
    configure,
    requestRender,
    renderNow,
    describeView,
    applyView,
    onCameraChange(fn) { listeners.add(fn); return () => listeners.delete(fn); },
    onBeforeRender(fn) { beforeRender.add(fn); return () => beforeRender.delete(fn); },
    dispose() {
      if (frame) cancelAnimationFrame(frame);
      observer.disconnect();
      if (controls) controls.dispose();
      if (box) { box.geometry.dispose(); box.material.dispose(); }
      listeners.clear();
      beforeRender.clear();
      renderer.dispose();
      renderer.forceContextLoss();
      canvas.remove();
    },
  };
}
