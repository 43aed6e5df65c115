// The run's bottleneck verdict in the run summary: which block held the run back, the
// kernel's numbers that say so, and the setting to change (report.bottleneck, written by
// the kernel when the run ends: server kernel/bottleneck.py).
import { h } from "../core/dom.js";

const REASONS = {
  small_children: "many tiny children",
  concurrency_limit: "children at their concurrency cap",
  cpu_bound_threads: "CPU-bound on threads",
  pending_limit: "pending children limit",
  blocking_block: "fully blocking block",
  slow_consumer: "slow consumer",
  slow_source: "slow source",
  busy: "busiest block",
};

// `code` spans of the kernel's text become <code>, the rest stays text.
function withCode(text) {
  return String(text)
    .split("`")
    .map((part, i) => (i % 2 ? h("code", {}, part) : part));
}

export function bottleneckSection(report) {
  const verdict = report && report.bottleneck;
  if (!verdict) return null;
  return h(
    "section.panel-section.bottleneck",
    { "data-testid": "bottleneck", "data-block": verdict.block, "data-reason": verdict.reason },
    h("h3", {}, "Bottleneck"),
    h(
      "div.bottleneck-head",
      {},
      h("span.mono", {}, verdict.block),
      h("span.muted", {}, REASONS[verdict.reason] || verdict.reason),
    ),
    h("p.bottleneck-evidence", {}, withCode(verdict.evidence)),
    h(
      "ul.bottleneck-fixes",
      {},
      (verdict.suggestions || []).map((text) => h("li", {}, withCode(text))),
    ),
  );
}
