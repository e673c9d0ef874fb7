// Step-weighted, debiased exponential moving average for the loss and evaluation curves: the
// smoothed curve depends on the steps the points were logged at, not on how many points there
// are, so logging every step or every 10 steps gives the same curve (docs/viewer.md, "Smoothing").
//
// For the finite points (t_i, y_i) of a series, in order, with s in [0, 1) the weight kept per
// `unit` steps:
//   a_i = s ^ ((t_i - t_{i-1}) / unit)      (decay over the gap before point i)
//   n_i = a_i * n_{i-1} + (1 - a_i) * y_i,  n_{-1} = 0
//   d_i = a_i * d_{i-1} + (1 - a_i)         (= 1 - a_0 * a_1 * ... * a_i)
//   m_i = n_i / d_i                          (debiased: m_0 = y_0 exactly)
// The gap before the first point is taken to be the gap after it (t_1 - t_0), so the first point
// stands for one logging interval like the others; with a single point it is `unit`.
// Why it is invariant: m_i is exactly the exponential filter exp(-(t_i - t) / tau), tau =
// -unit / ln(s), applied to the step function that holds y_j over (t_{j-1}, t_j], normalised
// over the steps it covers; point j weighs (1 - a_j) * a_{j+1} * ... * a_i, the kernel's mass
// over its interval. Finer logging only samples that step function more finely.
// Non-finite values (null, NaN, ±Infinity) are ignored: their smoothed value is null (a gap, like
// the raw line's) and the next finite point's gap runs from the last finite step. A repeated step
// (gap 0) has a_i = 1: it adds nothing and keeps the previous smoothed value. s = 0 is the identity.

// steps: increasing numbers; values: numbers or null, values[i] at steps[i]. Returns a new array.
export function smoothEma(steps, values, s, unit = 1) {
  const out = new Array(values.length).fill(null);
  if (!(s > 0)) {
    values.forEach((v, i) => { if (isFiniteNumber(v)) out[i] = v; });
    return out;
  }
  if (!(s < 1)) throw new RangeError(`smoothing ${s} is not in [0, 1)`);
  if (!(unit > 0)) throw new RangeError(`smoothing unit ${unit} is not > 0 steps`);
  const finite = [];
  values.forEach((v, i) => { if (isFiniteNumber(v) && Number.isFinite(steps[i])) finite.push(i); });
  if (!finite.length) return out;
  const firstGap = finite.length > 1 ? steps[finite[1]] - steps[finite[0]] : unit;
  let num = 0;
  let den = 0;
  let prevStep = steps[finite[0]] - (firstGap > 0 ? firstGap : unit);
  for (const i of finite) {
    const a = s ** (Math.max(0, steps[i] - prevStep) / unit);
    num = a * num + (1 - a) * values[i];
    den = a * den + (1 - a);
    out[i] = i === finite[0] ? values[i] : num / den; // the same, without rounding
    prevStep = steps[i];
  }
  return out;
}

// The unit a chart's slider value is per: 1/200 of the steps the chart spans (all its series
// together, whatever the zoom), so one slider position smooths over the same share of any run
// (s = 0.9: tau = 4.7% of the span; 0.99: 50%), and all series of a chart are weighted alike.
// 1 step for a chart of one step.
const SPAN_UNITS = 200;
export function smoothingUnit(list) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const { steps } of list) if (steps.length) { lo = Math.min(lo, steps[0]); hi = Math.max(hi, steps[steps.length - 1]); }
  return hi > lo ? (hi - lo) / SPAN_UNITS : 1;
}

// The time constant in steps (the e-folding distance of the weights) of s per `unit` steps.
export function timeConstant(s, unit) {
  return s > 0 ? -unit / Math.log(s) : 0;
}

// The slider value from a URL parameter: a number in [0, MAX_SMOOTHING], else 0 (off).
export const MAX_SMOOTHING = 0.999;
export function parseSmoothing(text) {
  const s = Number(text);
  return Number.isFinite(s) && s > 0 ? Math.min(s, MAX_SMOOTHING) : 0;
}

const isFiniteNumber = (v) => typeof v === 'number' && Number.isFinite(v);
