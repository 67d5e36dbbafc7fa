// Undo/redo of the workbench's edits: snapshots of the segment list. `record()` is called just
// before (or, for edits applied by the browser, just after) a change and pushes the state as it
// was after the previous change; consecutive keystrokes in one segment's transcript are one step.

const LIMIT = 200;

export class History {
  constructor(snapshot, onChange) {
    this.snapshot = snapshot; // () => copy of the current state
    this.onChange = onChange;
    this.undoStack = [];
    this.redoStack = [];
    this.stable = snapshot();
    this.typing = null;
  }

  // The state after a change: the one the next record() will save.
  settle() { this.stable = this.snapshot(); }

  record(typingKey = null) {
    if (typingKey !== null && this.typing === typingKey) return;
    this.typing = typingKey;
    this.undoStack.push(this.stable);
    if (this.undoStack.length > LIMIT) this.undoStack.shift();
    this.redoStack = [];
    this.onChange();
  }

  undo(current) {
    if (!this.undoStack.length) return null;
    this.redoStack.push(current);
    this.typing = null;
    const snap = this.undoStack.pop();
    this.onChange();
    return snap;
  }

  redo(current) {
    if (!this.redoStack.length) return null;
    this.undoStack.push(current);
    this.typing = null;
    const snap = this.redoStack.pop();
    this.onChange();
    return snap;
  }

  get canUndo() { return this.undoStack.length > 0; }

  get canRedo() { return this.redoStack.length > 0; }
}
