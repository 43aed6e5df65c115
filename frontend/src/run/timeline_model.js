// What the timeline draws, built from `phase` events (history, then live): one lane per
// block. A block that runs once has one interval (running -> terminal). A replicated block's
// children are kept in typed arrays (start, end, outcome), never as objects or DOM nodes, so
// 10,000 children cost a few hundred kilobytes and one pass per redraw.
// Events may arrive twice or out of order (history page and live stream overlap): every
// update is idempotent.

const TERMINAL = { succeeded: 1, failed: 2, cancelled: 3, upstream_failed: 2, skipped: 3 };
export const OUTCOME = { running: 0, ok: 1, bad: 2, cancelled: 3 };

class ChildSet {
  constructor() {
    this.n = 0;
    // Counted as events arrive (each child counted once per state, whatever the order).
    this.running = 0;
    this.ended = [0, 0, 0, 0]; // by outcome: -, ok, bad, cancelled
    this.index = new Map();
    this.start = new Float64Array(64);
    this.end = new Float64Array(64);
    this.outcome = new Uint8Array(64);
  }

  slot(uuid) {
    let i = this.index.get(uuid);
    if (i !== undefined) return i;
    i = this.n++;
    if (i >= this.start.length) this.grow();
    this.start[i] = NaN;
    this.end[i] = NaN;
    this.outcome[i] = 0;
    this.index.set(uuid, i);
    return i;
  }

  grow() {
    const size = this.start.length * 2;
    for (const key of ["start", "end"]) { const a = new Float64Array(size); a.set(this[key]); this[key] = a; }
    const o = new Uint8Array(size); o.set(this.outcome); this.outcome = o;
  }
}

export class TimelineModel {
  constructor() {
    this.lanes = new Map(); // block -> {block, start, end, outcome, children: ChildSet|null}
    this.t0 = null;
    this.t1 = null; // the run's end, once known
    this.version = 0;
  }

  lane(block) {
    let lane = this.lanes.get(block);
    if (!lane) {
      lane = { block, start: NaN, end: NaN, outcome: 0, children: null };
      this.lanes.set(block, lane);
    }
    return lane;
  }

  add(ev) {
    if (ev.kind === "run") {
      if (ev.to === "running" && (this.t0 === null || ev.t < this.t0)) this.t0 = ev.t;
      if (ev.to !== "running" && ev.to !== "created") this.t1 = ev.t;
      this.version++;
      return;
    }
    if (ev.kind !== "phase") return;
    const lane = this.lane(ev.block);
    const terminal = TERMINAL[ev.to];
    if (this.t0 === null || ev.t < this.t0) this.t0 = ev.t;
    if (ev.uuid && ev.uuid !== ev.block) {
      const set = lane.children || (lane.children = new ChildSet());
      const i = set.slot(ev.uuid);
      if (ev.to === "running") {
        if (Number.isNaN(set.start[i]) && set.outcome[i] === 0) set.running++;
        set.start[i] = ev.t;
      } else if (terminal && set.outcome[i] === 0) {
        if (!Number.isNaN(set.start[i])) set.running--;
        set.end[i] = ev.t;
        set.outcome[i] = terminal;
        set.ended[terminal]++;
        if (Number.isNaN(set.start[i]) && ev.from === "running") set.start[i] = ev.t;
      }
    } else if (ev.to === "running") {
      lane.start = ev.t;
    } else if (terminal) {
      lane.end = ev.t;
      lane.outcome = terminal;
    }
    this.version++;
  }

  // Children running in each of `width` columns over [from, to]: Int32Array(width).
  density(lane, from, to, width, now) {
    const set = lane.children;
    const diff = new Int32Array(width + 1);
    if (!set) return diff;
    const scale = width / Math.max(1, to - from);
    for (let i = 0; i < set.n; i++) {
      const s = set.start[i];
      if (Number.isNaN(s)) continue;
      const e = Number.isNaN(set.end[i]) ? now : set.end[i];
      const x0 = Math.max(0, Math.min(width - 1, Math.floor((s - from) * scale)));
      const x1 = Math.max(x0, Math.min(width - 1, Math.floor((e - from) * scale)));
      diff[x0]++;
      diff[x1 + 1]--;
    }
    let run = 0;
    for (let x = 0; x < width; x++) { run += diff[x]; diff[x] = run; }
    return diff.subarray(0, width);
  }

  // Failure times of a lane's children (for red ticks).
  failures(lane) {
    const out = [];
    const set = lane.children;
    if (!set) return out;
    for (let i = 0; i < set.n && out.length < 2000; i++) if (set.outcome[i] === 2) out.push(set.end[i]);
    return out;
  }

  summary(lane) {
    const set = lane.children;
    if (!set) return null;
    return { total: set.n, done: set.ended[1], failed: set.ended[2], cancelled: set.ended[3], running: set.running };
  }
}
