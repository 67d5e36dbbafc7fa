// The image workbench's strings: the web catalogue's (src/datamill/web/i18n_image.py and its
// zh-CN twin), handed over by the page in its language as data-strings (image/workbench.html).
// ``translator(table)`` looks a key up and fills {name} placeholders; a missing key shows as
// itself.
export function translator(table) {
  const strings = table || {};
  return (key, vars = {}) => (strings[key] || key)
    .replace(/\{(\w+)\}/g, (_, k) => (k in vars ? String(vars[k]) : `{${k}}`));
}
