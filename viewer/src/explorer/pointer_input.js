// Mouse input on the canvas that is not camera control: hover (only while no button is held,
// since dragging pans or rotates), click (a press and release that barely moved), and Esc.

const CLICK_SLOP_PX = 5;

// handlers: {hover(p) where p = {x, y} canvas pixels, leave(), click(p), escape()}. Returns detach().
export function attachPointerInput(canvas, handlers) {
  let down = null;
  const local = (ev) => {
    const rect = canvas.getBoundingClientRect();
    return { x: ev.clientX - rect.left, y: ev.clientY - rect.top };
  };
  const onMove = (ev) => (ev.buttons ? handlers.leave() : handlers.hover(local(ev)));
  const onLeave = () => handlers.leave();
  const onDown = (ev) => { down = ev.button === 0 ? { x: ev.clientX, y: ev.clientY } : null; };
  const onUp = (ev) => {
    if (!down || ev.button !== 0) return;
    const moved = Math.hypot(ev.clientX - down.x, ev.clientY - down.y);
    down = null;
    if (moved <= CLICK_SLOP_PX) handlers.click(local(ev));
  };
  const onKey = (ev) => { if (ev.key === 'Escape') handlers.escape(); };
  canvas.addEventListener('pointermove', onMove);
  canvas.addEventListener('pointerleave', onLeave);
  canvas.addEventListener('pointerdown', onDown);
  canvas.addEventListener('pointerup', onUp);
  window.addEventListener('keydown', onKey);
  return () => {
    canvas.removeEventListener('pointermove', onMove);
    canvas.removeEventListener('pointerleave', onLeave);
    canvas.removeEventListener('pointerdown', onDown);
    canvas.removeEventListener('pointerup', onUp);
    window.removeEventListener('keydown', onKey);
  };
}
