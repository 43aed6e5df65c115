// The output inspector: a block run or a dynamic child of any run, its stored items paged,
// its metadata, and beside them its log and traceback.
//
//   const inspector = mountInspector(root, {runId, block, uuid});   // uuid e.g. "D:3:1"
//   inspector.show({runId, block, uuid}); inspector.destroy();
//
// A block that ran as dynamic children gets a paged children picker; without a uuid the first
// failed child (else the first child) is shown.
import { api } from "../core/api.js";
import { fmtDuration, h } from "../core/dom.js";
import { live } from "../core/live.js";
import { TERMINAL_RUN_PHASE } from "../core/protocol.gen.js";
import { childrenPicker } from "./children.js";
import { childInputPane } from "./child_input.js";
import { itemsPane } from "./items.js";
import { sidePane } from "./side.js";
import "./inspector.css";

/** @type {ReadonlySet<string>} */
const FINISHED = new Set(TERMINAL_RUN_PHASE);

// The latest phase of a child, from its phase events: {phase, reason, error}.
async function childRun(runId, uuid) {
  const { items } = await api.events(runId, { uuid, kind: "phase", limit: 50 });
  const last = items[items.length - 1];
  const failed = items.find((e) => e.error);
  return last ? { uuid, phase: last.to, reason: last.reason, error: (failed || last).error } : null;
}

async function firstChild(runId, block, phases) {
  const phase = phases.failed ? "failed" : undefined;
  const page = await api.children(runId, block, phase ? { phase, limit: 1 } : { limit: 1 });
  return page.items[0] || null;
}

function phasePill(phase) {
  return phase ? h(`span.insp-phase.phase-${phase}`, {}, phase.replace("_", " ")) : null;
}

export function mountInspector(root, initial) {
  const el = h("div.inspector", { "data-testid": "output-inspector" });
  root.append(el);
  const details = new Map(); // runId -> run detail, once the run has finished
  let state = null;
  let ticket = 0;
  let panes = [];
  let picker = null; // {key, el, select, destroy}: kept while the same block is shown

  async function detail(runId) {
    if (details.has(runId)) return details.get(runId);
    const found = await api.run(runId);
    if (FINISHED.has(found.run.status)) details.set(runId, found);
    return found;
  }

  function clearPanes() {
    for (const pane of panes) pane.destroy();
    panes = [];
  }

  function head(run, block, selected) {
    const crumbs = [h("span.insp-block", {}, block)];
    if (selected && selected.uuid !== block)
      crumbs.push(h("span.insp-sep", {}, "›"), h("span.insp-uuid", {}, selected.uuid));
    const facts = [];
    if (selected && selected.items_out != null)
      facts.push(`${selected.items_out} ${selected.items_out === 1 ? "item" : "items"} out`);
    if (selected && selected.started_t && selected.finished_t)
      facts.push(fmtDuration(selected.finished_t - selected.started_t));
    const runLink =
      location.pathname === `/runs/${run.id}`
        ? h("span", {}, run.id)
        : h("a", { href: `/runs/${encodeURIComponent(run.id)}` }, run.id);
    return h(
      "div.insp-head",
      {},
      h(
        "div.insp-title",
        {},
        crumbs,
        phasePill(selected && selected.phase),
        facts.length ? h("span.insp-facts", {}, facts.join(" · ")) : null,
      ),
      h(
        "div.insp-sub",
        {},
        `${run.kind === "cell" ? "cell run" : "run"} `,
        runLink,
        ` · ${run.pipeline} · ${run.mode} · `,
        h(`span.phase-${run.status}`, {}, run.status),
      ),
      h("span.spacer"),
      h("button.insp-refresh", { title: "load again", on: { click: () => refresh() } }, "↻ Refresh"),
    );
  }

  // Render the layout for `selected` (a block run row, or null: nothing to show yet).
  function render(found, block, selected) {
    clearPanes();
    const main = h("section.insp-main");
    const side = h("aside.insp-side");
    if (selected) {
      const items = itemsPane({ runId: found.run.id, block, uuid: selected.uuid, phase: selected.phase });
      const aside = sidePane({ runId: found.run.id, uuid: selected.uuid, run: selected });
      panes.push(items, aside);
      main.append(items.el);
      side.append(aside.el);
      // A child's input: first for a failed child (it stored nothing), else after its output.
      if (selected.uuid !== block) {
        const input = childInputPane({ runId: found.run.id, uuid: selected.uuid });
        panes.push(input);
        if (selected.phase === "failed") main.prepend(input.el);
        else main.append(input.el);
      }
    } else {
      main.append(h("div.insp-empty", {}, `Block ${block} has no block run in this run.`));
    }
    const body = h(
      `div.insp-body${picker ? ".with-children" : ""}`,
      {},
      picker ? h("aside.insp-picker", {}, picker.el) : null,
      h("div.insp-detail", {}, main, side),
    );
    el.replaceChildren(head(found.run, block, selected), body);
  }

  function refresh() {
    details.delete(state.runId);
    if (picker) picker.destroy();
    picker = null;
    show(state);
  }

  async function show(next) {
    const mine = ++ticket;
    state = { runId: next.runId, block: next.block, uuid: next.uuid || null };
    el.classList.add("loading");
    try {
      const found = await detail(state.runId);
      if (mine !== ticket) return;
      const { block } = state;
      const phases = (found.blocks || {})[block] || {};
      const own = found.block_runs.find((r) => r.uuid === block) || null;
      const total = Object.values(phases).reduce((a, b) => a + b, 0);
      const hasChildren = total > (own ? 1 : 0);
      let selected = null;
      if (state.uuid && state.uuid !== block)
        selected = next.row || (await childRun(state.runId, state.uuid)) || { uuid: state.uuid };
      else if (own) selected = own;
      else if (hasChildren) selected = await firstChild(state.runId, block, phases);
      if (mine !== ticket) return;
      const key = `${state.runId}\n${block}`;
      if (picker && (!hasChildren || picker.key !== key)) {
        picker.destroy();
        picker = null;
      }
      if (hasChildren && !picker) {
        const { runId } = state;
        picker = childrenPicker({
          runId,
          block,
          phases,
          selected: selected && selected.uuid,
          on: { pick: (row) => show({ runId, block, uuid: row.uuid, row: row.phase ? row : null }) },
        });
        picker.key = key;
      } else if (picker) picker.select(selected && selected.uuid);
      render(found, block, selected);
    } catch (err) {
      if (mine !== ticket) return;
      clearPanes();
      el.replaceChildren(
        h("div.insp-empty.error-box", {}, `Could not open the output of ${state.block}: ${err.message}`),
      );
    } finally {
      if (mine === ticket) el.classList.remove("loading");
    }
  }

  // A run that finishes while it is shown: load it again, now complete.
  const unsubscribe = live.subscribe((changes) => {
    if (!state || details.has(state.runId)) return;
    if (changes.events.some((e) => e.kind === "run" && e.run_id === state.runId && FINISHED.has(e.to))) refresh();
  });

  show(initial);
  return {
    show,
    destroy() {
      unsubscribe();
      ticket++;
      clearPanes();
      if (picker) picker.destroy();
      el.remove();
    },
  };
}
