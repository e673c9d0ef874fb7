// Number, time and duration formatting shared by the panels.

export function fmtNumber(v, digits = 4) {
  if (v === null || v === undefined) return '–';
  if (typeof v !== 'number') return String(v);
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3)) return v.toExponential(digits - 1);
  return String(Number(v.toPrecision(digits)));
}

export function fmtSigned(v, digits = 4) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return (v > 0 ? '+' : '') + fmtNumber(v, digits);
}

export function fmtDuration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return seconds < 10 ? `${Math.max(0, seconds).toFixed(1)} s` : `${s} s`;
  const m = Math.floor(s / 60), h = Math.floor(m / 60);
  if (h > 0) return `${h} h ${String(m % 60).padStart(2, '0')} m`;
  return `${m} m ${String(s % 60).padStart(2, '0')} s`;
}

// "2026-11-22 11:17:22" in local time; the raw UTC string goes into a title attribute.
export function fmtTime(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function secondsSince(iso, now = Date.now()) {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? Infinity : (now - t) / 1000;
}
