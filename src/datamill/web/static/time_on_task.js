// Time on task for the document workbenches (LLM, image, text), counted as the speech
// workbench counts it (static/workbench.js): only while the page has focus and is visible,
// on top of what the server's draft already counted (its time_spent_ms). Drafts and submits
// send ms() as time_spent_ms, so the annotation records how long it took.
export class TimeOnTask {
  constructor(before = 0) {
    this.spent = Number(before) || 0;
    this.last = performance.now();
    window.addEventListener('blur', () => this.tick());
    window.addEventListener('focus', () => { this.last = performance.now(); });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.last = performance.now(); else this.tick();
    });
    setInterval(() => this.tick(), 1000);
  }

  tick() {
    const now = performance.now();
    if (document.hasFocus() && document.visibilityState === 'visible') this.spent += now - this.last;
    this.last = now;
    return this.spent;
  }

  ms() { return Math.round(this.tick()); }
}
