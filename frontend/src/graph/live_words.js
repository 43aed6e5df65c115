// The words the live graph shows, made true to the whole frame rather than to one field:
//  - a block's chip follows its phase once the phase is final (a phase event can arrive
//    before the telemetry that ends the activity: a succeeded block never reads "1 busy");
//    a block a re-run took from the earlier run reads "reused";
//  - an edge is not "done" (nor "upstream done") while the block feeding it still runs or
//    still makes children: the per-child edges of a dynamic or replicated block close one by
//    one long before the block has produced its last item;
//  - an edge into a reused block reads "reused", not "cancelled · 9 dropped": the re-run
//    did not need those items. The kernel names a reused block (`reason: "reused"`) only
//    when it replays the block itself; a replicated block whose children were all replayed
//    is known by what it did: it succeeded, read nothing, and its inputs' items were
//    discarded (withReused).
import { TERMINAL_PHASE } from "../core/protocol.gen.js";
import { prettyLabel } from "./tone.js";
import { short } from "./fmt.js";

/** @type {ReadonlySet<string>} */
const TERMINAL = new Set(TERMINAL_PHASE);

export function isReused(t) {
  return !!t && t.reason === "reused" && TERMINAL.has(t.phase);
}

export function isFinal(t) {
  return !!t && TERMINAL.has(t.phase);
}

// The chip text of a block's live telemetry `t`.
export function blockWord(t) {
  if (!t) return "not started";
  if (isReused(t)) return "reused";
  if (TERMINAL.has(t.phase)) return prettyLabel(null, t.phase);
  // Counts in the label are abbreviated like every number on the graph ("2.0k busy").
  const word = prettyLabel(t.label, t.phase).replace(/\d{4,}/g, (n) => short(Number(n)));
  // A label left from an ended phase (the other way round) is not shown either.
  return TERMINAL.has(word.replace(/ /g, "_")) ? prettyLabel(null, t.phase) : word;
}

// Whether block telemetry `t` still produces: not in a final phase, or children still to make.
export function stillProducing(t) {
  if (!t || !t.phase) return false;
  if (!TERMINAL.has(t.phase)) return true;
  const c = t.children;
  return !!c && (!c.final || (c.running || 0) > 0 || (c.queued || 0) > 0);
}

// The state word of edge telemetry `e`, given its producer's and consumer's telemetry.
export function edgeWord(e, producer, consumer) {
  if (isReused(consumer)) return "reused";
  const state = e.state || "";
  if ((state === "done" || state === "upstream_done") && stillProducing(producer) && !isFinal(consumer))
    return "active";
  return state.replace(/_/g, " ");
}

// The blocks of live `state`, a block that a re-run reused marked so (`reason: "reused"`):
// succeeded, read no item, and an input edge discarded what it was offered.
export function withReused(state) {
  const blocks = { ...(state.blocks || {}) };
  const discarding = new Set();
  for (const [id, e] of Object.entries(state.edges || {})) {
    if (e && e.total && e.total.discarded > 0) discarding.add(id.split("->")[1].split(".")[0]);
  }
  for (const [name, t] of Object.entries(blocks)) {
    if (!t || t.phase !== "succeeded" || t.reason === "reused") continue;
    if (!(t.io && t.io.items_in) && discarding.has(name)) blocks[name] = { ...t, reason: "reused" };
  }
  return blocks;
}
