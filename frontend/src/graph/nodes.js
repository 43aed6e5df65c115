// One block as SVG: a card with its name, settings badges, input ports on the left, output
// ports on the right, and a body that shows either what the block is (editor) or what it is
// doing (live run: phase/activity chip, items in and out, child counters).
import { s } from "../core/dom.js";
import { HEADER_H, NODE_W, nodeHeight, portY } from "./layout.js";
import { KIND_LABEL } from "./model.js";

// How a block is called, as the server decided it (its plan facts' input_style).
const INPUT_STYLE_TEXT = {
  collect: "collect: one call with all items",
  stream: "stream: iterator per input",
  per_item: "one call per item",
};
import { toneOf } from "./tone.js";
import { blockWord } from "./live_words.js";
import { clip, short, shortBytes, textWidth } from "./fmt.js";

const CHIP_MAX = NODE_W - 24;

function badges(block) {
  const st = block.settings || {};
  const out = [];
  if (block.dynamic) out.push("dynamic");
  if (st.reduce_output) out.push("reduce");
  if (st.collect) out.push("collect");
  if (st.stream) out.push("stream");
  if (st.start_constraint) out.push("after");
  return out;
}

const CHIP_SIZE = 11.5; // graph.css .chip text (bold)
const LINE_SIZE = 12; // graph.css .node-line

function chip(x, y) {
  const g = s("g", { class: "chip", transform: `translate(${x},${y})` });
  const rect = s("rect", { height: 20, rx: 10, width: 40 });
  const text = s("text", { x: 10, y: 14 });
  const title = s("title");
  g.append(title, rect, text);
  return {
    g,
    // `max`: the room left beside it (the "holds" text shares the row).
    set(label, max = CHIP_MAX) {
      const shown = clip(label, max - 20, CHIP_SIZE, true);
      if (text.textContent !== shown) {
        text.textContent = shown;
        title.textContent = label;
        rect.setAttribute("width", Math.min(max, textWidth(shown, CHIP_SIZE, true) + 20));
      }
    },
  };
}

function warningMark(block) {
  const lines = [...(block.error ? [block.error.message] : []), ...block.warnings.map((w) => w.message)];
  if (!lines.length) return null;
  const bad = !!block.error;
  const g = s(
    "g",
    { class: `node-flag ${bad ? "flag-error" : "flag-warn"}`, transform: `translate(${NODE_W - 12},-8)` },
    s("title", {}, lines.join("\n")),
    s("circle", { r: 9 }),
    s(
      "text",
      { y: 4, "text-anchor": "middle" },
      bad ? "!" : String(block.warnings.length > 1 ? block.warnings.length : "!"),
    ),
  );
  return g;
}

function ports(block, g) {
  const warned = new Set(block.warnings.map((w) => w.port).filter(Boolean));
  block.inputs.forEach((port, i) => {
    const cls = `port port-in${warned.has(port) ? " port-warn" : ""}`;
    const hit = s(
      "g",
      { class: cls, "data-port": port, "data-side": "in" },
      s(
        "title",
        {},
        warned.has(port)
          ? block.warnings
              .filter((w) => w.port === port)
              .map((w) => w.message)
              .join("\n")
          : `input ${block.name}.${port}`,
      ),
      s("circle", { cx: 0, cy: portY(i), r: 5 }),
    );
    g.append(hit);
    if (block.labeled.has(port))
      g.append(s("text", { class: "port-label", x: -8, y: portY(i) - 7, "text-anchor": "end" }, port));
  });
  block.outputs.forEach((port, i) => {
    g.append(
      s(
        "g",
        { class: "port port-out", "data-port": port, "data-side": "out" },
        s("title", {}, `output ${block.name}.${port}: drag to a block to connect`),
        s("circle", { class: "port-hit", cx: NODE_W, cy: portY(i), r: 11 }),
        s("circle", { cx: NODE_W, cy: portY(i), r: 5 }),
      ),
    );
  });
}

// -> {g, update(telemetry)} ; update is only meaningful in live mode.
export function drawNode(block, box, mode) {
  const h = nodeHeight(block);
  const classes = ["node", `kind-${block.kind}`];
  if (block.error) classes.push("has-error");
  if (block.missing) classes.push("missing");
  if (block.warnings.length) classes.push("has-warning");
  const g = s("g", { class: classes.join(" "), "data-block": block.name, transform: `translate(${box.x},${box.y})` });
  g.append(
    s("rect", { class: "node-shadow", x: 0, y: 2, width: NODE_W, height: h, rx: 8 }),
    s("rect", { class: "node-bg", width: NODE_W, height: h, rx: 8 }),
    s("rect", { class: "node-stripe", width: 5, height: h, rx: 2 }),
  );
  const nameText = s("text", { class: "node-name", x: 14, y: 20 }, s("title", {}, block.name));
  g.append(nameText);
  let bx = NODE_W - 10;
  for (const badge of badges(block).reverse()) {
    const w = textWidth(badge, 9.5) + 10;
    bx -= w;
    g.append(
      s(
        "g",
        { class: `badge badge-${badge}`, transform: `translate(${bx},9)` },
        s("rect", { width: w, height: 15, rx: 7.5 }),
        s("text", { x: w / 2, y: 11, "text-anchor": "middle" }, badge),
      ),
    );
    bx -= 4;
  }
  // The name gets what the badges leave.
  nameText.append(clip(block.name, bx - 18, 14, true));
  g.append(s("line", { class: "node-sep", x1: 0, x2: NODE_W, y1: HEADER_H, y2: HEADER_H }));
  const status = chip(12, HEADER_H + 8);
  const line2 = s("text", { class: "node-line", x: 14, y: HEADER_H + 46 });
  const held = s("text", { class: "node-held", x: NODE_W - 12, y: HEADER_H + 22, "text-anchor": "end" });
  g.append(status.g, held, line2);
  let children = null;
  if (block.dynamic || block.replicated) children = childRow(g, HEADER_H + 56);
  ports(block, g);
  const flag = warningMark(block);
  if (flag) g.append(flag);

  if (mode === "edit") {
    status.set(block.missing ? "not defined" : KIND_LABEL[block.kind] || block.kind);
    g.classList.add("tone-idle");
    const style = INPUT_STYLE_TEXT[block.inputStyle] || INPUT_STYLE_TEXT.per_item;
    line2.textContent = clip(
      block.error ? `⚠ ${block.error.message}` : block.inputs.length ? style : "source",
      NODE_W - 28,
    );
    if (children) {
      children.text.textContent = block.dynamic ? "children: one per output item" : "runs once per upstream item";
      children.text.setAttribute("x", 2);
      children.track.remove();
    }
  }

  let tone = "";
  return {
    g,
    update(t) {
      const next = `tone-${toneOf(t)}`;
      if (next !== tone) {
        if (tone) g.classList.remove(tone);
        g.classList.add(next);
        tone = next;
      }
      if (!t) {
        status.set("not started");
        line2.textContent = "";
        held.textContent = "";
        return;
      }
      // What the block holds (collect, sort) sits at the right of the chip's row; the chip
      // gets the rest of the row, so neither runs into the other or out of the card.
      const holds = t.internal_bytes ? `holds ${shortBytes(t.internal_bytes)}` : "";
      if (held.textContent !== holds) held.textContent = holds;
      status.set(blockWord(t), holds ? CHIP_MAX - textWidth(holds, 11) - 8 : CHIP_MAX);
      g.dataset.word = blockWord(t);
      const io = t.io || {};
      const text = clip(
        `in ${short(io.items_in || 0, 10000)} · out ${short(io.items_out || 0, 10000)}`,
        NODE_W - 28,
        LINE_SIZE,
      );
      if (line2.textContent !== text) line2.textContent = text;
      if (children) children.update(t.children);
    },
  };
}

function childRow(g, y) {
  const row = s("g", { class: "children-row", "data-role": "children", transform: `translate(12,${y})` });
  const track = s("rect", { class: "cbar-track", y: 0, width: 64, height: 6, rx: 3 });
  const ok = s("rect", { class: "cbar-ok", y: 0, width: 0, height: 6 });
  const bad = s("rect", { class: "cbar-bad", y: 0, width: 0, height: 6 });
  const run = s("rect", { class: "cbar-run", y: 0, width: 0, height: 6 });
  const text = s("text", { class: "children-text", x: 72, y: 7 });
  row.append(
    s("title", {}, "children: done / expected · running · failed — click to list them"),
    track,
    ok,
    bad,
    run,
    text,
  );
  g.append(row);
  let last = "";
  return {
    text,
    track,
    update(c) {
      if (!c) return;
      const total = Math.max(c.expected || 0, c.spawned || 0, 1);
      const done = c.succeeded || 0;
      const failed = (c.failed || 0) + (c.upstream_failed || 0) + (c.cancelled || 0);
      const key = `${done}/${failed}/${c.running}/${total}/${c.final}`;
      if (key === last) return;
      last = key;
      const w = (n) => (64 * Math.min(n, total)) / total;
      ok.setAttribute("width", w(done));
      bad.setAttribute("x", w(done));
      bad.setAttribute("width", w(failed));
      run.setAttribute("x", w(done + failed));
      run.setAttribute("width", w(c.running || 0));
      text.textContent = "";
      text.append(
        s("tspan", { class: "c-done" }, `${short(done)}/${short(c.expected || 0)}${c.final ? "" : "+"}`),
        s("tspan", { class: "c-run", dx: 6 }, `▸${short(c.running || 0)}`),
        s("tspan", { class: failed ? "c-bad" : "c-zero", dx: 6 }, `✕${short(failed)}`),
      );
      row.dataset.succeeded = c.succeeded || 0;
      row.dataset.expected = c.expected || 0;
      row.dataset.final = c.final ? "1" : "0";
    },
  };
}
