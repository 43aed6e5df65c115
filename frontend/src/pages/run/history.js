// What the run view loads besides live state: the run's past phase events (for the
// timeline, paged 5,000 at a time) and its deadlock, if any; and which graph to draw.
import { api } from "../../core/api.js";
import { graphFromTelemetry } from "../../graph/model.js";

const PAGE = 5000;

export async function loadHistory(runId) {
  const phases = [];
  let after = 0;
  for (;;) {
    const page = await api.events(runId, { kind: "phase", after_seq: after, limit: PAGE }).catch(() => ({ items: [] }));
    phases.push(...page.items);
    if (page.items.length < PAGE) break;
    after = page.items[page.items.length - 1].seq;
  }
  const deadlocks = await api.events(runId, { kind: "deadlock", limit: 5 }).catch(() => ({ items: [] }));
  return { phases, deadlock: deadlocks.items[deadlocks.items.length - 1] || null };
}

// The pipeline as it is now, unless the run's telemetry names blocks or edges it no longer
// has (it changed since the run): then the graph the run actually had.
export function chooseGraph(base, state) {
  if (!state || !Object.keys(state.blocks || {}).length) return base;
  if (!base) return graphFromTelemetry(state, null);
  const ids = new Set(base.edges.map((e) => e.id));
  const same = Object.keys(state.blocks).every((b) => base.blocks.has(b)) && Object.keys(state.edges || {}).every((e) => ids.has(e));
  return same ? base : graphFromTelemetry(state, base);
}
