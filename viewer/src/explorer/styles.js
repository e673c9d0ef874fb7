// The explorer's CSS, injected once per page; every class starts with accx- so it cannot
// collide with the app's styles.
const CSS = `
.accx-root { display: flex; flex-direction: column; gap: 6px; font: 13px/1.35 system-ui, sans-serif; color: #222; }
.accx-controls { display: flex; flex-wrap: wrap; gap: 6px 16px; align-items: center; padding: 4px 2px; }
.accx-control { display: inline-flex; gap: 6px; align-items: center; }
.accx-control > span:first-child { color: #666; }
.accx-radius { display: inline-flex; gap: 6px; align-items: center; }
.accx-radius input { width: 120px; }
.accx-radius-value { font-variant-numeric: tabular-nums; min-width: 3.5em; }
.accx-main { display: flex; gap: 10px; height: clamp(420px, 72vh, 760px); }
.accx-stage { position: relative; flex: 1; min-width: 200px; border: 1px solid #ddd; border-radius: 4px; overflow: hidden; background: #fff; }
.accx-hover-ring { position: absolute; pointer-events: none; border-radius: 50%; border: 2px solid #111; box-shadow: 0 0 0 2px #fff; transform: translate(-50%, -50%); box-sizing: border-box; }
.accx-canvas { display: block; position: absolute; inset: 0; cursor: crosshair; touch-action: none; }
.accx-status { position: absolute; left: 6px; bottom: 5px; color: #666; font-size: 12px; pointer-events: none; background: rgba(255,255,255,.85); padding: 0 4px; border-radius: 3px; }
.accx-hint { position: absolute; right: 6px; bottom: 5px; color: #888; font-size: 11px; pointer-events: none; background: rgba(255,255,255,.85); padding: 0 4px; border-radius: 3px; }
.accx-side { width: 300px; flex: none; overflow-y: auto; display: flex; flex-direction: column; gap: 8px; }
.accx-section { border: 1px solid #e2e2e2; border-radius: 4px; padding: 6px 8px; }
.accx-section-title { margin: 0 0 4px; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #555; }
.accx-kv { border-collapse: collapse; width: 100%; }
.accx-kv th { text-align: left; font-weight: normal; color: #666; padding: 1px 8px 1px 0; white-space: nowrap; vertical-align: top; }
.accx-kv td { font-variant-numeric: tabular-nums; word-break: break-word; }
.accx-muted { color: #777; font-size: 12px; }
.accx-path { margin-top: 4px; word-break: break-all; }
.accx-legend { list-style: none; margin: 0; padding: 0; columns: 2; }
.accx-legend li { display: flex; align-items: center; gap: 6px; cursor: pointer; user-select: none; }
.accx-legend li.accx-off { opacity: .4; text-decoration: line-through; }
.accx-legend-count { margin-left: auto; color: #777; font-variant-numeric: tabular-nums; padding-right: 8px; }
.accx-swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 4px; flex: none; }
.accx-gradient { height: 10px; border-radius: 2px; margin-top: 4px; }
.accx-gradient-ticks { display: flex; justify-content: space-between; font-size: 11px; color: #666; }
.accx-tooltip { position: absolute; z-index: 5; display: flex; gap: 8px; padding: 6px; background: rgba(255,255,255,.96); border: 1px solid #bbb; border-radius: 4px; box-shadow: 0 2px 8px rgba(0,0,0,.15); pointer-events: none; }
.accx-tooltip[hidden] { display: none; }
.accx-thumb { background-repeat: no-repeat; image-rendering: pixelated; background-color: #eee; flex: none; }
.accx-tooltip-text { display: flex; flex-direction: column; justify-content: center; white-space: nowrap; }
.accx-selected { display: flex; gap: 8px; align-items: center; margin-bottom: 6px; }
.accx-neighbours { border-collapse: collapse; width: 100%; font-size: 12px; }
.accx-neighbours th { white-space: nowrap; text-align: left; font-weight: normal; color: #777; padding: 0 4px; }
.accx-neighbours td { padding: 1px 4px; font-variant-numeric: tabular-nums; }
.accx-neighbour { cursor: pointer; }
.accx-neighbour:hover { background: #f2f6fb; }
.accx-label { display: inline-flex; align-items: center; }
`;

export function ensureStyles() {
  if (document.getElementById('accx-styles')) return;
  const style = document.createElement('style');
  style.id = 'accx-styles';
  style.textContent = CSS;
  document.head.appendChild(style);
}
