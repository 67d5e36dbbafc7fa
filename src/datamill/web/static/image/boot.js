// Starts fetching and decoding each workbench's image before the editor's modules have loaded
// (the decode of a 4K JPEG is the largest part of the time to interactive).
//
// With a data-preview-url (a smaller rendition of the same picture, at about the canvas's
// display size; data-image-width/-height then give the full image's size) only the preview is
// fetched at once, and decoded once into an ImageBitmap, so the first frame's drawImage is a
// plain scaled copy. The full image is loaded later, on demand (``loadFull``: when the browser
// is idle after the first frame, or at once when the user zooms past the preview's
// resolution). Coordinates are always those of the full image: the preview is drawn stretched
// to the full size.
//
// The preview is an <img> (it takes the page's <link rel="preload" as="image">) turned into an
// ImageBitmap on its load event: createImageBitmap decodes it on the main thread (~10 ms for
// 1920x1080), once. Measured on Chromium, 2 shared cores (bench/README.md, 2026-12-02): the
// earlier fetch() + blob() + createImageBitmap(blob) decoded off the main thread but its
// response and blob steps each wait on the browser process (~35 ms together under load), and
// img.decode() followed by createImageBitmap(img) decodes twice (the second time on the main
// thread anyway).

function load(url) {
  const img = new Image();
  img.decoding = 'async';
  img.src = url;
  // ``started``: the decode is requested (an <img> decodes as its bytes arrive)
  return { img, decoded: img.decode().then(() => true, () => false), started: Promise.resolve() };
}

// The preview as an ImageBitmap; the <img> itself where the browser cannot make one from it.
// ``started`` settles on the image's load (or error) event, when its decode is about to begin:
// the workbench waits for it (a little) before its own main-thread work, so that the decode
// does not queue behind that work.
function loadPreview(url) {
  const img = new Image();
  const out = { img };
  const loaded = new Promise((resolve, reject) => {
    img.onload = resolve;
    img.onerror = reject;
  });
  img.src = url;
  out.started = loaded.then(() => undefined, () => undefined);
  out.decoded = loaded
    .then(() => createImageBitmap(img)
      .then((bitmap) => { out.img = bitmap; out.width = bitmap.width; })
      .catch(() => { out.width = img.naturalWidth; }))
    .then(() => true, () => false);
  return out;
}

export function bootImage(el) {
  if (!el.__bootImage) {
    const d = el.dataset;
    if (d.previewUrl && d.imageWidth && d.imageHeight) {
      const boot = { preview: loadPreview(d.previewUrl), full: null };
      boot.loadFull = () => {
        if (!boot.full) boot.full = load(d.imageUrl);
        return boot.full;
      };
      el.__bootImage = boot;
    } else {
      const full = load(d.imageUrl);
      el.__bootImage = { full, loadFull: () => full };
    }
  }
  return el.__bootImage;
}

for (const el of document.querySelectorAll('[data-image-workbench]')) bootImage(el);
