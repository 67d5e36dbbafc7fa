// Starts fetching and decoding each workbench's image before the editor's modules have loaded
// (the decode of a 4K JPEG is the largest part of the time to interactive).
//
// With a data-preview-url (a smaller rendition of the same picture, at about the canvas's
// display size; data-image-width/-height then give the full image's size) only the preview is
// fetched at once, and decoded off the main thread into an ImageBitmap (createImageBitmap on
// the fetched bytes), so the first frame's drawImage is a plain scaled copy. The full image is
// loaded later, on demand (``loadFull``: when the browser is idle after the first frame, or at
// once when the user zooms past the preview's resolution). Coordinates are always those of the
// full image: the preview is drawn stretched to the full size.

function load(url) {
  const img = new Image();
  img.decoding = 'async';
  img.src = url;
  return { img, decoded: img.decode().then(() => true, () => false) };
}

// The preview as an ImageBitmap (decoded off the main thread); an <img> where the browser
// cannot make one from the bytes.
function loadPreview(url) {
  const out = {};
  out.decoded = fetch(url, { credentials: 'same-origin' })
    .then((resp) => (resp.ok ? resp.blob() : Promise.reject(new Error(String(resp.status)))))
    .then((blob) => createImageBitmap(blob))
    .then((bitmap) => { out.img = bitmap; out.width = bitmap.width; return true; })
    .catch(() => {
      const fallback = load(url);
      out.img = fallback.img;
      return fallback.decoded.then((ok) => { out.width = fallback.img.naturalWidth; return ok; });
    });
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
