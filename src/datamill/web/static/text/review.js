// The text review page (templates/text/review.html): hovering or focusing a span in the list
// beside the text highlights its characters (nested and overlapping spans are drawn as stacked
// underlines, so the list says which underline is which).
for (const row of document.querySelectorAll('[data-testid=review-spans] [data-span]')) {
  const show = (on) => () => {
    for (const mark of document.querySelectorAll(`[data-testid=review-text] [data-span="${row.dataset.span}"]`)) {
      mark.classList.toggle('hl', on);
    }
  };
  row.addEventListener('mouseenter', show(true));
  row.addEventListener('mouseleave', show(false));
  row.addEventListener('focus', show(true));
  row.addEventListener('blur', show(false));
}
