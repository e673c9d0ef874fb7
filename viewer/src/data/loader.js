// Loads the viewer mirror that acc writes beside each run (docs/run-format.md, "Viewer mirror").
// A page opened from file:// may not fetch() file:// URLs, but it may run <script src>, so every
// mirror file is one call `accData(NAME, TEXT)`. We inject a script tag per request and match the
// call to its request through document.currentScript, so concurrent loads never mix up.

const pending = new WeakMap(); // script element -> {resolve, name}

window.accData = function accData(name, text) {
  const script = document.currentScript;
  const request = script && pending.get(script);
  if (!request) return; // a stale tag (e.g. removed after a timeout); nothing waits for it
  pending.delete(script);
  request.resolve({ name, text });
};

// Resolves with the TEXT of the mirror file at `url`; rejects with an Error naming the file when
// it is missing (404 from disk shows as a load error) or does not call accData.
export function loadMirrorText(url, { timeoutMs = 30000 } = {}) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    let settled = false;
    const finish = (fn, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      pending.delete(script);
      script.remove();
      fn(value);
    };
    const timer = setTimeout(() => finish(reject, new Error(`${stripQuery(url)}: timed out loading`)), timeoutMs);
    pending.set(script, { resolve: (r) => finish(resolve, r.text) });
    script.onerror = () => finish(reject, new Error(`${stripQuery(url)}: missing or unreadable`));
    script.onload = () => finish(reject, new Error(`${stripQuery(url)}: not a complete viewer mirror file (its accData call did not run: truncated, or not written by acc)`));
    script.src = url;
    document.head.appendChild(script);
  });
}

// Parses JSON text, turning a syntax error into an Error that names the file.
export function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${what}: malformed JSON (${e.message}); the file may be partial`);
  }
}

export async function loadMirrorJson(url, what) {
  return parseJson(await loadMirrorText(url), what || stripQuery(url));
}

function stripQuery(url) {
  return String(url).replace(/\?.*$/, '');
}

// A directory given as an absolute filesystem path or a URL becomes a URL ending in '/'. On a
// page served over http(s) (acc serve) an absolute path is the server's (/runs/...), so it
// resolves against the page's origin instead.
export function toDirUrl(pathOrUrl, base = window.location.href) {
  let s = String(pathOrUrl);
  if (s.startsWith('/') && new URL(base).protocol === 'file:') s = 'file://' + s.split('/').map(encodeURIComponent).join('/');
  const url = new URL(s, base).href;
  return url.endsWith('/') ? url : url + '/';
}
