// Graph | Notebook tabs; the current one is kept in the address (#notebook).
import { h } from "../../core/dom.js";

export function createTabs({ onChange }) {
  const names = [
    ["graph", "Graph"],
    ["notebook", "Notebook"],
  ];
  let current = location.hash === "#notebook" ? "notebook" : "graph";
  const buttons = names.map(([id, label]) =>
    h(
      "button.tab",
      {
        type: "button",
        role: "tab",
        "data-tab": id,
        "aria-selected": String(id === current),
        on: {
          click: () => {
            set(id);
            onChange(id);
          },
        },
      },
      label,
    ),
  );
  function set(id) {
    current = id;
    for (const b of buttons) b.setAttribute("aria-selected", String(b.dataset.tab === id));
    history.replaceState(null, "", id === "notebook" ? "#notebook" : location.pathname + location.search);
  }
  return { el: h("div.tabs", { role: "tablist" }, buttons), set, current: () => current };
}
