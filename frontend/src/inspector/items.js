// The stored items of one block run, a page at a time, with the output's metadata.
import { api } from "../core/api.js";
import { h } from "../core/dom.js";
import { count, pageView } from "../notebook/preview.js";
import { keptNotice, metaView } from "./meta.js";

const SIZES = [10, 20, 50, 100, 200];
let preferredLimit = 20; // kept across inspectors while the page lives

function emptyText(uuid, phase) {
  if (phase === "failed") return `Nothing was stored: ${uuid} failed (its traceback is beside).`;
  if (phase === "upstream_failed") return `Nothing was stored: ${uuid} did not run because an upstream block failed.`;
  if (phase === "cancelled") return `Nothing was stored: ${uuid} was cancelled.`;
  return "This block run stored no items.";
}

// `phase`: the block run's phase, to say why nothing was stored.
export function itemsPane({ runId, block, uuid, phase }) {
  let offset = 0;
  let limit = preferredLimit;
  let total = 0;
  let ticket = 0;
  let alive = true;
  const meta = h("div.insp-meta-slot");
  const notice = h("div.insp-notice-slot");
  const range = h("span.pager-range", { "data-testid": "pager-range" });
  const btn = (label, title, go) =>
    h("button.pager-btn", { title, "aria-label": title, on: { click: () => go() } }, label);
  const first = btn("«", "first page", () => load(0));
  const prev = btn("‹ Prev", "previous page", () => load(offset - limit));
  const next = btn("Next ›", "next page", () => load(offset + limit));
  const last = btn("»", "last page", () => load(Math.floor((total - 1) / limit) * limit));
  const size = h(
    "select.pager-size",
    {
      "aria-label": "page size",
      on: {
        change: () => {
          limit = preferredLimit = Number(size.value);
          load(Math.floor(offset / limit) * limit);
        },
      },
    },
    SIZES.map((n) => h("option", { value: String(n), selected: n === limit }, `${n} / page`)),
  );
  const pager = h("div.insp-pager", {}, first, prev, range, next, last, h("span.spacer"), size);
  const body = h("div.insp-items", { "data-testid": "output-items" });
  const el = h("div.insp-output", {}, meta, notice, pager, body);

  function indexer(page) {
    // With a sample kept, the last stored item is the output's last item.
    const sampled = page.meta && page.meta.kept === "sample" && page.total < page.meta.count;
    return (i) => (sampled && offset + i === page.total - 1 ? page.meta.count - 1 : offset + i);
  }

  async function load(at) {
    const mine = ++ticket;
    offset = Math.max(0, at);
    el.classList.add("loading");
    try {
      const page = await api.outputs(runId, block, uuid, { offset, limit });
      if (!alive || mine !== ticket) return;
      total = page.total;
      meta.replaceChildren(page.meta ? metaView(page.meta) : "");
      notice.replaceChildren(...[page.meta && keptNotice(page.meta)].filter(Boolean));
      const shown = Math.min(limit, Math.max(0, total - offset));
      range.textContent = total
        ? `items ${count(offset + 1)}–${count(offset + shown)} of ${count(total)}${total < (page.meta?.count ?? total) ? " stored" : ""}`
        : "no items stored";
      first.disabled = prev.disabled = offset === 0;
      next.disabled = last.disabled = offset + limit >= total;
      pager.hidden = total <= SIZES[0] && offset === 0 && limit >= total;
      body.replaceChildren(
        total ? pageView(page.preview, { indexOf: indexer(page) }) : h("div.insp-empty", {}, emptyText(uuid, phase)),
      );
    } catch (err) {
      if (!alive || mine !== ticket) return;
      meta.replaceChildren();
      notice.replaceChildren();
      pager.hidden = true;
      body.replaceChildren(
        h(
          "div.insp-empty",
          {},
          err.status === 404 ? `No stored output. ${err.message}` : `Could not load the output: ${err.message}`,
        ),
      );
    } finally {
      if (mine === ticket) el.classList.remove("loading");
    }
  }

  load(0);
  return {
    el,
    reload: () => load(offset),
    destroy: () => {
      alive = false;
    },
  };
}
