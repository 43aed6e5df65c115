// The notebook view: every block of a pipeline as a code cell, in graph order.
//
//   const notebook = mountNotebook(root, {pipeline, data});   // data: GET /api/pipelines/{name}
//   notebook.update(data); notebook.focusBlock("B"); notebook.destroy();
//
// Edits made on disk (pipeline_changed events) reach the cells by themselves; cell results
// of runs started elsewhere (cell_result events) show under their cell. Editors exist only
// near the viewport (lazy.js), so a pipeline of hundreds of blocks opens and scrolls at once.
import { live } from "../core/live.js";
import { h } from "../core/dom.js";
import { Cell } from "./cell.js";
import { openInspectorDrawer } from "./drawer.js";
import { lazyEditors } from "./lazy.js";
import { graphOrder, inputsOf, kindOf } from "./order.js";
import { MOD, openShortcuts, pageKeys } from "./shortcuts.js";
import { staleMarks } from "./stale.js";
import "./notebook.css";

export function mountNotebook(root, { pipeline, data }) {
  const cells = new Map();
  const list = h("div.notebook-cells");
  const summary = h("span.notebook-summary");
  const unsaved = h("span.notebook-unsaved");
  const saveAll = h(
    "button.notebook-save-all",
    {
      hidden: true,
      on: {
        click: () =>
          cells.forEach((c) => {
            if (c.dirty()) c.save();
          }),
      },
    },
    "Save all",
  );
  let staleList = [];
  const runStale = h(
    "button.notebook-run-stale",
    {
      hidden: true,
      title: "run the stale cells in graph order (stops at the first that fails)",
      on: { click: () => runStaleCells() },
    },
    "Run stale cells",
  );
  const banner = h("div.notebook-banner", { hidden: true });
  const bar = h(
    "div.notebook-bar",
    {},
    summary,
    h("span.spacer"),
    unsaved,
    saveAll,
    runStale,
    h(
      "button.notebook-keys",
      { title: "keyboard shortcuts (?)", on: { click: () => openShortcuts() } },
      h("kbd", {}, "Shift"),
      "+",
      h("kbd", {}, "Enter"),
      " run · ",
      h("kbd", {}, MOD),
      "+",
      h("kbd", {}, "S"),
      " save · ",
      h("kbd", {}, "?"),
      " keys",
    ),
  );
  const el = h("div.notebook", {}, bar, banner, list);
  root.append(el);

  let lastEdited = null; // the cell Ctrl/Cmd-S saves when no cell has focus
  let runs = Promise.resolve(); // cell runs, one after another
  const waiting = new Set(); // queued runs not started yet
  const ctx = {
    pipeline,
    inspect: (runId, block) => openInspectorDrawer({ runId, block }),
    dirtyChanged: () => refreshUnsaved(),
    edited: (cell) => {
      lastEdited = cell;
    },
    moveOn: (cell) => {
      const next = cell.el.nextElementSibling;
      const target = next && cells.get(next.dataset.block);
      if (target) target.focusEditor();
    },
    // Like Jupyter: a run that fails cancels the runs queued behind it.
    queue: (cell, run, skip) => {
      const entry = { failed: null };
      waiting.add(entry);
      const step = async () => {
        waiting.delete(entry);
        if (entry.failed) return skip(entry.failed);
        const result = await run();
        if (!result || result.status !== "succeeded") for (const other of waiting) other.failed ??= cell.name;
        return result;
      };
      const done = runs.then(step, step);
      runs = done.catch(() => null);
      return done;
    },
    ran: () => marks.refresh(),
  };

  const marks = staleMarks(pipeline, (data) => {
    for (const [name, cell] of cells) cell.setStale(data.blocks[name] || null);
    staleList = data.stale.filter((name) => cells.has(name));
    runStale.hidden = staleList.length === 0 && !runStale.classList.contains("busy");
    if (!runStale.classList.contains("busy"))
      runStale.textContent = `Run ${staleList.length} stale ${staleList.length === 1 ? "cell" : "cells"}`;
  });

  // Run the stale cells in graph order, one after another; stop at the first that fails
  // (its downstream would read an output that is not there).
  async function runStaleCells() {
    if (runStale.classList.contains("busy")) return;
    const names = [...staleList];
    runStale.classList.add("busy");
    runStale.disabled = true;
    try {
      for (const [i, name] of names.entries()) {
        runStale.textContent = `Running stale cells ${i + 1}/${names.length}…`;
        const result = await cells.get(name)?.run();
        if (!result || result.status !== "succeeded") break;
      }
    } finally {
      runStale.classList.remove("busy");
      runStale.disabled = false;
      await marks.now();
    }
  }

  // The focused cell, else the last edited one, if it has unsaved edits.
  function saveTarget() {
    const active = document.activeElement;
    const focused = active && [...cells.values()].find((c) => c.el.contains(active));
    if (focused && focused.dirty()) return focused;
    return lastEdited && cells.get(lastEdited.name) === lastEdited && lastEdited.dirty() ? lastEdited : null;
  }
  const removeKeys = pageKeys({ save: () => saveTarget()?.save() });
  const editors = lazyEditors((target) => cells.get(target.dataset.block));

  function refreshUnsaved() {
    const n = [...cells.values()].filter((c) => c.dirty()).length;
    unsaved.textContent = n ? `${n} unsaved` : "";
    saveAll.hidden = n === 0;
  }

  function update(next) {
    data = next || { blocks: {}, edges: [] };
    const order = graphOrder(data);
    const wanted = new Set(order);
    for (const [name, cell] of cells) {
      if (!wanted.has(name)) {
        editors.forget(cell);
        cell.destroy();
        cells.delete(name);
      }
    }
    const error = data.error;
    order.forEach((name, i) => {
      let cell = cells.get(name);
      const info = (data.blocks || {})[name] || { file: `${name}.py`, code: null, error: null };
      if (!cell) {
        cell = new Cell(name, ctx);
        cells.set(name, cell);
        editors.watch(cell);
      }
      const spec = ((data.spec && data.spec.blocks) || []).find((b) => b.name === name) || {};
      cell.setMeta({
        pipeline,
        position: i + 1,
        spec,
        file: info.file,
        kind: kindOf(info.code ?? cell.saved),
        inputs: inputsOf(data, name),
        warnings: (data.warnings || []).filter((w) => w.block === name),
        planError: error && error.block === name ? error : null,
      });
      cell.setBlock(info);
      const at = list.children[i];
      if (at !== cell.el) list.insertBefore(cell.el, at || null);
    });
    const n = order.length;
    summary.textContent = n ? `${n} ${n === 1 ? "block" : "blocks"} in graph order` : "";
    const general = error && (!error.block || !wanted.has(error.block)) ? error : null;
    banner.hidden = !general;
    banner.textContent = general ? general.message : "";
    if (!n)
      list.replaceChildren(h("div.notebook-empty", {}, "This pipeline has no blocks yet. Add one in the graph view."));
    else list.querySelector(".notebook-empty")?.remove();
    refreshUnsaved();
  }

  function onChange(msg) {
    if (msg.change === "deleted") {
      banner.hidden = false;
      banner.textContent = `Pipeline ${pipeline} was deleted on disk.`;
      return;
    }
    marks.refresh();
    if (msg.spec) update(msg.spec);
    else if (msg.change === "block" && msg.block && msg.code != null) cells.get(msg.block)?.disk(msg.code);
    else if (msg.error) {
      banner.hidden = false;
      banner.textContent = msg.error.message;
    }
    refreshUnsaved();
  }

  const unsubscribe = live.subscribe((changes) => {
    for (const msg of changes.events) {
      // A run ended (run events name no pipeline): the marks may have changed.
      if (msg.kind === "run" && ["succeeded", "failed", "cancelled"].includes(msg.to)) marks.refresh();
      if (msg.pipeline !== pipeline) continue;
      if (msg.kind === "pipeline_changed") onChange(msg);
      else if (msg.kind === "cell_result") {
        cells.get(msg.block)?.remoteResult(msg);
        marks.refresh();
      }
    }
  });

  const beforeUnload = (event) => {
    if ([...cells.values()].some((c) => c.dirty())) {
      event.preventDefault();
      event.returnValue = "";
    }
  };
  window.addEventListener("beforeunload", beforeUnload);

  update(data);
  marks.now();
  return {
    update,
    focusBlock(name) {
      const cell = cells.get(name);
      if (cell) cell.focus();
    },
    destroy() {
      unsubscribe();
      removeKeys();
      marks.stop();
      editors.disconnect();
      window.removeEventListener("beforeunload", beforeUnload);
      for (const cell of cells.values()) cell.destroy();
      cells.clear();
      el.remove();
    },
  };
}
