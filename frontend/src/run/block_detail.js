// The run view's side panel for one block: its label and phase, what it waits on, where its
// time went (busy / starved / backpressured / waiting), items and bytes in and out, its error,
// the buffers around it, for a replicated block its child counters and paged children, and
// its log (the block's and its children's print() and logger lines, paged).
import { h, clear, append, fmtNumber, fmtBytes } from "../core/dom.js";
import { toneOf } from "../graph/tone.js";
import { blockWord } from "../graph/live_words.js";
import { childrenList } from "./children.js";
import { blockLog } from "./log_pane.js";
import { ACTIVITY_TIME, TERMINAL_PHASE } from "../core/protocol.gen.js";

const FRACS = ACTIVITY_TIME.map((a) => [a, a]);
// A dynamic block's child counters (ChildCounters): how many were made, then by phase.
const COUNTERS = ["expected", "spawned", "queued", "running", ...TERMINAL_PHASE];

function waitingText(t) {
  const w = t.waiting_on;
  if (!w) return t.reason ? `waiting: ${t.reason}` : null;
  if (w.edge) return `${t.activity === "backpressured" ? "blocked writing to" : "waiting for input on"} ${w.edge}`;
  if (w.blocks) return `waits for ${w.blocks.join(", ")}${t.reason ? ` (${t.reason})` : ""}`;
  if (w.ports) return `waits for the first item on ${w.ports.join(", ")}`;
  if (w.slot) return `queued for a slot: ${w.slot}`;
  return null;
}

function fracBar(frac) {
  const f = frac || {};
  return h(
    "div.frac",
    {},
    h(
      "div.frac-bar",
      {},
      FRACS.map(([key]) => h(`span.frac-${key}`, { style: { width: `${Math.round((f[key] || 0) * 100)}%` } })),
    ),
    h(
      "div.frac-legend",
      {},
      FRACS.map(([key, label]) => h("span", {}, h(`i.sw.frac-${key}`), `${label} ${Math.round((f[key] || 0) * 100)}%`)),
    ),
  );
}

function stat(label, value) {
  return h("div.stat", {}, h("div.stat-value", {}, value), h("div.stat-label", {}, label));
}

function edgeRows(name, state) {
  const rows = [];
  for (const [id, e] of Object.entries(state.edges || {})) {
    const into = id.split("->")[1].startsWith(`${name}.`);
    const from = id.startsWith(`${name}.`);
    if (!into && !from) continue;
    const cap = e.capacity
      ? `${fmtNumber(e.fill.items)} / ${fmtNumber(e.capacity.items)}`
      : `${fmtNumber(e.fill.items)} (full)`;
    rows.push(
      h(
        "tr",
        {},
        h("td.mono", {}, into ? `← ${e.src}` : `→ ${e.dst}`),
        h("td", {}, e.mode),
        h("td.num", {}, cap),
        h("td.num", {}, fmtNumber(e.total.items_in)),
      ),
    );
  }
  return rows.length
    ? h(
        "table.mini",
        {},
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", {}, "edge"),
            h("th", {}, "mode"),
            h("th.num", {}, "buffered"),
            h("th.num", {}, "through"),
          ),
        ),
        h("tbody", {}, rows),
      )
    : null;
}

export function blockDetail({ runId, block, onInspect }) {
  const stats = h("div.detail-stats");
  const chip = h("span.state-chip");
  const replicated = block.replicated;
  const log = blockLog({ runId, block: block.name });
  const list = replicated
    ? childrenList({ runId, block: block.name, onOpen: (child) => onInspect({ block: block.name, uuid: child.uuid }) })
    : null;
  const el = h(
    "div.block-detail",
    { "data-panel": "run-block", "data-block": block.name },
    h(
      "div.panel-head",
      {},
      h(
        "div.panel-kicker",
        {},
        replicated ? "replicated block · runs per item" : block.dynamic ? "dynamic block" : "block",
      ),
      h("div.panel-name", {}, block.name),
      h("div.detail-chip-row", {}, chip),
      replicated
        ? null
        : h(
            "div.panel-buttons",
            {},
            h(
              "button",
              { type: "button", on: { click: () => onInspect({ block: block.name, uuid: block.name }) } },
              "Inspect output",
            ),
          ),
    ),
    stats,
    list ? h("section.panel-section", {}, h("h3", {}, "Children"), list.el) : null,
    h("section.panel-section", {}, h("h3", {}, "Log"), log.el),
  );
  let last = "";
  let lastRefresh = 0;
  let lastLog = Date.now();
  let lastPhase = null;
  return {
    el,
    update(t, state) {
      const phase = t ? t.phase : null;
      if (phase !== lastPhase || (phase === "running" && Date.now() - lastLog > 2000)) {
        if (lastPhase !== null || phase === "running") log.refresh();
        lastPhase = phase;
        lastLog = Date.now();
      }
      const key = JSON.stringify([t, state && edgeKey(block.name, state)]);
      if (key === last) return;
      last = key;
      chip.className = `state-chip tone-${toneOf(t)}`;
      chip.textContent = blockWord(t);
      clear(stats);
      if (!t) {
        stats.append(h("p.muted.pad", {}, "This block has not started."));
        return;
      }
      const wait = waitingText(t);
      const io = t.io || {};
      append(stats, [
        t.error ? h("div.pad", {}, h("div.error-box", {}, `${t.error.type}: ${t.error.message}`)) : null,
        wait ? h("div.pad.muted", {}, wait) : null,
        h(
          "section.panel-section",
          {},
          h(
            "h3",
            {},
            `Time (last ${5} s)`,
            t.bp_level && t.bp_level !== "OK" ? h("span.bp", {}, ` back pressure ${t.bp_level}`) : null,
          ),
          fracBar(t.frac),
        ),
        h(
          "section.panel-section",
          {},
          h("h3", {}, "Data"),
          h(
            "div.stats",
            {},
            stat("items in", fmtNumber(io.items_in || 0)),
            stat("items out", fmtNumber(io.items_out || 0)),
            stat("bytes in", fmtBytes(io.bytes_in || 0)),
            stat("bytes out", fmtBytes(io.bytes_out || 0)),
            t.internal_bytes ? stat("held", fmtBytes(t.internal_bytes)) : null,
          ),
        ),
        executorSection(t),
        t.children
          ? h(
              "section.panel-section",
              {},
              h(
                "h3",
                {},
                "Child counters",
                t.children.final ? h("span.muted", {}, " · final") : h("span.muted", {}, " · still spawning"),
              ),
              h(
                "div.stats.counters",
                {},
                COUNTERS.filter((k) => k === "expected" || t.children[k]).map((k) =>
                  stat(k.replace("_", " "), fmtNumber(t.children[k] || 0)),
                ),
              ),
            )
          : null,
        state
          ? h(
              "section.panel-section",
              {},
              h("h3", {}, "Buffers"),
              edgeRows(block.name, state) || h("span.muted", {}, "no live buffer data"),
            )
          : null,
      ]);
      if (list && t.phase === "running" && Date.now() - lastRefresh > 2000) {
        lastRefresh = Date.now();
        list.refresh();
      }
    },
    refreshChildren() {
      if (list) list.refresh();
    },
  };
}

function edgeKey(name, state) {
  const out = [];
  for (const [id, e] of Object.entries(state.edges || {}))
    if (id.includes(`${name}.`)) out.push(id, e.fill && e.fill.items, e.total && e.total.items_in);
  return out;
}

// Where the block's code runs (settings.executor / `executor:`), and on process and Ray the
// worker processes or Ray nodes that hosted its runs, with how many each.
function executorSection(t) {
  const where = Object.entries(t.ran_on || {}).sort((a, b) => b[1] - a[1]);
  const word = { thread: "threads", process: "worker processes", ray: "Ray" }[t.executor || "thread"];
  return h(
    "section.panel-section.executor-section",
    {},
    h("h3", {}, "Runs on ", h("span.executor-name", {}, word)),
    where.length
      ? h(
          "div.stats.ran-on",
          {},
          where.map(([name, count]) => stat(name, fmtNumber(count))),
        )
      : null,
  );
}
