// A grid of line charts (line_chart.js) kept by key, in the order the keys are drawn: charts
// are created the first time their key has data, updated in place after, removed when their
// key is gone, and resized with the grid.

import { createLineChart } from './line_chart.js';

// options(key) → createLineChart's options for a new chart of `key`.
export function createChartSet(grid, options) {
  const charts = new Map();
  const resize = new ResizeObserver(() => { for (const c of charts.values()) c.resize(); });
  resize.observe(grid);

  // drawn: [[key, list]] with non-empty lists, in display order.
  function draw(drawn, { logScale = false, colorFor }) {
    const keys = drawn.map(([k]) => k);
    for (const [k, c] of charts) if (!keys.includes(k)) { c.destroy(); charts.delete(k); }
    for (const [key, list] of drawn) {
      if (!charts.has(key)) charts.set(key, createLineChart(options(key)));
      grid.append(charts.get(key).card); // re-appending keeps the cards in `drawn` order
      charts.get(key).draw(list, { logScale, colorFor });
    }
  }

  return { draw, size: () => charts.size, destroy: () => { resize.disconnect(); for (const c of charts.values()) c.destroy(); charts.clear(); } };
}
