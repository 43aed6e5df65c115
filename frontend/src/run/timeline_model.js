// What the timeline draws: one lane per block. A block that runs once is a span (running ->
// terminal), kept up to date from its live `phase` events. A replicated block's children are
// never sent one by one (docs/dataflow.md, Telemetry: per block): GET /api/runs/{id}/timeline gives, per block, how
// many children ran in each time bucket, which the run view fetches every second or two. So
// 10,000 children cost a few hundred numbers per lane. The first child failures are pushed
// live and drawn as red ticks.

import { TERMINAL_PHASE } from "../core/protocol.gen.js";

/** @typedef {import("../core/protocol.gen.js").ClientMessage} ClientMessage */
/** @typedef {import("../core/protocol.gen.js").TerminalPhase} TerminalPhase */

// The colour of a lane's span: 0 running, 1 succeeded, 2 failed, 3 cancelled or skipped.
/** @type {Record<TerminalPhase | "running", number>} */
const OUTCOME = { running: 0, succeeded: 1, failed: 2, upstream_failed: 2, cancelled: 3, skipped: 3 };
/** @type {ReadonlySet<string>} */
const TERMINAL = new Set(TERMINAL_PHASE);

export class TimelineModel {
  constructor() {
    this.lanes = new Map(); // block -> {block, start, end, outcome, density, failures: [t]}
    this.t0 = null; // ms since the epoch
    this.t1 = null; // the run's end, once known
  }

  lane(block) {
    let lane = this.lanes.get(block);
    if (!lane) {
      lane = { block, start: NaN, end: NaN, outcome: 0, density: null, failures: [] };
      this.lanes.set(block, lane);
    }
    return lane;
  }

  // A live event: a run or block phase change, or one of the first child failures.
  /** @param {ClientMessage} ev */
  add(ev) {
    if (ev.type !== "event") return;
    if (ev.kind === "run") {
      if (ev.to === "running" && (this.t0 === null || ev.t < this.t0)) this.t0 = ev.t;
      if (ev.to !== "running" && ev.to !== "created") this.t1 = ev.t;
      return;
    }
    if (ev.kind !== "phase") return;
    const lane = this.lane(ev.block);
    if (ev.uuid && ev.uuid !== ev.block) {
      if (ev.to === "failed" && lane.failures.length < 2000) lane.failures.push(ev.t);
      return;
    }
    if (ev.to === "running") lane.start = ev.t;
    else if (TERMINAL.has(ev.to)) {
      lane.end = ev.t;
      lane.outcome = OUTCOME[ev.to];
      if (Number.isNaN(lane.start)) lane.start = ev.t;
    }
    if (this.t0 === null || ev.t < this.t0) this.t0 = ev.t;
  }

  // GET /api/runs/{id}/timeline: {t0, t1, buckets, lanes: [{block, spans, children, failed,
  // running: [count per bucket], max_running}]}, times in seconds.
  setServer(data) {
    if (!data || data.t0 === null) return;
    const t0 = data.t0 * 1000;
    const t1 = data.t1 * 1000;
    if (this.t0 === null || t0 < this.t0) this.t0 = t0;
    for (const l of data.lanes) {
      const lane = this.lane(l.block);
      const span = l.spans[0];
      if (span) {
        if (span[0] !== null && Number.isNaN(lane.start)) lane.start = span[0] * 1000;
        if (span[1] !== null && Number.isNaN(lane.end)) {
          lane.end = span[1] * 1000;
          lane.outcome = OUTCOME[span[2]] || 0;
        }
      }
      if (l.children) {
        lane.density = { t0, t1, running: l.running, max: l.max_running, children: l.children, failed: l.failed };
      }
    }
  }

  summary(lane) {
    const d = lane.density;
    return d ? { total: d.children, failed: Math.max(d.failed, lane.failures.length), max: d.max } : null;
  }

  // The latest time the model knows of (for the axis of a run that has ended).
  lastEnd() {
    let last = 0;
    for (const lane of this.lanes.values()) {
      if (!Number.isNaN(lane.end)) last = Math.max(last, lane.end);
      if (lane.density) last = Math.max(last, lane.density.t1);
    }
    return last;
  }
}
