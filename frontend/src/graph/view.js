// The graph canvas: lays a graph out, draws it as SVG, pans and zooms, selects blocks and
// edges, and keeps a handle per block and edge for live updates. Editing gestures (drag a
// port to connect) come from connect.js, dragging nodes (kept in layout.yaml) from drag.js;
// live colouring from run/overlay.js. "fit" never draws below MIN_FIT (text stays readable:
// the graph is panned instead), and a graph laid out while hidden is fitted when shown.
import { h, s, clear } from "../core/dom.js";
import { layoutGraph } from "./layout.js";
import { structureKey } from "./model.js";
import { enableNodeDrag } from "./drag.js";
import { drawNode } from "./nodes.js";
import { drawEdge, arrowDefs } from "./edges.js";
import { enableConnect } from "./connect.js";
import "./graph.css";

// The smallest scale "fit" uses: a node's text (12 px and more) stays at 11 px or more. A
// graph larger than the canvas at that scale scrolls.
export const MIN_FIT = 0.92;

export class GraphView {
  // options: {mode: "edit"|"live", onSelect(sel), onConnect({src, src_port, dst, dst_port}),
  //           onChildren(block)}
  constructor(root, options = {}) {
    this.options = options;
    this.mode = options.mode || "live";
    this.nodes = new Map();
    this.edges = new Map();
    this.selection = null;
    this.key = null;
    this.view = { x: 0, y: 0, k: 1 };
    this.autoFit = false;
    this.fitPending = false; // fit() was asked while the canvas had no size (a hidden tab)
    this.justDragged = false; // a node drag just ended: the click that follows is no selection
    this.svg = s("svg", { class: `graph graph-${this.mode}`, role: "img", "aria-label": "pipeline graph" });
    this.svg.append(
      arrowDefs(),
      s("rect", { class: "graph-grid", width: "100%", height: "100%", fill: "url(#sg-dots)" }),
    );
    this.viewport = s("g", { class: "viewport" });
    this.edgeLayer = s("g", { class: "edge-layer" });
    this.nodeLayer = s("g", { class: "node-layer" });
    this.overlay = s("g", { class: "overlay-layer" });
    this.viewport.append(this.edgeLayer, this.nodeLayer, this.overlay);
    this.svg.append(this.viewport);
    this.empty = h("div.graph-empty", { hidden: true });
    this.zoomBar = h(
      "div.zoom-bar",
      {},
      h("button", { title: "zoom in", on: { click: () => this.zoomBy(1.2) } }, "+"),
      h("button", { title: "zoom out", on: { click: () => this.zoomBy(1 / 1.2) } }, "−"),
      h("button", { title: "fit the graph", on: { click: () => this.fit() } }, "fit"),
    );
    // A graph larger than the canvas at MIN_FIT scrolls (the svg grows, the scroller scrolls).
    this.scroller = h("div.graph-scroll", {}, this.svg);
    this.el = h("div.graph-wrap", {}, this.scroller, this.empty, this.zoomBar);
    root.append(this.el);
    this.bindPanZoom();
    if (this.mode === "edit") enableConnect(this);
    enableNodeDrag(this);
    this.resizeObserver = new ResizeObserver(() => {
      if (this.autoFit || this.fitPending) this.fit();
    });
    this.resizeObserver.observe(this.el);
  }

  // Lay out and draw `graph` (graph/model.js). The layout is redone only when the
  // structure changed; otherwise nodes are redrawn in place (settings, errors, warnings).
  async setGraph(graph, { emptyText = "No blocks yet." } = {}) {
    this.graph = graph;
    const key = structureKey(graph);
    if (key !== this.key) {
      const token = {};
      this.token = token;
      const layout = await layoutGraph(graph);
      if (token !== this.token) return;
      this.layout = layout;
      this.content = null;
      const first = this.key === null;
      this.key = key;
      this.draw();
      if (first || this.autoFit) this.fit();
    } else if (contentKey(graph) !== this.content) {
      this.draw();
    }
    this.content = contentKey(graph);
    this.empty.hidden = graph.blocks.size > 0;
    this.empty.textContent = emptyText;
  }

  draw() {
    const { graph, layout } = this;
    clear(this.nodeLayer);
    clear(this.edgeLayer);
    this.nodes.clear();
    this.edges.clear();
    for (const edge of graph.edges) {
      const route = layout.edges.get(edge.id);
      if (!route || !route.label) continue;
      const handle = drawEdge(edge, route);
      handle.edge = edge;
      handle.g.addEventListener("click", (ev) => {
        ev.stopPropagation();
        this.select({ type: "edge", id: edge.id });
      });
      this.edges.set(edge.id, handle);
      this.edgeLayer.append(handle.g);
    }
    for (const name of graph.order) {
      const box = layout.nodes.get(name);
      if (!box) continue;
      const handle = drawNode(graph.blocks.get(name), box, this.mode);
      handle.box = box;
      handle.g.addEventListener("click", (ev) => {
        ev.stopPropagation();
        if (this.justDragged) return;
        const children = ev.target.closest("[data-role=children]");
        this.select({ type: "block", name, children: !!children });
      });
      this.nodes.set(name, handle);
      this.nodeLayer.append(handle.g);
    }
    this.applySelection();
    if (this.highlighted) this.highlight(this.highlighted.blocks, this.highlighted.edges);
  }

  select(selection, { silent = false } = {}) {
    this.selection = selection;
    this.applySelection();
    if (!silent && this.options.onSelect) this.options.onSelect(selection);
  }

  applySelection() {
    const sel = this.selection;
    for (const [name, n] of this.nodes)
      n.g.classList.toggle("selected", !!sel && sel.type === "block" && sel.name === name);
    for (const [id, e] of this.edges) e.g.classList.toggle("selected", !!sel && sel.type === "edge" && sel.id === id);
  }

  // Deadlock: the cycle's blocks and edges stand out, the rest fades.
  highlight(blocks, edges) {
    this.highlighted = { blocks, edges };
    const on = blocks.length > 0 || edges.length > 0;
    this.svg.classList.toggle("has-highlight", on);
    for (const [name, n] of this.nodes) n.g.classList.toggle("hl", blocks.includes(name));
    for (const [id, e] of this.edges) e.g.classList.toggle("hl", edges.includes(id));
  }

  // ---- pan and zoom ------------------------------------------------------------------
  applyView() {
    const { x, y, k } = this.view;
    this.viewport.setAttribute("transform", `translate(${x},${y}) scale(${k})`);
  }

  // The whole graph in view, centred; a graph too large for that at MIN_FIT is drawn at
  // MIN_FIT from its top-left corner (pan or scroll to see the rest). Hidden (a tab not
  // shown): done as soon as the canvas gets a size.
  fit() {
    if (!this.layout) return;
    const rect = this.el.getBoundingClientRect();
    if (!rect.width || !rect.height) {
      this.fitPending = true;
      return;
    }
    this.fitPending = false;
    const b = this.layout.bounds || { x: 0, y: 0, w: this.layout.width, h: this.layout.height };
    const k = Math.max(MIN_FIT, Math.min(1.25, (rect.width - 16) / b.w, (rect.height - 16) / b.h));
    const w = b.w * k;
    const hgt = b.h * k;
    const x = w <= rect.width ? (rect.width - w) / 2 : 8;
    const y = hgt <= rect.height ? (rect.height - hgt) / 2 : 8;
    this.setCanvas(w > rect.width ? w + 16 : null, hgt > rect.height ? hgt + 16 : null);
    this.view = { k, x: x - b.x * k, y: y - b.y * k };
    this.autoFit = true;
    this.applyView();
    this.svg.dataset.scale = k.toFixed(3);
  }

  // The svg's size: null fills the canvas; a number (px) makes it scroll that way.
  setCanvas(width, height) {
    this.svg.style.width = width ? `${Math.ceil(width)}px` : "";
    this.svg.style.height = height ? `${Math.ceil(height)}px` : "";
    this.scroller.scrollLeft = 0;
    this.scroller.scrollTop = 0;
  }

  // Back to a canvas the size of the view, keeping what is seen where it is (zoom and drag
  // move the drawing, not the scrollbars).
  unscroll() {
    const { scrollLeft, scrollTop } = this.scroller;
    if (!this.svg.style.width && !this.svg.style.height) return;
    this.setCanvas(null, null);
    this.view = { ...this.view, x: this.view.x - scrollLeft, y: this.view.y - scrollTop };
    this.applyView();
  }

  zoomBy(factor, cx, cy) {
    this.unscroll();
    const rect = this.el.getBoundingClientRect();
    const px = cx ?? rect.width / 2;
    const py = cy ?? rect.height / 2;
    const k = Math.max(0.2, Math.min(3, this.view.k * factor));
    const f = k / this.view.k;
    this.view = { k, x: px - (px - this.view.x) * f, y: py - (py - this.view.y) * f };
    this.autoFit = false;
    this.applyView();
    this.svg.dataset.scale = k.toFixed(3);
  }

  toGraph(clientX, clientY) {
    const rect = this.svg.getBoundingClientRect();
    return {
      x: (clientX - rect.left - this.view.x) / this.view.k,
      y: (clientY - rect.top - this.view.y) / this.view.k,
    };
  }

  bindPanZoom() {
    // Ctrl/Cmd + wheel (and a trackpad pinch) zooms; the wheel alone scrolls the graph.
    this.svg.addEventListener(
      "wheel",
      (ev) => {
        const scrolls = !!(this.svg.style.width || this.svg.style.height);
        if (scrolls && !ev.ctrlKey && !ev.metaKey) return; // the scroller scrolls
        ev.preventDefault();
        const rect = this.svg.getBoundingClientRect();
        if (ev.ctrlKey || ev.metaKey) {
          this.zoomBy(ev.deltaY < 0 ? 1.1 : 1 / 1.1, ev.clientX - rect.left, ev.clientY - rect.top);
          return;
        }
        const dx = ev.shiftKey && !ev.deltaX ? ev.deltaY : ev.deltaX;
        const dy = ev.shiftKey && !ev.deltaX ? 0 : ev.deltaY;
        this.view = { ...this.view, x: this.view.x - dx, y: this.view.y - dy };
        this.autoFit = false;
        this.applyView();
      },
      { passive: false },
    );
    let pan = null;
    this.svg.addEventListener("pointerdown", (ev) => {
      if (ev.button !== 0 || ev.target.closest(".node, .edge")) return;
      this.unscroll();
      pan = { x: ev.clientX, y: ev.clientY, vx: this.view.x, vy: this.view.y, moved: false };
      this.svg.setPointerCapture(ev.pointerId);
    });
    this.svg.addEventListener("pointermove", (ev) => {
      if (!pan) return;
      const dx = ev.clientX - pan.x;
      const dy = ev.clientY - pan.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) pan.moved = true;
      this.view = { ...this.view, x: pan.vx + dx, y: pan.vy + dy };
      this.autoFit = false;
      this.applyView();
    });
    this.svg.addEventListener("pointerup", (ev) => {
      if (pan && !pan.moved && !ev.target.closest(".node, .edge")) this.select(null);
      pan = null;
    });
  }

  destroy() {
    this.resizeObserver.disconnect();
    this.el.remove();
  }
}

// What the drawing shows besides the structure: a redraw is needed only when it changed.
function contentKey(graph) {
  return JSON.stringify(
    graph.order.map((n) => {
      const b = graph.blocks.get(n);
      return [b.kind, b.settings, b.error, b.warnings, b.inputStyle];
    }),
  );
}
