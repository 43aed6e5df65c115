// A dynamic block's children, one page at a time (10,000 children never make 10,000 nodes):
// filter by phase, jump to a child by name, pick one to inspect.
import { api } from "../core/api.js";
import { fmtDuration, h } from "../core/dom.js";
import { count } from "../notebook/preview.js";
import { lineageText, lineageTitle } from "../run/lineage.js";
import "./lineage.css";

const LIMIT = 50;

// `phases`: {phase: n} for the block (GET /api/runs/{id} blocks[block]).
// `on.pick(row)`: a child was chosen ({uuid, phase, error, ...}, or {uuid} when typed).
export function childrenPicker({ runId, block, phases, selected, on }) {
  let offset = 0;
  let phase = "";
  let ticket = 0;
  let alive = true;
  let current = selected;
  const all = Object.values(phases || {}).reduce((a, b) => a + b, 0);
  const filter = h(
    "select.children-filter",
    {
      "aria-label": "filter children by phase",
      on: {
        change: () => {
          phase = filter.value;
          load(0);
        },
      },
    },
    h("option", { value: "" }, `all (${count(all)})`),
    Object.entries(phases || {}).map(([name, n]) =>
      h("option", { value: name }, `${name.replace("_", " ")} (${count(n)})`),
    ),
  );
  const jump = h("input.children-jump", {
    placeholder: `go to ${block}:0…`,
    "aria-label": "go to child",
    spellcheck: false,
    on: {
      keydown: (e) => {
        if (e.key === "Enter" && jump.value.trim()) on.pick({ uuid: jump.value.trim() });
      },
    },
  });
  const list = h("ol.insp-child-list", { "data-testid": "inspector-children" });
  const range = h("span.pager-range");
  const prev = h(
    "button.pager-btn",
    { title: "previous children", "aria-label": "previous children", on: { click: () => load(offset - LIMIT) } },
    "‹",
  );
  const next = h(
    "button.pager-btn",
    { title: "next children", "aria-label": "next children", on: { click: () => load(offset + LIMIT) } },
    "›",
  );
  const el = h(
    "div.insp-children",
    {},
    h("div.insp-section-title", {}, "Children", h("span.muted", {}, ` · ${count(all)}`)),
    h("div.children-tools", {}, filter, jump),
    list,
    h("div.children-pager", {}, prev, range, next),
  );

  function row(item) {
    const duration = item.started_t && item.finished_t ? fmtDuration(item.finished_t - item.started_t) : "";
    const button = h(
      "button.insp-child",
      {
        dataset: { uuid: item.uuid },
        title: [
          item.error ? `${item.error.type}: ${item.error.message}` : item.reason || item.phase,
          lineageTitle(item),
        ]
          .filter(Boolean)
          .join("\n"),
        "aria-current": item.uuid === current ? "true" : null,
        on: {
          click: () => {
            current = item.uuid;
            mark();
            on.pick(item);
          },
        },
      },
      h(`span.phase-dot.phase-${item.phase}`),
      h("span.child-uuid", {}, item.uuid),
      lineageText(item) ? h("span.child-lineage", {}, `← ${lineageText(item)}`) : null,
      h(
        "span.child-facts",
        {},
        item.items_out != null ? `${count(item.items_out)} out` : "",
        duration ? ` · ${duration}` : "",
      ),
    );
    return h("li", {}, button);
  }

  // Scroll the list (only the list: never the page or the dock around it) to the selection.
  function reveal() {
    const at = list.querySelector('[aria-current="true"]');
    if (!at) return;
    const top = at.offsetTop; // the list is positioned: offsets are relative to it
    if (top < list.scrollTop || top + at.offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTop = top - list.clientHeight / 2;
    }
  }

  function mark() {
    for (const b of list.querySelectorAll("button.insp-child"))
      b.setAttribute("aria-current", String(b.dataset.uuid === current));
  }

  async function load(at) {
    const mine = ++ticket;
    offset = Math.max(0, at);
    const query = { offset, limit: LIMIT };
    if (phase) query.phase = phase;
    try {
      const page = await api.children(runId, block, query);
      if (!alive || mine !== ticket) return;
      list.replaceChildren(...page.items.map(row));
      if (!page.items.length)
        list.append(h("li.muted.children-none", {}, phase ? `no ${phase} children` : "no children yet"));
      range.textContent = page.total
        ? `${count(offset + 1)}–${count(offset + page.items.length)} of ${count(page.total)}`
        : "";
      reveal();
      prev.disabled = offset === 0;
      next.disabled = offset + LIMIT >= page.total;
    } catch (err) {
      if (alive && mine === ticket) list.replaceChildren(h("li.error-box", {}, err.message));
    }
  }

  load(0);
  return {
    el,
    select(uuid) {
      current = uuid;
      mark();
    },
    destroy() {
      alive = false;
    },
  };
}
