// The timeline of block and child runs, on a canvas: one lane per block in graph order. A
// block that runs once is a bar; a replicated block's children are drawn as how many run at
// each moment (an area), so stream mode shows lanes overlapping and batch mode shows them
// one after the other. Redraws are throttled; the children come as counts per time bucket.
import { h } from "../core/dom.js";
import { toneColor } from "../graph/tone.js";

const LANE_H = 28;
const AXIS_H = 22;
const LABEL_W = 170;
const MIN_BAR = 6; // a block that ran for a few ms still gets a bar one can see and hover
const STEPS = [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];

function fmtTick(s) {
  if (s >= 60) return `${Math.floor(s / 60)}m${s % 60 ? ` ${Math.round(s % 60)}s` : ""}`;
  return s < 1 ? `${Math.round(s * 1000)}ms` : `${+s.toFixed(2)}s`;
}

export class Timeline {
  /** @param {HTMLElement} root @param {{onSelect?: (block: string) => void}} [options] */
  constructor(root, { onSelect } = {}) {
    this.onSelect = onSelect;
    this.order = [];
    this.model = null;
    this.run = { running: false };
    /** @type {Record<string, {bar?: string, w?: number, area?: string}>} */
    this.drawn = {};
    this.canvas = h("canvas.timeline-canvas");
    this.tip = h("div.timeline-tip", { hidden: true });
    this.note = h("div.timeline-note");
    this.el = h(
      "div.timeline",
      { "data-testid": "timeline" },
      h(
        "div.timeline-head",
        {},
        h("span.timeline-title", {}, "Timeline"),
        this.note,
        h(
          "span.timeline-legend",
          {},
          legend("busy", "running"),
          legend("ok", "succeeded"),
          legend("bad", "failed"),
          legend("cancelled", "cancelled"),
        ),
      ),
      h("div.timeline-scroll", {}, this.canvas, this.tip),
    );
    root.append(this.el);
    this.colors = {};
    this.canvas.addEventListener("mousemove", (ev) => this.hover(ev));
    this.canvas.addEventListener("mouseleave", () => {
      this.tip.hidden = true;
    });
    this.canvas.addEventListener("click", (ev) => {
      const lane = this.laneAt(ev.offsetY);
      if (lane && this.onSelect) this.onSelect(lane);
    });
    new ResizeObserver(() => this.draw()).observe(this.el);
    this.timer = setInterval(() => {
      if (this.run.running || this.dirty) this.draw();
    }, 250);
  }

  setOrder(order) {
    this.order = order;
    this.dirty = true;
  }
  setModel(model) {
    this.model = model;
    this.dirty = true;
  }
  setRun(run) {
    this.run = run;
    this.dirty = true;
  }
  invalidate() {
    this.dirty = true;
  }
  // The replayed moment (ms since the epoch), drawn as a solid line; null: none.
  setCursor(t) {
    this.cursor = t;
    this.dirty = true;
  }

  lanes() {
    if (!this.model) return [];
    const names = [...this.order, ...[...this.model.lanes.keys()].filter((n) => !this.order.includes(n))];
    return names.map(
      (n) => this.model.lanes.get(n) || { block: n, start: NaN, end: NaN, outcome: 0, density: null, failures: [] },
    );
  }

  range() {
    const m = this.model;
    const now = Date.now();
    const from = m && m.t0 !== null ? m.t0 : now;
    const end = this.run.running ? now : (m && m.t1) || (m && m.lastEnd()) || now;
    return { from, to: Math.max(end, from + 500), now: this.run.running ? now : end };
  }

  // How many time buckets to ask the server for: about one per 3 pixels.
  bucketsWanted() {
    const width = this.el.clientWidth || 1000;
    return Math.max(50, Math.min(500, Math.floor((width - LABEL_W - 16) / 3)));
  }

  draw() {
    this.dirty = false;
    const lanes = this.lanes();
    const width = this.el.clientWidth;
    if (!width) return;
    const height = AXIS_H + Math.max(1, lanes.length) * LANE_H + 6;
    const dpr = window.devicePixelRatio || 1;
    if (this.canvas.width !== width * dpr || this.canvas.height !== height * dpr) {
      this.canvas.width = width * dpr;
      this.canvas.height = height * dpr;
      this.canvas.style.width = `${width}px`;
      this.canvas.style.height = `${height}px`;
    }
    const ctx = this.canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    for (const tone of ["busy", "ok", "bad", "cancelled", "waiting"])
      this.colors[tone] = this.colors[tone] || toneColor(tone);
    const { from, to, now } = this.range();
    const plotW = Math.max(50, width - LABEL_W - 16);
    const x = (t) => LABEL_W + ((t - from) / (to - from)) * plotW;
    this.scale = { from, to, plotW, x };
    this.axis(ctx, from, to, plotW, height);
    ctx.font = "12px system-ui, sans-serif";
    let totalChildren = 0;
    // What each lane shows ({block: {bar, w, area}}), on the canvas as data-lanes: tests and
    // tools read the colours there, the canvas itself has no DOM to ask.
    this.drawn = {};
    lanes.forEach((lane, i) => {
      const top = AXIS_H + i * LANE_H;
      ctx.fillStyle = i % 2 ? "#fafbfc" : "#ffffff";
      ctx.fillRect(0, top, width, LANE_H);
      ctx.fillStyle = "#1d2330";
      ctx.textBaseline = "middle";
      const summary = this.model && this.model.summary(lane);
      if (!Number.isNaN(lane.start)) this.bar(ctx, lane, x, top, now);
      if (lane.density) this.area(ctx, lane, x, top);
      if (lane.failures.length) this.ticks(ctx, lane, x, top);
      ctx.fillStyle = "#1d2330";
      ctx.font = "12px system-ui, sans-serif";
      ctx.fillText(lane.block, 10, top + LANE_H / 2 - (summary ? 5 : 0), LABEL_W - 16);
      if (summary) {
        totalChildren += summary.total;
        ctx.fillStyle = summary.failed ? this.colors.bad : "#6b7385";
        ctx.font = "10.5px system-ui, sans-serif";
        const text = `${summary.total} runs · max ${summary.max} at once${summary.failed ? ` · ${summary.failed} failed` : ""}`;
        ctx.fillText(text, 10, top + LANE_H / 2 + 7, LABEL_W - 16);
      }
    });
    this.canvas.dataset.lanes = JSON.stringify(this.drawn);
    if (this.run.running) {
      ctx.strokeStyle = "rgba(47,111,222,.5)";
      ctx.setLineDash([3, 3]);
      ctx.beginPath();
      ctx.moveTo(x(now) + 0.5, AXIS_H);
      ctx.lineTo(x(now) + 0.5, height);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    if (this.cursor != null) {
      ctx.strokeStyle = "rgba(29,35,48,.85)";
      ctx.beginPath();
      ctx.moveTo(Math.round(x(this.cursor)) + 0.5, AXIS_H);
      ctx.lineTo(Math.round(x(this.cursor)) + 0.5, height);
      ctx.stroke();
    }
    this.canvas.dataset.cursor = this.cursor != null ? String(this.cursor) : "";
    this.note.textContent =
      this.model && this.model.t0 !== null
        ? `${fmtTick(Math.max(0, now - from) / 1000)}${totalChildren ? ` · ${totalChildren.toLocaleString()} child runs` : ""}`
        : "no block has run yet";
  }

  axis(ctx, from, to, plotW, height) {
    const seconds = (to - from) / 1000;
    const step = STEPS.find((s) => (s / seconds) * plotW >= 70) || 3600;
    ctx.font = "10.5px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    for (let s = 0; s <= seconds + 1e-9; s += step) {
      const px = Math.round(LABEL_W + (s / seconds) * plotW) + 0.5;
      ctx.strokeStyle = "#edf0f4";
      ctx.beginPath();
      ctx.moveTo(px, AXIS_H - 4);
      ctx.lineTo(px, height);
      ctx.stroke();
      ctx.fillStyle = "#8a93a5";
      ctx.fillText(fmtTick(s), px + 3, AXIS_H / 2);
    }
  }

  bar(ctx, lane, x, top, now) {
    const end = Number.isNaN(lane.end) ? now : lane.end;
    const tone = ["busy", "ok", "bad", "cancelled"][lane.outcome] || "busy";
    const x0 = x(lane.start);
    const w = Math.max(MIN_BAR, x(end) - x0);
    this.drawn[lane.block] = { ...this.drawn[lane.block], bar: tone, w: Math.round(w) };
    ctx.fillStyle = this.colors[tone];
    roundRect(ctx, x0, top + 8, w, LANE_H - 16, 3);
  }

  // Children running at once, per time bucket, as a step area scaled to the lane's maximum.
  // While the run runs it is the running colour; once it has ended, the block's outcome
  // (green when its children succeeded, red when the block failed; failed children keep
  // their red ticks either way).
  area(ctx, lane, x, top) {
    const d = lane.density;
    const tone = this.laneTone(lane);
    this.drawn[lane.block] = { ...this.drawn[lane.block], area: tone };
    if (!d.max) return; // children too quick for any bucket to count one running
    const n = d.running.length;
    const step = (d.t1 - d.t0) / n;
    const base = top + LANE_H - 4;
    const span = LANE_H - 8;
    ctx.fillStyle = this.colors[tone];
    ctx.globalAlpha = 0.75;
    ctx.beginPath();
    ctx.moveTo(x(d.t0), base);
    for (let i = 0; i < n; i++) {
      const y = base - (d.running[i] / d.max) * span;
      ctx.lineTo(x(d.t0 + i * step), y);
      ctx.lineTo(x(d.t0 + (i + 1) * step), y);
    }
    ctx.lineTo(x(d.t1), base);
    ctx.closePath();
    ctx.fill();
    ctx.globalAlpha = 1;
  }

  laneTone(lane) {
    if (this.run.running) return "busy";
    return ["ok", "ok", "bad", "cancelled"][lane.outcome] || "ok";
  }

  ticks(ctx, lane, x, top) {
    ctx.fillStyle = this.colors.bad;
    for (const t of lane.failures) ctx.fillRect(Math.round(x(t)), top + 3, 1.5, LANE_H - 6);
  }

  laneAt(y) {
    const i = Math.floor((y - AXIS_H) / LANE_H);
    const lanes = this.lanes();
    return i >= 0 && i < lanes.length ? lanes[i].block : null;
  }

  hover(ev) {
    const block = this.laneAt(ev.offsetY);
    if (!block || !this.scale || ev.offsetX < LABEL_W) {
      this.tip.hidden = true;
      return;
    }
    const { from, to, plotW } = this.scale;
    const t = from + ((ev.offsetX - LABEL_W) / plotW) * (to - from);
    const lane = this.model && this.model.lanes.get(block);
    const d = lane && lane.density;
    let running = "";
    if (d && t >= d.t0 && t < d.t1) {
      const i = Math.floor(((t - d.t0) / (d.t1 - d.t0)) * d.running.length);
      running = ` · ${d.running[i]} running`;
    }
    this.tip.textContent = `${block} at ${fmtTick((t - from) / 1000)}${running}`;
    this.tip.style.left = `${ev.offsetX + 12}px`;
    this.tip.style.top = `${ev.offsetY + 8}px`;
    this.tip.hidden = false;
  }

  destroy() {
    clearInterval(this.timer);
    this.el.remove();
  }
}

function legend(tone, text) {
  return h("span.legend-item", {}, h(`i.sw.tone-${tone}`), text);
}

function roundRect(ctx, x, y, w, h, r) {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, Math.min(r, w / 2));
  ctx.arcTo(x + w, y + h, x, y + h, Math.min(r, w / 2));
  ctx.arcTo(x, y + h, x, y, Math.min(r, w / 2));
  ctx.arcTo(x, y, x + w, y, Math.min(r, w / 2));
  ctx.closePath();
  ctx.fill();
}
