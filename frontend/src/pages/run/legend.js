// What the child counters on a dynamic or replicated block mean, shown under the graph of
// the run view (not only in a tooltip): "10/100+ ▸3 ✕1" and the bar beside it.
import { h } from "../../core/dom.js";

export function counterLegend() {
  const el = h(
    "div.counter-legend",
    { hidden: true, "data-testid": "counter-legend", "aria-label": "what the child counters mean" },
    h("span.legend-title", {}, "Children"),
    h("span.legend-entry", {}, h("b.c-done", {}, "10/12"), " done / expected"),
    h("span.legend-entry", {}, h("b.c-done", {}, "+"), " more to come"),
    h("span.legend-entry", {}, h("b.c-run", {}, "▸"), " running"),
    h("span.legend-entry", {}, h("b.c-bad", {}, "✕"), " failed or cancelled"),
  );
  return {
    el,
    // Shown when some block of the run has child counters.
    update(blocks) {
      el.hidden = !Object.values(blocks || {}).some((b) => b && b.children);
    },
  };
}
