// What the run view loads besides live state: the run's deadlock, if any (from its stored
// events, for a page opened after it); and which graph to draw.
import { api } from "../../core/api.js";
import { graphFromTelemetry } from "../../graph/model.js";

export async function loadDeadlock(runId) {
  const page = await api.events(runId, { kind: "deadlock", limit: 5 }).catch(() => ({ items: [] }));
  return page.items[page.items.length - 1] || null;
}

// The pipeline as it is now, unless the run's telemetry names blocks or edges it no longer
// has (it changed since the run): then the graph the run actually had.
export function chooseGraph(base, state) {
  if (!state || !Object.keys(state.blocks || {}).length) return base;
  if (!base) return graphFromTelemetry(state, null);
  const ids = new Set(base.edges.map((e) => e.id));
  const same =
    Object.keys(state.blocks).every((b) => base.blocks.has(b)) &&
    Object.keys(state.edges || {}).every((e) => ids.has(e));
  return same ? base : graphFromTelemetry(state, base);
}
