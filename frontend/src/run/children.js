// The children of a replicated block, one page at a time from GET
// /api/runs/{id}/blocks/{b}/children (never one DOM node per child: a page is 50 rows),
// filtered by phase. A row click opens that child in the inspector.
import { h, clear, fmtNumber } from "../core/dom.js";
import { api } from "../core/api.js";
import { statusPill, duration } from "../pages/common.js";
import { TERMINAL_PHASE } from "../core/protocol.gen.js";
import { lineageText, lineageTitle } from "./lineage.js";

const PAGE = 50;
const FILTERS = [["", "all"], ...["running", ...TERMINAL_PHASE].map((p) => [p, p.replace("_", " ")])];

export function childrenList({ runId, block, onOpen }) {
  let offset = 0;
  let phase = "";
  let selected = null;
  let loading = false;
  const chips = h(
    "div.child-filters",
    {},
    FILTERS.map(([value, label]) =>
      h(
        "button.chip-btn",
        {
          type: "button",
          "data-phase": value,
          "aria-pressed": String(value === phase),
          on: {
            click: () => {
              phase = value;
              offset = 0;
              for (const c of chips.children) c.setAttribute("aria-pressed", String(c.dataset.phase === value));
              load();
            },
          },
        },
        label,
      ),
    ),
  );
  const rows = h("tbody");
  const info = h("span.muted");
  const prev = h(
    "button.small",
    {
      type: "button",
      on: {
        click: () => {
          offset = Math.max(0, offset - PAGE);
          load();
        },
      },
    },
    "←",
  );
  const next = h(
    "button.small",
    {
      type: "button",
      on: {
        click: () => {
          offset += PAGE;
          load();
        },
      },
    },
    "→",
  );
  const el = h(
    "div.children-list",
    { "data-testid": "children", "data-block": block },
    chips,
    h(
      "table.child-table",
      {},
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", {}, "child"),
          h("th", { title: "where its inputs came from: an upstream child, or item #i of a dynamic block" }, "from"),
          h("th", {}, "phase"),
          h("th.num", {}, "out"),
          h("th.num", {}, "time"),
        ),
      ),
      rows,
    ),
    h("div.child-pager", {}, prev, info, next),
  );

  async function load() {
    if (loading) return;
    loading = true;
    try {
      const query = { offset, limit: PAGE };
      if (phase) query.phase = phase;
      const page = await api.children(runId, block, query);
      render(page);
    } catch (err) {
      clear(rows).append(h("tr", {}, h("td", { colspan: 5 }, h("span.muted", {}, err.message))));
    } finally {
      loading = false;
    }
  }

  function render(page) {
    clear(rows);
    if (!page.items.length)
      rows.append(
        h(
          "tr",
          {},
          h("td.muted", { colspan: 5 }, phase ? `No ${phase.replace("_", " ")} children.` : "No children yet."),
        ),
      );
    for (const child of page.items) {
      const took =
        child.started_t && child.finished_t
          ? duration(child.finished_t - child.started_t)
          : child.started_t
            ? "running"
            : "–";
      const tr = h(
        "tr",
        {
          "data-uuid": child.uuid,
          class: child.uuid === selected ? "selected" : "",
          title: child.error ? child.error.message : "open its output",
          on: {
            click: () => {
              selected = child.uuid;
              for (const r of rows.children) r.classList.toggle("selected", r === tr);
              onOpen(child);
            },
          },
        },
        h("td.mono", {}, child.uuid),
        h("td.mono.lineage", { title: lineageTitle(child) }, lineageText(child) || "–"),
        h("td", {}, statusPill(child.phase)),
        h("td.num", {}, child.items_out === null || child.items_out === undefined ? "–" : fmtNumber(child.items_out)),
        h("td.num", {}, took),
      );
      rows.append(tr);
    }
    const to = Math.min(page.offset + page.items.length, page.total);
    info.textContent = page.total
      ? `${(page.offset + 1).toLocaleString()}–${to.toLocaleString()} of ${page.total.toLocaleString()}`
      : "0";
    prev.disabled = page.offset === 0;
    next.disabled = to >= page.total;
  }

  load();
  return { el, refresh: load };
}
