// Starts fetching and decoding each workbench's image before the editor's modules have loaded
// (the decode of a 4K JPEG is the largest part of the time to interactive).
export function bootImage(el) {
  if (!el.__bootImage) {
    const img = new Image();
    img.decoding = 'async';
    img.src = el.dataset.imageUrl;
    el.__bootImage = { img, decoded: img.decode().then(() => true, () => false) };
  }
  return el.__bootImage;
}

for (const el of document.querySelectorAll('[data-image-workbench]')) bootImage(el);
