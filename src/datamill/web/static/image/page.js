// The image task page (templates/image/task.html): once the workbench has submitted, open the
// next task (the server's answer carries its URL).
document.addEventListener('image-workbench:submitted', (ev) => {
  const next = ev.detail && ev.detail.next_url;
  if (typeof next === 'string' && next.startsWith('/')) window.location.assign(next);
});
