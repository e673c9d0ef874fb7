// Hover/click picking at 70,000 points: project every point to screen pixels once per camera
// change (lazily, at the first query after the change), bucket them into a grid of cells,
// and answer "nearest point within R pixels" by scanning the few cells around the cursor.
// All arrays are allocated once per point cloud, so moving the mouse allocates nothing.

import { Matrix4 } from 'three';

const CELL_PX = 16;

export function createPicker(positions, n) {
  const screenX = new Float32Array(n);
  const screenY = new Float32Array(n);
  const depth = new Float32Array(n); // NDC z: smaller is nearer the camera
  const order = new Int32Array(n); // point ids sorted by cell
  const cellOf = new Int32Array(n);
  let cellStart = new Int32Array(1); // prefix sums over cells (+1)
  let cellFill = new Int32Array(1);
  let cols = 0;
  let rows = 0;
  let dirty = true;
  let pickable = null; // Uint8Array: 0 = never picked (a dimmed label); null = all
  const viewProjection = new Matrix4();

  // Projects with the camera's view-projection matrix; `rect` is the canvas's client rect.
  function rebuild(camera, width, height) {
    camera.updateMatrixWorld();
    const m = viewProjection.multiplyMatrices(camera.projectionMatrix, camera.matrixWorldInverse).elements;
    cols = Math.max(1, Math.ceil(width / CELL_PX));
    rows = Math.max(1, Math.ceil(height / CELL_PX));
    if (cellStart.length < cols * rows + 1) {
      cellStart = new Int32Array(cols * rows + 1);
      cellFill = new Int32Array(cols * rows + 1);
    } else cellStart.fill(0, 0, cols * rows + 1);
    for (let i = 0; i < n; i++) {
      const x = positions[i * 3];
      const y = positions[i * 3 + 1];
      const z = positions[i * 3 + 2];
      const w = m[3] * x + m[7] * y + m[11] * z + m[15];
      const nx = (m[0] * x + m[4] * y + m[8] * z + m[12]) / w;
      const ny = (m[1] * x + m[5] * y + m[9] * z + m[13]) / w;
      const nz = (m[2] * x + m[6] * y + m[10] * z + m[14]) / w;
      const sx = (nx * 0.5 + 0.5) * width;
      const sy = (0.5 - ny * 0.5) * height;
      screenX[i] = sx;
      screenY[i] = sy;
      depth[i] = nz;
      const visible = (!pickable || pickable[i]) && w > 0 && nz >= -1 && nz <= 1 && sx >= 0 && sx < width && sy >= 0 && sy < height;
      const cell = visible ? Math.floor(sy / CELL_PX) * cols + Math.floor(sx / CELL_PX) : -1;
      cellOf[i] = cell;
      if (cell >= 0) cellStart[cell + 1]++;
    }
    for (let c = 0; c < cols * rows; c++) cellStart[c + 1] += cellStart[c];
    cellFill.set(cellStart.subarray(0, cols * rows));
    for (let i = 0; i < n; i++) if (cellOf[i] >= 0) order[cellFill[cellOf[i]]++] = i;
    dirty = false;
  }

  return {
    invalidate() { dirty = true; },
    setPickable(mask) { pickable = mask; dirty = true; },
    // Nearest point to canvas pixel (px, py) within `radius` px; among near-ties the one nearest
    // the camera (3D). Returns -1 when none.
    pick(camera, width, height, px, py, radius) {
      if (dirty) rebuild(camera, width, height);
      const c0 = Math.max(0, Math.floor((px - radius) / CELL_PX));
      const c1 = Math.min(cols - 1, Math.floor((px + radius) / CELL_PX));
      const r0 = Math.max(0, Math.floor((py - radius) / CELL_PX));
      const r1 = Math.min(rows - 1, Math.floor((py + radius) / CELL_PX));
      let best = -1;
      let bestScore = Infinity;
      const r2 = radius * radius;
      for (let r = r0; r <= r1; r++) {
        for (let c = c0; c <= c1; c++) {
          const cell = r * cols + c;
          for (let k = cellStart[cell]; k < cellStart[cell + 1]; k++) {
            const i = order[k];
            const dx = screenX[i] - px;
            const dy = screenY[i] - py;
            const d2 = dx * dx + dy * dy;
            if (d2 > r2) continue;
            // Screen distance first; depth breaks ties between points drawn over each other.
            const score = d2 + depth[i] * 1e-3;
            if (score < bestScore) { bestScore = score; best = i; }
          }
        }
      }
      return best;
    },
    // Canvas-pixel position of point i for the current camera (fresh projection if stale).
    screenOf(camera, width, height, i) {
      if (dirty) rebuild(camera, width, height);
      return { x: screenX[i], y: screenY[i] };
    },
  };
}
