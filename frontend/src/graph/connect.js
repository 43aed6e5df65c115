// Connecting blocks by dragging: press on an output port, drag, release over another block
// (or one of its input ports). Releasing over a block's body lets the server name the input
// port after the upstream block; releasing over an input port uses that port.
import { s } from "../core/dom.js";

export function enableConnect(view) {
  let drag = null;

  view.svg.addEventListener(
    "pointerdown",
    (ev) => {
      const port = ev.target.closest(".port-out");
      if (!port || ev.button !== 0) return;
      ev.stopPropagation();
      ev.preventDefault();
      const node = port.closest(".node");
      const name = node.dataset.block;
      const handle = view.nodes.get(name);
      const index = view.graph.blocks.get(name).outputs.indexOf(port.dataset.port);
      const start = view.layout.nodes.get(name).ports.get(`out::${port.dataset.port}`) || {
        x: handle.box.x + handle.box.w,
        y: handle.box.y + 40 + index * 24,
      };
      const line = s("path", { class: "connect-line", d: "" });
      view.overlay.append(line);
      view.svg.classList.add("connecting");
      drag = { src: name, src_port: port.dataset.port, start, line, pointerId: ev.pointerId };
      view.svg.setPointerCapture(ev.pointerId);
    },
    true,
  );

  view.svg.addEventListener(
    "pointermove",
    (ev) => {
      if (!drag) return;
      const p = view.toGraph(ev.clientX, ev.clientY);
      const mx = (drag.start.x + p.x) / 2;
      drag.line.setAttribute("d", `M${drag.start.x},${drag.start.y} C${mx},${drag.start.y} ${mx},${p.y} ${p.x},${p.y}`);
      const target = targetAt(view, ev.clientX, ev.clientY);
      for (const [name, n] of view.nodes)
        n.g.classList.toggle("drop-target", !!target && target.dst === name && name !== drag.src);
    },
    true,
  );

  const finish = (ev) => {
    if (!drag) return;
    const current = drag;
    drag = null;
    current.line.remove();
    view.svg.classList.remove("connecting");
    for (const n of view.nodes.values()) n.g.classList.remove("drop-target");
    try {
      view.svg.releasePointerCapture(current.pointerId);
    } catch {
      /* already released */
    }
    ev.stopPropagation();
    if (ev.type !== "pointerup") return;
    const target = targetAt(view, ev.clientX, ev.clientY);
    if (!target || target.dst === current.src) return;
    if (view.options.onConnect) view.options.onConnect({ src: current.src, src_port: current.src_port, ...target });
  };
  view.svg.addEventListener("pointerup", finish, true);
  view.svg.addEventListener("pointercancel", finish, true);
}

// The block (and input port, if over one) under the pointer. Pointer capture sends events to
// the svg, so hit-test the layout instead of the event target.
function targetAt(view, clientX, clientY) {
  const p = view.toGraph(clientX, clientY);
  for (const [name, box] of view.layout.nodes) {
    if (p.x < box.x - 16 || p.x > box.x + box.w || p.y < box.y || p.y > box.y + box.h) continue;
    for (const [key, port] of box.ports) {
      const [side, portName] = key.split("::");
      if (side === "in" && Math.abs(p.x - port.x) < 14 && Math.abs(p.y - port.y) < 11)
        return { dst: name, dst_port: portName };
    }
    return { dst: name };
  }
  return null;
}
