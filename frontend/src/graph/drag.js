// Moving nodes: press on a block and drag it; its edges follow. On release the new place is
// saved to the pipeline's layout.yaml (PUT /api/pipelines/{p}/layout), so it is kept across
// reloads, in the editor and in the run view. The kernel never reads it. A press that does
// not move more than a few pixels stays a click (it selects the block).
import { api } from "../core/api.js";
import { reportError } from "../pages/common.js";
import { placeNodes } from "./layout.js";
import { structureKey } from "./model.js";

const THRESHOLD = 4;

export function enableNodeDrag(view) {
  let drag = null;

  view.svg.addEventListener("pointerdown", (ev) => {
    if (ev.button !== 0 || !view.layout) return;
    const node = ev.target.closest(".node");
    if (!node || ev.target.closest(".port-out, [data-role=children]")) return;
    const name = node.dataset.block;
    const box = view.layout.nodes.get(name);
    if (!box) return;
    drag = { name, node, x: ev.clientX, y: ev.clientY, bx: box.x, by: box.y, moving: false, id: ev.pointerId };
  });

  view.svg.addEventListener("pointermove", (ev) => {
    if (!drag || ev.pointerId !== drag.id) return;
    const dx = (ev.clientX - drag.x) / view.view.k;
    const dy = (ev.clientY - drag.y) / view.view.k;
    if (!drag.moving) {
      if (Math.hypot(ev.clientX - drag.x, ev.clientY - drag.y) < THRESHOLD) return;
      drag.moving = true;
      view.svg.setPointerCapture(ev.pointerId);
      drag.node.classList.add("dragging");
    }
    ev.stopPropagation();
    moveTo(view, drag.name, Math.round(drag.bx + dx), Math.round(drag.by + dy));
  });

  const end = (ev) => {
    if (!drag || ev.pointerId !== drag.id) return;
    const done = drag;
    drag = null;
    if (!done.moving) return;
    done.node.classList.remove("dragging");
    try {
      view.svg.releasePointerCapture(ev.pointerId);
    } catch {
      /* already released */
    }
    // The click that follows a drag is not a selection.
    view.justDragged = true;
    setTimeout(() => {
      view.justDragged = false;
    }, 0);
    if (ev.type === "pointerup") save(view, done.name);
  };
  view.svg.addEventListener("pointerup", end);
  view.svg.addEventListener("pointercancel", end);
}

// Move one node (graph coordinates of its top-left corner) and re-route its edges.
export function moveTo(view, name, x, y) {
  const moved = placeNodes(view.layout, view.graph, { [name]: { x, y } });
  if (!moved.size) return;
  const handle = view.nodes.get(name);
  if (handle) handle.g.setAttribute("transform", `translate(${x},${y})`);
  for (const [id, edge] of view.edges) {
    const e = edge.edge;
    if (e.src !== name && e.dst !== name) continue;
    const route = view.layout.edges.get(id);
    if (route) edge.setRoute(route);
  }
}

async function save(view, name) {
  const box = view.layout.nodes.get(name);
  const graph = view.graph;
  graph.positions = { ...(graph.positions || {}), [name]: { x: box.x, y: box.y } };
  view.key = structureKey(graph); // the drawing already shows it: no new layout
  view.svg.dataset.saving = "1";
  try {
    if (graph.pipeline)
      await api.put(`/api/pipelines/${encodeURIComponent(graph.pipeline)}/layout`, {
        positions: { [name]: { x: box.x, y: box.y } },
      });
  } catch (err) {
    reportError(err);
  } finally {
    delete view.svg.dataset.saving;
  }
}
