// Latent explorer: one node's PCA/UMAP projections as a three.js point cloud, with hover
// thumbnails, kNN edges of a selected point (gated by its extent radius or always top-k), 2D
// density/distortion overlays, and points coloured by class label or by a dataset factor. Everything shown comes from the node's artifact files.
//
// mountExplorer(container, ctx) -> { destroy() }; ctx ({runUrl, loadJson, artifacts, state,
// onStateChange, onNotice}), the URL keys and the test hooks are described in README.md here.
import { Color } from 'three';
import { indexArtifacts, dimsAvailable, overlaysAvailable, overlayArtifact } from './artifacts.js';
import { readViewState, labelKey, colorParam } from './view_state.js';
import { createFileCache, checkProjection, checkKnn, versionWarning } from './data.js';
import { createStage } from './scene.js';
import { createPointCloud, coordBounds, framingBounds, pointSizeFor } from './points.js';
import { createMarkers } from './markers.js';
import { createEdgeLayer } from './edges.js';
import { createOverlayPlane } from './overlay.js';
import { createPicker } from './picker.js';
import { createSpriteSheets } from './sprites.js';
import { createTooltip } from './tooltip.js';
import { createControls } from './controls_ui.js';
import { renderProjectionMeta } from './meta_panel.js';
import { renderLabelLegend, renderFactorLegend, renderOverlayLegend } from './legend.js';
import { renderSelection } from './selection_panel.js';
import { labelColor, hexToRgb } from './colors.js';
import { COLOR_LABEL, resolveColorBy, factorScale, factorRgb, formatFactorValue } from './factors.js';
import { selectionGeometry, withMedian } from './selection.js';
import { attachPointerInput } from './pointer_input.js';
import { ensureStyles } from './styles.js';
import { el, fmt } from './dom.js';

const STATE_DEBOUNCE_MS = 300; // URL writes for the radius slider and camera moves
// Colour converts the sRGB hex to three's linear working space, as line materials expect.
const EDGE_COLOR = new Color('#1f2937');
const SELECTED_RING = [0.07, 0.07, 0.07, 1];
const NEIGHBOUR_RING = [0.95, 0.45, 0.05, 1];

export function mountExplorer(container, ctx) {
  ensureStyles();
  container.setAttribute('data-testid', 'explorer');
  container.removeAttribute('data-points-drawn');
  container.removeAttribute('data-edges-drawn');
  const notice = (msg) => { try { ctx.onNotice && ctx.onNotice(`Latent explorer: ${msg}`); } catch { /* the app's problem */ } };

  const index = indexArtifacts(ctx.artifacts);
  let view = readViewState(ctx.state, index);
  const root = el('div', 'accx-root');
  container.appendChild(root);

  if (!index.methods.length) {
    root.appendChild(el('div', 'accx-muted', 'This node has no projection artifacts (evaluate it with artifacts: [pca, umap]).'));
    return { destroy() { root.remove(); } };
  }

  // ---- state written back to the URL (debounced for the slider and the camera) ----
  let pendingState = {};
  let stateTimer = 0;
  function emitState(changes, debounced = false) {
    Object.assign(pendingState, changes);
    clearTimeout(stateTimer);
    if (debounced) stateTimer = setTimeout(flushState, STATE_DEBOUNCE_MS);
    else flushState();
  }
  function flushState() {
    clearTimeout(stateTimer);
    const out = {};
    for (const [k, v] of Object.entries(pendingState)) out[k] = v === null || v === undefined ? '' : String(v);
    pendingState = {};
    if (Object.keys(out).length && ctx.onStateChange) ctx.onStateChange(out);
  }

  // ---- layout ----
  const controls = createControls(root, onControl);
  const main = el('div', 'accx-main');
  const stageEl = el('div', 'accx-stage');
  const side = el('div', 'accx-side');
  main.append(stageEl, side);
  root.appendChild(main);
  const status = el('div', 'accx-status', 'loading projection…');
  const hint = el('div', 'accx-hint');
  const stage = createStage(stageEl);
  stageEl.append(status, hint);
  const metaHost = el('div');
  const legendHost = el('div');
  const overlayHost = el('div');
  const selectionHost = el('div');
  side.append(selectionHost, overlayHost, legendHost, metaHost);

  const load = createFileCache(ctx.loadJson);
  const markers = createMarkers(64);
  const edges = createEdgeLayer(64);
  stage.scene.add(edges.group, markers.object);
  const offFace = stage.onBeforeRender((camera) => edges.faceCamera(camera, stage.dims === 3));

  let destroyed = false;
  let loadToken = 0;
  let current = null; // {art, n, dims, coords, labels, index, factors, scales, cloud, picker, sprites, tooltip, bounds, pointPx}
  let overlay = null; // {key, plane}
  let knn = null; // checked kNN table, or null while loading / unavailable
  let knnState = 'idle'; // idle | loading | ready | failed
  let hovered = -1;
  let firstProjection = true;
  const factorNoticed = new Set(); // projection paths whose factor problems were shown

  function choices() {
    return {
      methods: index.methods,
      dims: dimsAvailable(index, view.method),
      overlays: overlaysAvailable(index, view.method, view.dims),
      factors: current ? current.factors : [],
    };
  }

  // The colouring drawn: the URL's factor when the shown projection has it, else label.
  function colorBy() {
    return resolveColorBy(view.color, current ? current.factors : []);
  }

  function updateControls() {
    controls.update({ ...view, color: colorBy() }, choices());
  }

  function onControl(key, value) {
    const next = { ...view, [key]: value };
    // A method without the current dims falls back to one it has; 3D has no overlays.
    const fixed = readViewState({ ...next, dims: String(next.dims), point: next.point ?? '', radius: String(next.radius) }, index);
    const changed = {};
    for (const k of ['method', 'dims', 'overlay', 'edges', 'radius', 'pts']) if (fixed[k] !== view[k]) changed[k] = fixed[k];
    const colorChanged = fixed.color !== view.color;
    if (colorChanged) changed.color = colorParam(fixed.color);
    const projectionChanged = fixed.method !== view.method || fixed.dims !== view.dims;
    view = { ...fixed, point: view.point, hide: view.hide, cam: view.cam };
    updateControls();
    if (projectionChanged) {
      changed.cam = ''; // a new projection starts framed, not at the old camera
      view.cam = '';
      showProjection();
    } else {
      if ('overlay' in changed) updateOverlay();
      if ('pts' in changed) { current?.cloud.setVisibility(view.pts); stage.requestRender(); }
      if ('edges' in changed || 'radius' in changed || colorChanged) updateSelection();
      if (colorChanged && current) {
        applyColors();
        renderLegend();
        if (hovered >= 0) setHover(-1);
        stage.requestRender();
      }
    }
    emitState(changed, key === 'radius');
  }

  // ---- projection ----
  async function showProjection() {
    const token = ++loadToken;
    const art = index.projections[`${view.method}/${view.dims}`];
    status.textContent = `loading ${art.path}…`;
    let data;
    let projection;
    try {
      projection = await load(art.path);
      data = checkProjection(projection, art.path, view.dims);
      const warning = versionWarning(projection, art.path);
      if (warning) notice(warning);
    } catch (e) {
      if (destroyed || token !== loadToken) return;
      notice(e.message);
      if (current) {
        // Keep what is on screen, and put the controls back to the projection it shows.
        status.textContent = `could not load ${art.path}; still showing ${current.art.name}`;
        view = { ...view, method: current.method, dims: current.dims };
        updateControls();
        emitState({ method: view.method, dims: view.dims });
      } else {
        status.textContent = `could not load ${art.path}`;
      }
      return;
    }
    if (destroyed || token !== loadToken) return;
    dropProjection();

    const pixelRatio = stage.renderer.getPixelRatio();
    const cloud = createPointCloud(data.coords, data.dims, data.n, pixelRatio);
    const bounds = coordBounds(data.coords, data.dims, data.n);
    const sprites = createSpriteSheets(projection.sprites, ctx.runUrl);
    if (!sprites.available) notice(`${art.path}: no usable sprite sheet description; hover shows no thumbnails`);
    sprites.preload();
    current = {
      art, method: view.method, ...data, cloud, bounds, sprites,
      picker: createPicker(cloud.positions, data.n),
      tooltip: createTooltip(stageEl, sprites),
      pointPx: pointSizeFor(data.n),
      scales: new Map(), // factor name -> factorScale, computed when first drawn
    };
    if (data.factorProblems.length && !factorNoticed.has(art.path)) {
      factorNoticed.add(art.path);
      for (const msg of data.factorProblems) notice(msg);
    }
    updateControls();
    applyColors();
    cloud.setVisibility(view.pts);
    stage.scene.add(cloud.object);
    stage.configure(data.dims, framingBounds(data.coords, data.dims, data.n), bounds);
    if (firstProjection && view.cam) stage.applyView(view.cam);
    firstProjection = false;

    metaHost.textContent = '';
    renderProjectionMeta(metaHost, projection, art.path);
    renderLegend();
    hint.textContent = data.dims === 2 ? 'drag: pan · wheel: zoom · click: select' : 'drag: rotate · right-drag: pan · wheel: zoom · click: select';
    status.textContent = `${data.n.toLocaleString()} points`;

    if (view.point !== null && view.point >= data.n) {
      view.point = null;
      emitState({ point: null });
    }
    stage.renderNow();
    container.setAttribute('data-points-drawn', String(data.n));
    updateOverlay();
    knnPathFromProjection = projection.neighbors;
    updateSelection();
  }

  // ---- point colours: by a factor (viridis, missing values grey), or by label, where labels
  // listed in `hide` are drawn dimmed and cannot be hovered ----
  function activeFactor() {
    const name = colorBy();
    return name === COLOR_LABEL ? null : current.factors.find((f) => f.name === name);
  }

  function scaleOf(factor) {
    if (!current.scales.has(factor.name)) current.scales.set(factor.name, factorScale(factor.values));
    return current.scales.get(factor.name);
  }

  function applyColors() {
    const { labels, n, cloud } = current;
    const factor = activeFactor();
    container.setAttribute('data-color-by', factor ? factor.name : COLOR_LABEL);
    if (factor) {
      const scale = scaleOf(factor);
      cloud.setColors((i) => factorRgb(factor.values[i], scale));
      current.picker.setPickable(null);
      return;
    }
    const rgb = new Map();
    const rgbOf = (i) => {
      const l = labels ? labels[i] : null;
      if (!rgb.has(l)) rgb.set(l, hexToRgb(labelColor(l)));
      return rgb.get(l);
    };
    const dimmed = (i) => view.hide.has(labelKey(labels ? labels[i] : null));
    cloud.setColors(rgbOf, dimmed);
    let mask = null;
    if (view.hide.size) {
      mask = new Uint8Array(n);
      for (let i = 0; i < n; i++) mask[i] = dimmed(i) ? 0 : 1;
    }
    current.picker.setPickable(mask);
  }

  function renderLegend() {
    legendHost.textContent = '';
    const factor = activeFactor();
    if (factor) renderFactorLegend(legendHost, factor, scaleOf(factor), view.hide.size);
    else renderLabelLegend(legendHost, current.labels, current.n, view.hide, toggleLabel);
  }

  function toggleLabel(key) {
    const hide = new Set(view.hide);
    if (hide.has(key)) hide.delete(key);
    else hide.add(key);
    view = { ...view, hide };
    applyColors();
    renderLegend();
    if (hovered >= 0 && hide.has(labelKey(labelOf(hovered)))) setHover(-1);
    stage.requestRender();
    emitState({ hide: [...hide].join(',') });
  }

  function dropProjection() {
    if (!current) return;
    stage.scene.remove(current.cloud.object);
    current.cloud.dispose();
    current.tooltip.dispose();
    current.sprites.dispose();
    current = null;
    hovered = -1;
    container.removeAttribute('data-points-drawn');
  }

  // ---- kNN (loaded once; every projection of the node shares the point order) ----
  // Loaded at the first selection, not at mount: at 70,000 points the file is ~15 MB and
  // parsing it would freeze hovering for seconds right after the points appear.
  let knnPathFromProjection = null;
  async function loadKnn() {
    if (knnState !== 'idle') return;
    const path = (index.knn && index.knn.path) || knnPathFromProjection;
    if (!path) {
      knnState = 'failed';
      notice('no kNN (neighbors) artifact for this node; selection shows no edges');
      return;
    }
    knnState = 'loading';
    try {
      const raw = await load(path);
      if (destroyed) return;
      const warning = versionWarning(raw, path);
      if (warning) notice(warning);
      knn = withMedian(checkKnn(raw, path, current ? current.n : Number(raw.n)));
      knnState = 'ready';
    } catch (e) {
      if (destroyed) return;
      knnState = 'failed';
      notice(e.message);
    }
    updateSelection();
  }

  // ---- overlay ----
  async function updateOverlay() {
    const key = current && view.dims === 2 && view.overlay !== 'none' ? `${view.method}/${view.overlay}` : null;
    if (overlay && overlay.key === key) return;
    if (overlay) {
      if (overlay.plane) {
        stage.scene.remove(overlay.plane.mesh);
        overlay.plane.dispose();
      }
      overlay = null;
      overlayHost.textContent = '';
      stage.requestRender();
    }
    if (!key) return;
    const art = overlayArtifact(index, view.method, view.overlay);
    overlay = { key, plane: null };
    const mine = overlay;
    try {
      const grid = await load(art.path);
      if (destroyed || overlay !== mine) return;
      const warning = versionWarning(grid, art.path);
      if (warning) notice(warning);
      mine.plane = createOverlayPlane(grid, view.overlay, art.path);
    } catch (e) {
      if (destroyed || overlay !== mine) return;
      notice(e.message);
      return;
    }
    stage.scene.add(mine.plane.mesh);
    overlayHost.textContent = '';
    renderOverlayLegend(overlayHost, mine.plane.legend);
    stage.requestRender();
  }

  // ---- selection: kNN edges, extent radius, neighbour list ----
  function select(i) {
    const next = i === null || i === undefined || !current || !(i >= 0 && i < current.n) ? null : Math.floor(i);
    if (next === view.point) return;
    view.point = next;
    emitState({ point: next });
    updateSelection();
  }

  function pointXYZ(i) {
    const p = current.cloud.positions;
    return [p[i * 3], p[i * 3 + 1], p[i * 3 + 2]];
  }

  function labelOf(i) {
    return current.labels ? current.labels[i] : null;
  }

  function rowOf(i) {
    return current.index ? current.index[i] : i;
  }

  function rgbOf(i) {
    const factor = activeFactor();
    return factor ? factorRgb(factor.values[i], scaleOf(factor)) : hexToRgb(labelColor(labelOf(i)));
  }

  function fill01(i) {
    return rgbOf(i).map((c) => c / 255);
  }

  // The tooltip's factor line when colouring by a factor.
  function factorInfo(i) {
    const factor = activeFactor();
    if (!factor) return undefined;
    const v = factor.values[i];
    return { name: factor.name, text: formatFactorValue(v, factor.unit, fmt), css: `rgb(${rgbOf(i).join(',')})` };
  }

  function updateSelection() {
    selectionHost.textContent = '';
    if (!current) return;
    const i = view.point;
    if (i === null) {
      edges.setEdges([]);
      edges.setCircle(null, 0);
      container.setAttribute('data-edges-drawn', '0');
      setMarkers([]);
      return;
    }
    if (knnState === 'idle') loadKnn();
    const mode = view.edges;
    const here = pointXYZ(i);
    const px = pixelRatio();
    const list = [];
    let geometry = null;
    if (knnState === 'ready') {
      geometry = selectionGeometry(i, current, knn, mode, view.radius);
      // Neighbours first so the selected point stays on top; faded neighbours get a faded ring.
      for (const nb of geometry.neighbours) {
        const [x, y, z] = pointXYZ(nb.j);
        const ringAlpha = mode === 'gated' ? Math.max(0.25, nb.alpha) : 1;
        list.push({ x, y, z, fill: fill01(nb.j), ring: [...NEIGHBOUR_RING.slice(0, 3), ringAlpha], size: Math.max(10, current.pointPx + 5) * px });
      }
    }
    list.push({ x: here[0], y: here[1], z: here[2], fill: fill01(i), ring: SELECTED_RING, size: Math.max(15, current.pointPx + 10) * px });
    const edgeRgb = [EDGE_COLOR.r, EDGE_COLOR.g, EDGE_COLOR.b];
    const edgeList = geometry ? geometry.edges.map((e) => ({ from: here, to: pointXYZ(e.j), rgb: edgeRgb, alpha: e.alpha })) : [];
    edges.setEdges(edgeList);
    edges.setCircle(mode === 'gated' && geometry ? here : null, geometry ? geometry.radius : 0);
    container.setAttribute('data-edges-drawn', String(edgeList.length));
    setMarkers(list);
    const neighbours = geometry
      ? geometry.neighbours.map((nb) => ({ ...nb, index: rowOf(nb.j), label: labelOf(nb.j) }))
      : knnState;
    renderSelection(selectionHost, {
      i, index: rowOf(i), label: labelOf(i), mode, k: knn ? knn.k : null,
      kth: knn ? knn.kth[i] : null, radius: geometry ? geometry.radius : null,
    }, neighbours, current.sprites, (j) => select(j), (j) => previewPoint(j));
  }

  // Selection markers plus the hover marker on top.
  let selectionMarkers = [];
  function setMarkers(list) {
    selectionMarkers = list;
    drawMarkers();
  }
  function drawMarkers() {
    markers.set(selectionMarkers);
    stage.requestRender();
  }
  const pixelRatio = () => stage.renderer.getPixelRatio();

  // The hover ring is a DOM element over the canvas, not a WebGL marker: redrawing 70,000
  // points on every mouse move cost 80-190 ms per hover in software GL (bench row 5).
  const hoverRing = document.createElement('div');
  hoverRing.className = 'accx-hover-ring';
  hoverRing.style.display = 'none';
  stage.canvas.parentElement.appendChild(hoverRing);
  function placeHoverRing() {
    if (!current || hovered < 0) {
      hoverRing.style.display = 'none';
      return;
    }
    const { width, height } = stage.size;
    const s = current.picker.screenOf(stage.camera, width, height, hovered);
    const size = Math.max(12, current.pointPx + 8);
    Object.assign(hoverRing.style, {
      display: 'block', width: `${size}px`, height: `${size}px`,
      left: `${stage.canvas.offsetLeft + s.x}px`, top: `${stage.canvas.offsetTop + s.y}px`,
    });
  }

  // ---- pointer: hover, click, Esc ----
  const canvas = stage.canvas;

  function pickAt(p) {
    if (!current || view.pts === 'hidden') return -1;
    const { width, height } = stage.size;
    return current.picker.pick(stage.camera, width, height, p.x, p.y, Math.max(6, current.pointPx / 2 + 4));
  }

  function setHover(i, p) {
    if (!current) return;
    if (i !== hovered) {
      hovered = i;
      placeHoverRing();
    }
    if (i < 0) current.tooltip.hide();
    else current.tooltip.show(p.x, p.y, { i, index: rowOf(i), label: labelOf(i), factor: factorInfo(i) });
  }

  // Marks a point on the canvas without a tooltip (hovering a row of the neighbour list).
  function previewPoint(j) {
    if (!current) return;
    current.tooltip.hide();
    hovered = j >= 0 && j < current.n ? j : -1;
    placeHoverRing();
  }

  const detachPointer = attachPointerInput(canvas, {
    hover: (p) => setHover(pickAt(p), p),
    leave: () => { if (hovered >= 0) setHover(-1); },
    click: (p) => { const i = pickAt(p); select(i >= 0 ? i : null); },
    escape: () => { if (view.point !== null) select(null); },
  });

  // Camera moves invalidate the picking grid and are remembered in the URL.
  const offCamera = stage.onCameraChange(() => {
    if (current) current.picker.invalidate();
    placeHoverRing();
    if (!firstProjection && current && stage.userMoved) emitState({ cam: stage.describeView() }, true);
  });

  // ---- test hooks ----
  const hooks = {
    screenPositionOf(i) {
      if (!current || !(i >= 0 && i < current.n)) return null;
      const { width, height } = stage.size;
      const s = current.picker.screenOf(stage.camera, width, height, i);
      const rect = canvas.getBoundingClientRect();
      return { x: rect.left + s.x, y: rect.top + s.y };
    },
    pointCount() { return current ? current.n : 0; },
    // Mean milliseconds per full redraw (waiting for the GPU), for performance checks.
    measureRender(frames = 10) {
      const gl = stage.renderer.getContext();
      const t0 = performance.now();
      for (let f = 0; f < frames; f++) stage.renderNow();
      gl.finish();
      return (performance.now() - t0) / frames;
    },
    select(i) { select(i); },
    hoverAt(clientX, clientY) {
      const rect = canvas.getBoundingClientRect();
      const p = { x: clientX - rect.left, y: clientY - rect.top };
      setHover(pickAt(p), p);
      return hovered;
    },
  };
  window.__accExplorer = hooks;

  updateControls();
  showProjection();

  return {
    destroy() {
      if (destroyed) return;
      destroyed = true;
      flushState();
      loadToken++;
      detachPointer();
      offCamera();
      offFace();
      if (overlay && overlay.plane) overlay.plane.dispose();
      overlay = null;
      dropProjection();
      markers.dispose();
      hoverRing.remove();
      edges.dispose();
      controls.dispose();
      stage.dispose();
      root.remove();
      container.removeAttribute('data-points-drawn');
      container.removeAttribute('data-edges-drawn');
      container.removeAttribute('data-color-by');
      if (window.__accExplorer === hooks) delete window.__accExplorer;
    },
  };
}
