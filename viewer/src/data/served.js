// Talks to `acc serve` (docs/debugger.md, "acc serve") when the page came from it. Opened from
// file:// the page is read-only: servedSession() resolves to null and no control appears. Every
// state-changing request carries the per-start token the server put in the page's URL
// (?token=...) as X-Acc-Token.

let sessionPromise = null;

// Resolves to {runs, version, token} when GET /api/session answers {served: true}, else null.
export function servedSession() {
  if (!sessionPromise) sessionPromise = probe();
  return sessionPromise;
}

async function probe() {
  if (!/^https?:$/.test(window.location.protocol)) return null;
  try {
    const res = await fetch(apiUrl('session'), { headers: { Accept: 'application/json' } });
    if (!res.ok) return null;
    const body = await res.json();
    if (!body || body.served !== true) return null;
    return { runs: body.runs, version: body.version, token: new URL(window.location.href).searchParams.get('token') || '' };
  } catch {
    return null; // a plain static server: no API, so read-only
  }
}

function apiUrl(path) {
  return new URL(`/api/${path}`, window.location.href).href;
}

// GET /api/<path> → JSON; throws an Error with the server's message on failure.
export async function apiGet(path) {
  return readReply(await fetch(apiUrl(path), { headers: { Accept: 'application/json' } }), `GET /api/${path}`);
}

// POST /api/<path> with a JSON body and the token → JSON; throws on failure.
export async function apiPost(path, body) {
  const session = await servedSession();
  if (!session) throw new Error('not served by acc serve: controls are read-only');
  const res = await fetch(apiUrl(path), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-Acc-Token': session.token },
    body: JSON.stringify(body),
  });
  return readReply(res, `POST /api/${path}`);
}

// A control command to a live run: the run's reply {id, ok, result | error} (docs/debugger.md,
// "Commands and replies"); resolves to `result`, throws with the run's `error`.
export async function controlRun(runId, cmd, args = {}) {
  const reply = await apiPost(`runs/${encodeURIComponent(runId)}/control`, { cmd, args });
  if (reply && reply.ok === false) throw new Error(reply.error || `${cmd} failed`);
  return reply && 'result' in reply ? reply.result : reply;
}

async function readReply(res, what) {
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { /* not JSON: the status says enough */ }
  if (!res.ok) {
    const why = body?.error || (res.status === 403 ? 'forbidden: the page has no valid token (open the URL acc serve printed)' : text.trim() || res.statusText);
    throw new Error(`${what}: ${res.status} ${why}`);
  }
  return body;
}

// Asks acc serve to compute inspection artifacts for a node (`acc inspect` in the server):
// POST /api/runs/<id>/inspect → `{ok, paths}`; throws with its `error`. The new files arrive as
// artifact.created events in the run's log, like those of any other writer.
export async function requestInspect(runId, body) {
  const reply = await apiPost(`runs/${encodeURIComponent(runId)}/inspect`, body);
  if (!reply || reply.ok === false || reply.error) throw new Error(reply?.error || 'inspect failed');
  return reply;
}
