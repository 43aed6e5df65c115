// The notebook's page-wide keys: Ctrl/Cmd-S saves the focused or last-edited cell from
// anywhere on the page (never the browser's "save page"), `?` outside an editor opens the
// list of keyboard shortcuts, Escape closes it.
import { h } from "../core/dom.js";
import "./keys.css";

export const MOD = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent) ? "⌘" : "Ctrl";

const CELL = "In a cell";
const PAGE = "Anywhere on the page";
const SHORTCUTS = [
  { group: CELL, keys: ["Shift", "Enter"], what: "Run the cell and move to the next one" },
  { group: CELL, keys: [MOD, "Enter"], what: "Run the cell and stay in it" },
  { group: CELL, keys: ["Tab"], what: "Indent (the file's own indentation, else 4 spaces)" },
  { group: CELL, keys: ["Shift", "Tab"], what: "Dedent" },
  { group: CELL, keys: ["Esc", "Tab"], sep: "then", what: "Leave the editor" },
  { group: CELL, keys: [MOD, "/"], what: "Comment or uncomment the lines" },
  { group: CELL, keys: [MOD, "Z"], what: "Undo" },
  { group: PAGE, keys: [MOD, "S"], what: "Save the focused or last-edited cell" },
  { group: PAGE, keys: ["?"], what: "Show this list" },
  { group: PAGE, keys: ["Esc"], what: "Close this list or the output inspector" },
];

const combo = ({ keys, sep = "+" }) =>
  keys.flatMap((key, i) => [i ? h("span.keys-sep", {}, sep) : null, h("kbd", {}, key)]);

let open = null;

export function closeShortcuts() {
  if (!open) return;
  open.remove();
  open = null;
}

export function openShortcuts() {
  if (open) return open;
  const groups = new Map();
  for (const item of SHORTCUTS) {
    if (!groups.has(item.group)) groups.set(item.group, []);
    groups.get(item.group).push(h("tr", {}, h("td.keys-combo", {}, combo(item)), h("td", {}, item.what)));
  }
  const close = h(
    "button.nb-icon",
    { title: "close (Esc)", "aria-label": "close", on: { click: closeShortcuts } },
    "×",
  );
  const el = h(
    "div.keys-backdrop",
    {
      on: {
        mousedown: (e) => {
          if (e.target === el) closeShortcuts();
        },
      },
    },
    h(
      "div.keys-dialog",
      { role: "dialog", "aria-label": "keyboard shortcuts", "aria-modal": "true", tabindex: "-1" },
      h("div.keys-head", {}, h("span.keys-title", {}, "Keyboard shortcuts"), h("span.spacer"), close),
      [...groups].map(([name, rows]) =>
        h("div.keys-group", {}, h("div.keys-group-name", {}, name), h("table.keys-table", {}, h("tbody", {}, rows))),
      ),
    ),
  );
  document.body.append(el);
  el.querySelector(".keys-dialog").focus();
  open = el;
  return el;
}

const inEditable = (target) =>
  target instanceof Element && Boolean(target.closest("input, textarea, select, [contenteditable], .cm-editor"));

// Listen on the document. `save()` saves what Ctrl/Cmd-S means now. Returns the remover.
export function pageKeys({ save }) {
  const onKey = (event) => {
    if (event.defaultPrevented) return; // another editor on the page (YAML) took it
    const mod = event.ctrlKey || event.metaKey;
    if (mod && !event.altKey && !event.shiftKey && event.key.toLowerCase() === "s") {
      event.preventDefault();
      save();
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      closeShortcuts();
    } else if (event.key === "?" && !mod && !event.altKey && !inEditable(event.target)) {
      event.preventDefault();
      openShortcuts();
    }
  };
  document.addEventListener("keydown", onKey);
  return () => {
    document.removeEventListener("keydown", onKey);
    closeShortcuts();
  };
}
