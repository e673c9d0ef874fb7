// Geometry of the force view's sprite sheets (force.<layer>.json, docs/debugger.md): feature
// c's tile sits at column c % cols, row floor(c / cols), each tile w x h pixels, no gaps.
// Pure, tested under node.

// The source rectangle of feature `c`'s tile, or null when c is not on the sheet.
export function tileRect(c, { tile, sheet }) {
  const n = sheet.cols * sheet.rows;
  if (!Number.isInteger(c) || c < 0 || c >= n) return null;
  return { sx: (c % sheet.cols) * tile.w, sy: Math.floor(c / sheet.cols) * tile.h, w: tile.w, h: tile.h };
}

// The largest whole scale at which a tile fits `maxPx` on its longer side (at least 1), so
// pixels stay square and sharp.
export function tileScale(tile, maxPx) {
  return Math.max(1, Math.floor(maxPx / Math.max(tile.w, tile.h)));
}
