// A JSON artifact (debug files, GM-VAE and network artifacts) through the run's viewer mirror
// (run_store.js). Artifacts are announced as artifact.created, so the mirror copies them; an
// event may still be read a poll before the manifest lists its file, so "not mirrored yet" is a
// normal state here (null, retried at the next update), not an error. The stamp lets a panel
// skip a redraw when nothing changed and reload a file acc rewrote (trajectories.json).

export function mirrorStamp(store, rel) {
  return store.manifest?.files?.[rel];
}

// A key that changes when the file appears or is rewritten.
export function mirrorKey(store, rel) {
  return `${rel}|${mirrorStamp(store, rel) ?? 'absent'}`;
}

// The parsed file, or null while it is not mirrored or when it failed (the store's notice names
// the file and why).
export async function loadMirrored(store, rel) {
  if (mirrorStamp(store, rel) === undefined) return null;
  try {
    return await store.loadJson(rel);
  } catch {
    return null;
  }
}

// Runs the latest of overlapping async loads only: `latest(fn)` resolves fn's result, or never
// resolves when a newer call started meanwhile (a slow old capture must not overwrite a new one).
export function latestOnly() {
  let ticket = 0;
  return async (fn) => {
    const mine = ++ticket;
    const value = await fn();
    if (mine !== ticket) return new Promise(() => {});
    return value;
  };
}
