// Thumbnails from the evaluation set's sprite sheets. PNGs are not mirrored and would taint a
// canvas, so a thumbnail is a DOM element whose background is the sprite page, positioned on
// the point's cell. Each page is preloaded once with new Image() to know when it has arrived.

export function createSpriteSheets(sprites, runUrl) {
  const valid = sprites && Array.isArray(sprites.files) && sprites.columns > 0 && sprites.per_page > 0 &&
    sprites.thumb_width > 0 && sprites.thumb_height > 0;
  const pages = new Map(); // page -> {url, image, loaded, failed, waiters}

  function page(p) {
    let entry = pages.get(p);
    if (entry) return entry;
    const url = new URL(sprites.files[p], runUrl).href;
    entry = { url, loaded: false, failed: false, waiters: new Set(), image: new Image() };
    entry.image.onload = () => {
      entry.loaded = true;
      for (const fn of entry.waiters) fn(true);
      entry.waiters.clear();
    };
    entry.image.onerror = () => {
      entry.failed = true;
      for (const fn of entry.waiters) fn(false);
      entry.waiters.clear();
    };
    entry.image.src = url;
    pages.set(p, entry);
    return entry;
  }

  return {
    available: Boolean(valid),
    thumbWidth: valid ? sprites.thumb_width : 0,
    thumbHeight: valid ? sprites.thumb_height : 0,
    // Points `el` at point i's cell, scaled to `size` px wide; sets data-loaded="1" once the
    // page image has loaded (data-loaded="0" until then, "error" if it failed).
    show(el, i, size) {
      if (!valid) { el.style.backgroundImage = 'none'; el.dataset.loaded = 'error'; return; }
      const p = Math.floor(i / sprites.per_page);
      if (p >= sprites.files.length) { el.style.backgroundImage = 'none'; el.dataset.loaded = 'error'; return; }
      const entry = page(p);
      const cell = i % sprites.per_page;
      const r = Math.floor(cell / sprites.columns);
      const c = cell % sprites.columns;
      const scale = size / sprites.thumb_width;
      const rowsPerPage = Math.ceil(sprites.per_page / sprites.columns);
      const place = () => {
        // The real page size (a last page may hold fewer rows) once known, else the full page.
        const pw = entry.loaded ? entry.image.naturalWidth : sprites.columns * sprites.thumb_width;
        const ph = entry.loaded ? entry.image.naturalHeight : rowsPerPage * sprites.thumb_height;
        el.style.backgroundImage = `url("${entry.url}")`;
        el.style.backgroundSize = `${pw * scale}px ${ph * scale}px`;
        el.style.backgroundPosition = `${-c * sprites.thumb_width * scale}px ${-r * sprites.thumb_height * scale}px`;
        el.style.width = `${size}px`;
        el.style.height = `${sprites.thumb_height * scale}px`;
      };
      el.dataset.point = String(i);
      place();
      if (entry.loaded) { el.dataset.loaded = '1'; return; }
      if (entry.failed) { el.dataset.loaded = 'error'; return; }
      el.dataset.loaded = '0';
      entry.waiters.add((ok) => {
        if (el.dataset.point !== String(i)) return; // the element shows another point by now
        el.dataset.loaded = ok ? '1' : 'error';
        if (ok) place();
      });
    },
    // Starts loading the first pages early so most first hovers show their thumbnail at once;
    // further pages (70,000 points: 18 pages) load when a point on them is shown.
    preload(maxPages = 4) { if (valid) for (let p = 0; p < Math.min(maxPages, sprites.files.length); p++) page(p); },
    dispose() {
      for (const entry of pages.values()) { entry.image.onload = null; entry.image.onerror = null; entry.waiters.clear(); }
      pages.clear();
    },
  };
}
