// Tiny DOM helpers shared by the explorer's panels.

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function section(title, testid) {
  const box = el('section', 'accx-section');
  if (testid) box.setAttribute('data-testid', testid);
  box.appendChild(el('h4', 'accx-section-title', title));
  const body = el('div', 'accx-section-body');
  box.appendChild(body);
  return { box, body };
}

// Numbers as the files hold them (6 significant digits) read better a bit shorter.
export function fmt(v, digits = 4) {
  if (v === null || v === undefined) return '—';
  if (typeof v !== 'number') return String(v);
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return String(Number(v.toPrecision(digits)));
}
