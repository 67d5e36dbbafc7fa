// The data-import form: a file larger than the server's upload limit is refused here, before
// it is sent (the server would answer 413 and the form would lose the file chosen).
const form = document.querySelector('[data-testid="import-form"]');
const shown = document.querySelector('[data-testid="import-error"]');

function size(n) {
  for (const [unit, scale] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]]) {
    if (n >= scale) return `${(n / scale).toFixed(1).replace(/\.0$/, '')} ${unit}`;
  }
  return `${n} B`;
}

if (form && shown) {
  form.addEventListener('submit', (event) => {
    const input = form.querySelector('input[type=file]');
    const file = input && input.files && input.files[0];
    const limit = Number(form.dataset.maxBytes);
    if (file && limit && file.size > limit) {
      event.preventDefault();
      shown.textContent = form.dataset.failed + form.dataset.tooLarge
        .replace('{name}', file.name).replace('{size}', size(file.size)).replace('{limit}', size(limit));
      shown.hidden = false;
      return;
    }
    const button = form.querySelector('button[type=submit]');
    if (button) button.disabled = true; // one import per click: it runs while the page waits
  });
}
