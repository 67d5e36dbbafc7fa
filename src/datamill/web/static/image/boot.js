// Starts fetching and decoding each workbench's image before the editor's modules have loaded
// (the decode of a 4K JPEG is the largest part of the time to interactive). With a
// data-preview-url (a smaller rendition of the same picture; data-image-width/-height then give
// the full size), the preview is decoded first and the full image right after it.
function load(url) {
  const img = new Image();
  img.decoding = 'async';
  img.src = url;
  return { img, decoded: img.decode().then(() => true, () => false) };
}

export function bootImage(el) {
  if (!el.__bootImage) {
    const d = el.dataset;
    if (d.previewUrl && d.imageWidth && d.imageHeight) {
      const preview = load(d.previewUrl);
      const full = {};
      full.decoded = preview.decoded.then(() => {
        Object.assign(full, load(d.imageUrl));
        return full.decoded;
      });
      el.__bootImage = { preview, full };
    } else {
      el.__bootImage = { full: load(d.imageUrl) };
    }
  }
  return el.__bootImage;
}

for (const el of document.querySelectorAll('[data-image-workbench]')) bootImage(el);
