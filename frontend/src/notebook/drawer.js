// The output inspector in a drawer over the notebook: "Inspect output →" under a cell.
import { h } from "../core/dom.js";
import { mountInspector } from "../inspector/index.js";

let open = null; // {el, inspector, close}

/** @param {{runId: string, block: string, uuid?: string}} target */
export function openInspectorDrawer({ runId, block, uuid }) {
  if (open) {
    open.inspector.show({ runId, block, uuid });
    return open;
  }
  const body = h("div.drawer-body");
  const close = () => {
    if (!open) return;
    open.inspector.destroy();
    open.el.remove();
    document.removeEventListener("keydown", onKey);
    open = null;
  };
  const onKey = (event) => {
    if (event.key === "Escape") close();
  };
  const el = h(
    "div.drawer-backdrop",
    {
      on: {
        mousedown: (e) => {
          if (e.target === el) close();
        },
      },
    },
    h(
      "aside.drawer",
      { role: "dialog", "aria-label": "output inspector" },
      h(
        "div.drawer-head",
        {},
        h("span.drawer-title", {}, "Output inspector"),
        h("span.spacer"),
        h("button.nb-icon", { title: "close (Esc)", "aria-label": "close", on: { click: close } }, "×"),
      ),
      body,
    ),
  );
  document.body.append(el);
  document.addEventListener("keydown", onKey);
  open = { el, close, inspector: mountInspector(body, { runId, block, uuid }) };
  return open;
}
