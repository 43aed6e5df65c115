// One edge as SVG: an orthogonal path with rounded corners and an arrow, a wide invisible
// stroke to click on, and a gauge in the label box ELK reserved: the resolved buffer mode in
// the editor; the buffer fill bar, items through and spill in a live run (docs/dataflow.md, Telemetry: per edge).
import { s, fmtBytes } from "../core/dom.js";
import { GAUGE_W, GAUGE_H } from "./layout.js";
import { clip, short, textWidth } from "./fmt.js";
import { edgeWord } from "./live_words.js";

const BAR_X = 8;
const BAR_W = GAUGE_W - 16;
const TOP_SIZE = 11.5; // graph.css .gauge-top / .gauge-right
const BOTTOM_SIZE = 11; // graph.css .gauge-bottom

// The drawn width of an SVG text (estimated while the graph is not rendered, e.g. hidden).
function measure(el, size, bold = false) {
  const drawn = el.textContent ? el.getComputedTextLength() : 0;
  return drawn > 0 ? drawn : textWidth(el.textContent || "", size, bold);
}

export function pathOf(points, radius = 8) {
  if (!points.length) return "";
  let d = `M${points[0].x},${points[0].y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const [a, b, c] = [points[i - 1], points[i], points[i + 1]];
    const r = Math.min(radius, Math.hypot(b.x - a.x, b.y - a.y) / 2, Math.hypot(c.x - b.x, c.y - b.y) / 2);
    const p1 = toward(b, a, r);
    const p2 = toward(b, c, r);
    d += ` L${p1.x},${p1.y} Q${b.x},${b.y} ${p2.x},${p2.y}`;
  }
  const last = points[points.length - 1];
  return d + ` L${last.x},${last.y}`;
}

function toward(from, to, r) {
  const len = Math.hypot(to.x - from.x, to.y - from.y) || 1;
  return { x: from.x + ((to.x - from.x) * r) / len, y: from.y + ((to.y - from.y) * r) / len };
}

export function fillLevel(ratio) {
  return ratio > 0.85 ? "red" : ratio > 0.6 ? "yellow" : "green";
}

// -> {g, update(telemetry), setPlan(planEdge)}
export function drawEdge(edge, route) {
  const d = pathOf(route.points);
  const g = s("g", { class: edge.broken ? "edge edge-broken" : "edge", "data-edge": edge.id });
  const hit = s("path", { class: "edge-hit", d });
  const line = s("path", { class: "edge-line", d, "marker-end": "url(#sg-arrow)" });
  g.append(hit, line);
  const box = route.label;
  const gauge = s("g", { class: "gauge", transform: `translate(${box.x},${box.y})` });
  const title = s("title", {}, edge.id);
  const top = s("text", { class: "gauge-top", x: BAR_X, y: 13 });
  const right = s("text", { class: "gauge-right", x: GAUGE_W - 8, y: 13, "text-anchor": "end" });
  const track = s("rect", { class: "gauge-track", x: BAR_X, y: 18, width: BAR_W, height: 7, rx: 3.5 });
  const fill = s("rect", { class: "gauge-fill level-green", x: BAR_X, y: 18, width: 0, height: 7, rx: 3.5 });
  const bottom = s("text", { class: "gauge-bottom", x: BAR_X, y: 34 });
  gauge.append(
    title,
    s("rect", { class: "gauge-bg", width: GAUGE_W, height: GAUGE_H, rx: 6 }),
    top,
    right,
    track,
    fill,
    bottom,
  );
  g.append(gauge);

  const set = (el, text) => {
    if (el.textContent !== text) el.textContent = text;
  };
  let level = "level-green";
  const setLevel = (next) => {
    if (next !== level) {
      fill.classList.replace(level, next);
      level = next;
    }
  };
  return {
    g,
    // A new route (a node was dragged): the line and the gauge move with it.
    setRoute(next) {
      const path = pathOf(next.points);
      hit.setAttribute("d", path);
      line.setAttribute("d", path);
      if (next.label) gauge.setAttribute("transform", `translate(${next.label.x},${next.label.y})`);
    },
    // Editor: the port's resolved mode and capacity, with where they come from.
    setPlan(plan) {
      const mode = plan && plan.buffering_mode ? plan.buffering_mode.value : "default";
      const rows = plan && plan.rows_per_buffer ? plan.rows_per_buffer.value : null;
      const exchange = plan && plan.exchange ? plan.exchange.value : "pipelined";
      g.classList.toggle("mode-full", mode === "full");
      fill.setAttribute("width", 0);
      set(top, mode === "full" ? "full (spills)" : `limited`);
      set(right, mode === "full" ? "∞" : rows ? `cap ${short(rows * 4)}` : "auto");
      const source = plan ? ` · ${plan.buffering_mode.source}` : "";
      const line = `${exchange === "blocking" ? "batch" : "stream"}${source}`;
      set(bottom, line.length > 19 ? `${line.slice(0, 18)}…` : line);
      title.textContent =
        `${edge.id}\nbuffering_mode: ${mode}${plan ? ` (${plan.buffering_mode.source})` : ""}` +
        (rows ? `\nrows_per_buffer: ${rows} (${plan.rows_per_buffer.source}) → capacity ${rows * 4} items` : "");
    },
    // Live: fill / capacity as a bar, green ≤ 60 %, yellow ≤ 85 %, red above. `producer`
    // and `consumer`: the telemetry of the blocks at either end (live_words.js).
    update(t, producer, consumer) {
      if (!t) {
        set(top, "–");
        set(right, "");
        set(bottom, "no live data");
        fill.setAttribute("width", 0);
        return;
      }
      const fillNow = t.fill || {};
      const total = t.total || {};
      const word = edgeWord(t, producer, consumer);
      const reused = word === "reused";
      g.dataset.state = t.state || "";
      g.dataset.word = word;
      g.dataset.fill = fillNow.items || 0;
      g.dataset.through = total.items_in || 0;
      let topText;
      if (t.capacity) {
        const ratio = fillNow.ratio ?? (t.capacity.items ? fillNow.items / t.capacity.items : 0);
        fill.setAttribute("width", Math.max(ratio > 0 ? 3 : 0, Math.min(1, ratio) * BAR_W));
        setLevel(`level-${fillNow.level || fillLevel(ratio)}`);
        topText = `${short(fillNow.items || 0)} / ${short(t.capacity.items)}`;
        g.classList.remove("mode-full");
      } else {
        const spilled = (t.spilled && t.spilled.items) || 0;
        fill.setAttribute("width", fillNow.items ? Math.min(BAR_W, 3 + Math.log10(1 + fillNow.items) * 14) : 0);
        setLevel(spilled ? "level-spill" : "level-full");
        topText = `full · ${short(fillNow.items || 0)}`;
        g.classList.add("mode-full");
      }
      // Top left: the buffer; top right: items through. They share 104 px: the right one
      // loses its " in", then goes, before the two could touch.
      const through = short(total.items_in || 0);
      set(top, clip(topText, GAUGE_W - 2 * BAR_X, TOP_SIZE, true));
      const room = GAUGE_W - 2 * BAR_X - measure(top, TOP_SIZE, true) - 6;
      set(right, `${through} in`);
      if (measure(right, TOP_SIZE) > room) set(right, through);
      if (measure(right, TOP_SIZE) > room) set(right, "");
      const spill = t.spilled && t.spilled.items ? ` · spilled ${short(t.spilled.items)}` : "";
      const discarded = total.discarded && !reused ? ` · ${short(total.discarded)} dropped` : "";
      const live = word === "active" || word === "ready" || word === "upstream done";
      const bp = live && (t.bp_frac || 0) > 0.05 ? ` · bp ${Math.round(t.bp_frac * 100)}%` : "";
      const line = `${t.exchange === "blocking" ? "batch · " : ""}${word}${spill}${discarded}${bp}`;
      set(bottom, clip(line, GAUGE_W - 2 * BAR_X, BOTTOM_SIZE));
      g.classList.toggle("edge-bp", (t.bp_frac || 0) > 0.5);
      title.textContent =
        `${edge.id}\nmode: ${t.mode} (${t.mode_source})\nstate: ${word}` +
        (word !== t.state.replace(/_/g, " ") ? ` (this edge's channels: ${t.state})` : "") +
        `\nfill: ${fillNow.items || 0} items, ${fmtBytes(fillNow.bytes || 0)}` +
        (t.capacity ? ` of ${t.capacity.items} items / ${fmtBytes(t.capacity.bytes)}` : " (full: no limit)") +
        `\nthrough: ${total.items_in || 0} in, ${total.items_out || 0} out` +
        `\nback pressure: ${Math.round((t.bp_frac || 0) * 100)} % of the window` +
        (t.spilled && t.spilled.items ? `\nspilled: ${t.spilled.items} items, ${fmtBytes(t.spilled.bytes)}` : "") +
        (total.discarded
          ? `\ndiscarded: ${total.discarded} items${reused ? " (the re-run reused the block they were for)" : ""}`
          : "");
    },
  };
}

export function arrowDefs() {
  return s(
    "defs",
    {},
    s(
      "marker",
      {
        id: "sg-arrow",
        viewBox: "0 0 10 10",
        refX: 9,
        refY: 5,
        markerWidth: 7,
        markerHeight: 7,
        orient: "auto-start-reverse",
      },
      s("path", { d: "M0,1 L9,5 L0,9 z", class: "edge-arrow" }),
    ),
    s(
      "pattern",
      { id: "sg-dots", width: 20, height: 20, patternUnits: "userSpaceOnUse" },
      s("circle", { cx: 1, cy: 1, r: 1, class: "grid-dot" }),
    ),
  );
}
