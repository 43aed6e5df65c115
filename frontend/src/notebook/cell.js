// One code cell: header, notices (changed on disk, compile error, warnings), the editor
// (created lazily, a plain <pre> until then) and the output of its last run.
import { api } from "../core/api.js";
import { h } from "../core/dom.js";
import { cellHead } from "./cell_head.js";
import { createEditor, markError, replaceDoc } from "./editor.js";
import { queuedView, requestErrorView, resultView, runningView, skippedView } from "./output.js";
import { staleNotice } from "./stale.js";

const LINE_PX = 20.15; // 13px code at line-height 1.55 (editor.js theme)

export class Cell {
  // ctx: {pipeline, inspect(runId, block), dirtyChanged(), edited(cell), moveOn(cell),
  //       queue(cell, run, skip) (cell runs one after another: the kernel runs one thing at a
  //       time; `skip(name)` instead when the run of `name` queued before it failed),
  //       ran(cell, result)}
  constructor(name, ctx) {
    this.name = name;
    this.ctx = ctx;
    this.view = null;
    this.saved = null; // the code as saved on disk, as far as we know
    this.version = null; // the version of `saved` (a save sends it: 412 if the file moved on)
    this.inFlight = null; // the code of a save not yet answered
    this.theirs = null; // code changed on disk while we had unsaved edits
    this.theirsVersion = null;
    this.refused = false; // our last save was refused: the file changed on disk first
    this.compileError = null;
    this.result = null;
    this.running = false;
    this.queued = false;
    this.head = cellHead(name, { save: () => this.save(), run: () => this.run(), stop: () => this.stop() });
    this.notice = h("div.cell-notice", { hidden: true });
    this.problems = h("div.cell-problems");
    this.staleSlot = h("div.cell-stale-slot");
    this.editorHost = h("div.cell-editor");
    this.output = h("div.cell-output-slot");
    this.el = h(
      "section.cell",
      { dataset: { block: name }, "aria-label": `block ${name}` },
      this.head.el,
      this.staleSlot,
      this.notice,
      this.problems,
      this.editorHost,
      this.output,
    );
  }

  // ---- what the server says ----------------------------------------------------------------
  setMeta(meta) {
    this.meta = meta;
    this.head.render(meta);
    const problems = [];
    if (meta.planError) problems.push(h("div.cell-problem.error", {}, meta.planError.message));
    for (const w of meta.warnings)
      problems.push(h("div.cell-problem.warning", {}, w.port ? `port ${w.port}: ${w.message}` : w.message));
    this.problems.replaceChildren(...problems);
  }

  // The server's stale mark for this block ({stale, reasons, last_run}), or null.
  setStale(mark) {
    this.staleMark = mark;
    this.el.classList.toggle("stale", Boolean(mark && mark.stale));
    const notice = staleNotice(mark);
    this.staleSlot.replaceChildren(...(notice ? [notice] : []));
  }

  // The block as read from disk: {file, code, version, error}.
  setBlock(info) {
    this.compileError = info.error || null;
    if (info.code !== null && info.code !== undefined) this.disk(info.code, info.version);
    this.renderCompileError();
    this.applyMark();
  }

  // Code read from disk (a file watcher event, or a fresh read of the pipeline), with its
  // version when known.
  disk(code, version = null) {
    if (this.saved === null) {
      this.saved = code;
      this.version = version;
      this.showPlaceholder();
      return;
    }
    if (code === this.saved || code === this.inFlight) {
      this.saved = code;
      if (version) this.version = version;
      if (this.theirs !== null) {
        this.theirs = null;
        this.refused = false;
        this.renderNotice();
      } // reverted on disk
      return;
    }
    if (!this.dirty() || this.text() === code) {
      this.saved = code;
      this.version = version ?? this.version; // unknown: a save finds it out (412, conflict())
      this.setText(code);
      this.theirs = null;
      this.refused = false;
      this.renderNotice();
    } else {
      this.theirs = code;
      this.theirsVersion = version;
      this.renderNotice();
    }
    this.refreshDirty();
  }

  // ---- the editor --------------------------------------------------------------------------
  text() {
    return this.view ? this.view.state.doc.toString() : (this.saved ?? "");
  }

  setText(code) {
    if (this.view) replaceDoc(this.view, code);
    else this.showPlaceholder();
  }

  dirty() {
    return this.view !== null && this.text() !== this.saved;
  }

  showPlaceholder() {
    if (this.view) return;
    const code = this.saved ?? "";
    const pre = h(
      "pre.cell-placeholder",
      {
        on: {
          mousedown: (e) => {
            e.preventDefault();
            this.mountEditor();
            this.view.focus();
          },
        },
      },
      code,
    );
    const height = code.split("\n").length * LINE_PX + 12;
    pre.style.minHeight = `${height}px`;
    // What the cell measures while the browser skips drawing it (content-visibility).
    this.el.style.containIntrinsicSize = `auto ${Math.round(height + 46)}px`;
    this.editorHost.replaceChildren(pre);
  }

  mountEditor() {
    if (this.view) return;
    this.editorHost.replaceChildren();
    this.view = createEditor(this.editorHost, this.saved ?? "", {
      change: () => {
        this.refreshDirty();
        this.ctx.edited(this);
      },
      run: ({ moveOn }) => {
        this.run();
        if (moveOn) this.ctx.moveOn(this);
      },
    });
    this.applyMark();
  }

  // Give the editor back (far off screen): only when nothing would be lost.
  unmountEditor() {
    if (!this.view || this.dirty() || this.view.hasFocus || this.theirs !== null) return;
    this.view.destroy();
    this.view = null;
    this.showPlaceholder();
  }

  refreshDirty() {
    const dirty = this.dirty();
    this.el.classList.toggle("dirty", dirty);
    this.head.setDirty(dirty);
    this.ctx.dirtyChanged();
  }

  applyMark() {
    if (!this.view) return;
    const error = this.compileError || (this.result && this.result.error);
    markError(this.view, error && error.line ? error : null);
  }

  renderCompileError() {
    this.el.classList.toggle("has-compile-error", Boolean(this.compileError));
    const old = this.el.querySelector(".cell-compile-error");
    const box = this.compileError
      ? h("div.cell-compile-error.error-box", { "data-testid": "compile-error" }, this.compileError.message)
      : null;
    if (old && box) old.replaceWith(box);
    else if (old) old.remove();
    else if (box) this.problems.before(box);
  }

  renderNotice() {
    this.notice.hidden = this.theirs === null;
    this.notice.classList.toggle("refused", this.refused);
    if (this.theirs === null) return this.notice.replaceChildren();
    const file = this.meta?.file || "The file";
    const text = this.refused
      ? ` Not saved: ${file} was edited in another editor since you opened it. Load theirs (your edits here are dropped) or overwrite it with yours.`
      : ` ${file} was edited in another editor while you have unsaved changes here.`;
    this.notice.replaceChildren(
      h("span.cell-notice-text", {}, h("strong", {}, "Changed on disk."), text),
      h("button", { on: { click: () => this.loadTheirs() } }, "Load theirs"),
      this.refused
        ? h(
            "button",
            {
              on: {
                click: () => {
                  this.keepMine();
                  this.save();
                },
              },
            },
            "Overwrite with mine",
          )
        : h("button", { on: { click: () => this.keepMine() } }, "Keep mine"),
    );
  }

  loadTheirs() {
    this.saved = this.theirs;
    this.version = this.theirsVersion;
    this.theirs = null;
    this.refused = false;
    this.setText(this.saved);
    this.renderNotice();
    this.refreshDirty();
  }

  keepMine() {
    this.saved = this.theirs; // mine still differs from it: unsaved until I save over theirs
    this.version = this.theirsVersion; // ... and a save over that version is what I chose
    this.theirs = null;
    this.refused = false;
    this.renderNotice();
    this.refreshDirty();
  }

  // Our save was refused (412): the file changed on disk since we read it. Show what it
  // holds now and let the user choose; nothing of either side is lost. True when the file
  // still holds what our edits are based on (only its version was unknown): save again.
  async conflict() {
    const block = await api.block(this.ctx.pipeline, this.name);
    if (block.code === null || block.code === undefined)
      throw new Error(`${this.meta?.file || this.name} no longer exists on disk; reload the page`);
    if (block.code === this.saved && block.version !== this.version) {
      this.version = block.version;
      return true;
    }
    this.disk(block.code, block.version);
    this.refused = this.theirs !== null;
    this.renderNotice();
    return false;
  }

  // ---- actions -----------------------------------------------------------------------------
  async save(again = false) {
    if (!this.view || this.inFlight !== null) return !this.dirty();
    const code = this.text();
    if (code === this.saved) return true;
    this.inFlight = code;
    this.head.setBusy("saving");
    try {
      const data = await api.saveCode(this.ctx.pipeline, this.name, code, this.version);
      const info = data && data.blocks && data.blocks[this.name];
      this.saved = code;
      this.version = info ? info.version : null;
      this.theirs = null;
      this.refused = false;
      this.renderNotice();
      this.compileError = (info && info.error) || null;
      this.renderCompileError();
      this.applyMark();
      return true;
    } catch (err) {
      if (err.status === 412) {
        this.inFlight = null;
        try {
          if ((await this.conflict()) && !again) return this.save(true);
        } catch (e) {
          this.showOutput(requestErrorView(`Could not save: ${e.message}`, { close: () => this.showOutput(null) }));
        }
        return false;
      }
      this.showOutput(requestErrorView(`Could not save: ${err.message}`, { close: () => this.showOutput(null) }));
      return false;
    } finally {
      this.inFlight = null;
      this.head.setBusy(null);
      this.refreshDirty();
    }
  }

  // Save, then run when the runs queued before this one are done. Resolves with the result
  // (null when the cell could not run).
  async run() {
    if (this.running || this.queued) return null;
    if (this.dirty() && !(await this.save())) return null;
    this.queued = true;
    this.head.setBusy("queued");
    this.showOutput(queuedView());
    return this.ctx.queue(
      this,
      () => {
        this.queued = false;
        return this.runNow();
      },
      (failed) => {
        this.queued = false;
        this.head.setBusy(null);
        this.showOutput(skippedView(failed, { close: () => this.showOutput(null) }));
        return null;
      },
    );
  }

  async runNow() {
    const upstream = this.head.upstream();
    this.running = true;
    this.head.setBusy("running");
    this.el.classList.add("running");
    this.showOutput(runningView(upstream));
    try {
      const result = await api.runCell(this.ctx.pipeline, this.name, { run_upstream: upstream });
      this.showResult({ ...result, run_upstream: upstream });
      // Run in place: show the output. Moved on (Shift-Enter): leave the view where it went.
      if (this.view && this.view.hasFocus) this.output.scrollIntoView({ block: "nearest", behavior: "smooth" });
      this.ctx.ran(this, result);
      return result;
    } catch (err) {
      this.showOutput(requestErrorView(err.message, { close: () => this.showOutput(null) }));
      return null;
    } finally {
      this.running = false;
      this.el.classList.remove("running");
      this.head.setBusy(null);
    }
  }

  // Cancel the cell run in progress (the kernel runs one thing at a time: the active run).
  async stop() {
    try {
      const kernel = await api.kernel();
      if (kernel.active_run && kernel.active_run.startsWith("cell-")) await api.cancelRun(kernel.active_run);
    } catch (err) {
      if (err.status !== 404)
        this.showOutput(requestErrorView(`Could not stop: ${err.message}`, { close: () => this.showOutput(null) }));
    }
  }

  // A cell_result event (this cell run from another tab or page); our own runs render above.
  remoteResult(result) {
    if (this.running || (this.result && this.result.run_id === result.run_id)) return;
    this.showResult(result);
  }

  showResult(result) {
    this.result = result;
    this.el.dataset.status = result.status;
    this.applyMark();
    const on = {
      inspect: (runId) => this.ctx.inspect(runId, this.name),
      close: () => {
        this.result = null;
        delete this.el.dataset.status;
        this.applyMark();
        this.showOutput(null);
      },
    };
    this.showOutput(resultView(result, { file: this.meta?.file, on }));
  }

  showOutput(el) {
    this.output.replaceChildren(...(el ? [el] : []));
  }

  // Focus the editor without jumping (Shift-Enter moving on to this cell).
  focusEditor() {
    this.mountEditor();
    this.view.focus();
    this.el.scrollIntoView({ block: "nearest" });
  }

  focus() {
    this.mountEditor();
    // Instantly, not smoothly: cells far away have estimated heights until they are drawn.
    this.el.scrollIntoView({ block: "start" });
    this.view.focus();
    requestAnimationFrame(() => this.el.scrollIntoView({ block: "start" }));
    this.el.classList.remove("flash");
    void this.el.offsetWidth; // restart the animation
    this.el.classList.add("flash");
  }

  destroy() {
    if (this.view) this.view.destroy();
    this.el.remove();
  }
}
