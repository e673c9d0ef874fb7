// Run queries for the runs list: a small filter language such as
//   status=completed recipe~gating recon.psnr>15 or digit.accuracy>=0.9
// parsed once into a tree, then matched against each entry of <root>/index.js. Pure (no DOM),
// so `node --test viewer/src/pages/run_query.test.mjs` runs it. The language, for users:
// docs/viewer.md, "Run queries".
//
//   query := or ;  or := and ('or' and)* ;  and := unary (['and'] unary)*
//   unary := '(' or ')' | field op value | word
//   op    := = != ~ !~ > >= < <=        value := "quoted" | bare | a..b (with = and !=)
//
// A field yields a list of values per run (a metric one per node that has it, `status` the
// badge and the summary's status); a term holds when ANY of them satisfies it, and `!=`/`!~`
// are the exact negations of `=`/`~`. Errors are QueryError, one line with a 1-based position.

import { runState, runDuration } from '../ui/run_status.js';

export class QueryError extends Error {
  constructor(problem, index) {
    super(`${problem} at position ${index + 1}`);
    this.problem = problem;
    this.position = index + 1;
  }
}

const OPERATORS = ['=', '!=', '~', '!~', '>', '>=', '<', '<='];
const NUMERIC_OPS = new Set(['>', '>=', '<', '<=']);
const OP_CHARS = '=!~<>';

// The fields the runs list shows, each a kind and the values it takes from an index entry.
const lastPhase = (s) => (s?.phases_completed || []).slice(-1)[0];
const FIELDS = {
  status: { kind: 'text', values: (run, state) => [state, run.summary?.status] },
  recipe: { kind: 'text', values: (run) => [run.recipe?.name] },
  id: { kind: 'text', values: (run) => [run.run_id] },
  phase: { kind: 'text', values: (run) => [run.summary?.current_phase, lastPhase(run.summary)] },
  started: { kind: 'text', values: (run) => [run.summary?.started || run.summary?.created] },
  reason: { kind: 'text', values: (run) => [run.summary?.reason] },
  node: { kind: 'text', values: (run) => (run.summary?.checkpoints || []).map((c) => c.tag) },
  duration: { kind: 'number', values: (run, state) => [runDuration(run.summary, state)] },
  nodes: { kind: 'number', values: (run) => [run.summary?.checkpoints?.length] },
};
const ALIASES = { run: 'id', tag: 'node', state: 'status' };
export const FIELD_NAMES = Object.keys(FIELDS);

// Tokens: ( ) and or, {type:'word', value, quoted}, {type:'term', field, op, value, quoted, valueAt}.
function tokenize(text) {
  const tokens = [];
  let i = 0;
  const isSpace = (c) => /\s/.test(c);
  const readQuoted = () => {
    const start = i;
    const end = text.indexOf('"', i + 1);
    if (end < 0) throw new QueryError('unbalanced quote: this " is never closed', start);
    i = end + 1;
    return text.slice(start + 1, end);
  };
  while (i < text.length) {
    const c = text[i];
    if (isSpace(c)) { i++; continue; }
    const at = i;
    if (c === '(' || c === ')') { tokens.push({ type: c, at }); i++; continue; }
    if (c === '"') { tokens.push({ type: 'word', value: readQuoted(), quoted: true, at }); continue; }
    while (i < text.length && !isSpace(text[i]) && !'()"'.includes(text[i]) && !OP_CHARS.includes(text[i])) i++;
    const name = text.slice(at, i);
    if (i >= text.length || !OP_CHARS.includes(text[i])) {
      const lower = name.toLowerCase();
      tokens.push(lower === 'and' || lower === 'or' ? { type: lower, at } : { type: 'word', value: name, quoted: false, at });
      continue;
    }
    const opAt = i;
    while (i < text.length && OP_CHARS.includes(text[i])) i++;
    const op = text.slice(opAt, i);
    if (!OPERATORS.includes(op)) throw new QueryError(`unknown operator '${op}' (use ${OPERATORS.join(' ')})`, opAt);
    if (!name) throw new QueryError(`'${op}' needs a field name before it`, opAt);
    const valueAt = i;
    let value, quoted = false;
    if (text[i] === '"') { value = readQuoted(); quoted = true; }
    else {
      while (i < text.length && !isSpace(text[i]) && text[i] !== '(' && text[i] !== ')') i++;
      value = text.slice(valueAt, i);
      if (!value) throw new QueryError(`'${name}${op}' needs a value after it`, valueAt);
    }
    tokens.push({ type: 'term', field: name, op, value, quoted, at, valueAt });
  }
  return tokens;
}

// Parses `text` into a tree ({or: [...]}, {and: [...]}, {term}, {word}); null for an empty query.
export function parseQuery(text) {
  const tokens = tokenize(String(text ?? ''));
  if (!tokens.length) return null;
  let k = 0;
  const end = String(text).length;
  const peek = () => tokens[k];
  const needTerm = (after) => {
    const t = peek();
    if (!t) throw new QueryError(`the query ends where a term after '${after.type}' was expected`, end);
    if (t.type === ')' || t.type === 'or' || t.type === 'and') throw new QueryError(`'${after.type}' needs a term after it`, after.at);
  };
  const parseOr = () => {
    const items = [parseAnd()];
    while (peek()?.type === 'or') { const op = tokens[k++]; needTerm(op); items.push(parseAnd()); }
    return items.length === 1 ? items[0] : { or: items };
  };
  const parseAnd = () => {
    const items = [parseUnary()];
    for (;;) {
      const t = peek();
      if (t?.type === 'and') { k++; needTerm(t); items.push(parseUnary()); }
      else if (t && (t.type === 'term' || t.type === 'word' || t.type === '(')) items.push(parseUnary());
      else break;
    }
    return items.length === 1 ? items[0] : { and: items };
  };
  const parseUnary = () => {
    const t = tokens[k++];
    if (!t) throw new QueryError('the query ends where a term was expected', end);
    if (t.type === '(') {
      if (peek()?.type === ')') throw new QueryError('empty parentheses', t.at);
      const inner = parseOr();
      if (peek()?.type !== ')') throw new QueryError("unbalanced parenthesis: this '(' is never closed", t.at);
      k++;
      return inner;
    }
    if (t.type === ')') throw new QueryError("unbalanced parenthesis: this ')' has no '('", t.at);
    if (t.type === 'or' || t.type === 'and') throw new QueryError(`'${t.type}' needs a term before it`, t.at);
    if (t.type === 'word') return { word: t.value.toLowerCase() };
    return { term: compileTerm(t) };
  };
  const tree = parseOr();
  if (k < tokens.length) throw new QueryError("unbalanced parenthesis: this ')' has no '('", tokens[k].at);
  return tree;
}

function parseNumber(s) {
  const v = s.trim() === '' ? NaN : Number(s);
  return Number.isFinite(v) ? v : null;
}

// Checks a term against its field's kind and turns it into {field, metric?, op, text|number|range}.
function compileTerm(t) {
  const key = ALIASES[t.field.toLowerCase()] || t.field.toLowerCase();
  let field;
  if (FIELDS[key]) field = { name: key, kind: FIELDS[key].kind };
  else if (t.field.includes('.')) {
    const parts = t.field.split('.');
    if (parts.some((p) => !p)) throw new QueryError(`metric '${t.field}' should be task.metric or node.task.metric`, t.at);
    // Task names may hold dots (disentanglement.shapes), so a.b.c is task a.b on any node, or
    // task b on node a: both are looked up.
    const name = parts.pop();
    const reads = [{ task: parts.join('.') }];
    if (parts.length > 1) reads.push({ tag: parts[0], task: parts.slice(1).join('.') });
    field = { name: t.field, kind: 'number', metric: { name, reads } };
  } else {
    throw new QueryError(`unknown field '${t.field}' (fields: ${FIELD_NAMES.join(', ')}, or a metric as task.metric)`, t.at);
  }
  const out = { field, op: t.op };
  const range = t.op === '=' || t.op === '!=' ? (t.quoted ? null : t.value.split('..')) : null;
  if (range && range.length > 1) {
    const [lo, hi] = range.length === 2 ? range.map(parseNumber) : [null, null];
    if (lo === null || hi === null) throw new QueryError(`range '${t.value}' needs a number on both sides of '..'`, t.valueAt);
    if (field.kind !== 'number') throw new QueryError(`a range needs a numeric field, and '${field.name}' is text`, t.at);
    out.range = [lo, hi];
  } else if (NUMERIC_OPS.has(t.op) || (field.kind === 'number' && t.op !== '~' && t.op !== '!~')) {
    if (field.kind !== 'number') throw new QueryError(`'${t.op}' compares numbers, and '${field.name}' is text`, t.at + t.field.length);
    out.number = parseNumber(t.value);
    if (out.number === null) throw new QueryError(`'${t.field}${t.op}' needs a number, not '${t.value}'`, t.valueAt);
  } else {
    if (field.kind === 'number') throw new QueryError(`'${t.op}' matches text, and '${field.name}' is a number`, t.at + t.field.length);
    out.text = t.value.toLowerCase();
  }
  return out;
}

// Every value a run has for a field: a metric's from every node of final_metrics (or one node).
function fieldValues(field, run, state) {
  if (field.metric) {
    const fm = run.summary?.final_metrics;
    if (!fm || typeof fm !== 'object') return [];
    return field.metric.reads.flatMap(({ tag, task }) => (tag ? [tag] : Object.keys(fm)).map((t) => fm[t]?.[task]?.[field.metric.name]))
      .filter((v) => typeof v === 'number');
  }
  const values = FIELDS[field.name].values(run, state);
  return field.kind === 'number' ? values.filter((v) => typeof v === 'number' && Number.isFinite(v))
    : values.filter((v) => v !== undefined && v !== null && v !== '').map((v) => String(v).toLowerCase());
}

function holds(term, v) {
  switch (term.op) {
    case '>': return v > term.number;
    case '>=': return v >= term.number;
    case '<': return v < term.number;
    case '<=': return v <= term.number;
    case '~': return v.includes(term.text);
    default: // '=' (and '!=', negated by the caller)
      if (term.range) return v >= term.range[0] && v <= term.range[1];
      return term.number !== undefined ? v === term.number : v === term.text;
  }
}

function matchNode(tree, run, state) {
  if (tree.or) return tree.or.some((t) => matchNode(t, run, state));
  if (tree.and) return tree.and.every((t) => matchNode(t, run, state));
  if (tree.word !== undefined) return [run.run_id, run.recipe?.name].some((s) => String(s ?? '').toLowerCase().includes(tree.word));
  const term = tree.term;
  const negated = term.op === '!=' || term.op === '!~';
  const positive = negated ? { ...term, op: term.op.slice(1) } : term;
  const any = fieldValues(term.field, run, state).some((v) => holds(positive, v));
  return negated ? !any : any;
}

// Whether an index.js entry ({run_id, summary, recipe, updated}) satisfies a parsed query.
export function matchRun(tree, run) {
  if (!tree) return true;
  const state = run.summary ? runState(run.summary, run.updated) : 'unreadable';
  return matchNode(tree, run, state);
}

// The runs a query keeps, or all of them and the error when it does not parse.
export function filterRuns(text, runs) {
  try {
    const tree = parseQuery(text);
    return { runs: tree ? runs.filter((r) => matchRun(tree, r)) : runs, error: null, active: !!tree };
  } catch (e) {
    if (!(e instanceof QueryError)) throw e;
    return { runs, error: e, active: false };
  }
}
