// Panels that fold away (the editor's palette and settings panel, the run view's side panel
// and dock). Whether each is folded is remembered in localStorage, per panel, for every page
// of every pipeline: a user who folds the palette on a small screen finds it folded again.
import { h } from "./dom.js";

const PREFIX = "sluicegate.folded.";

function read(key, fallback) {
  try {
    const value = localStorage.getItem(PREFIX + key);
    return value === null ? fallback : value === "1";
  } catch {
    return fallback; // storage disabled: fold for this page only
  }
}

function write(key, folded) {
  try {
    localStorage.setItem(PREFIX + key, folded ? "1" : "0");
  } catch {
    /* storage disabled or full: the state lasts for this page */
  }
}

/**
 * A fold toggle for `target`: the class `folded` on it (CSS hides what folds), and a button.
 * `open`/`shut`: the button's text while the panel is open or folded; `title`: what it folds.
 * @param {{key: string, target: HTMLElement, open: string, shut: string, title: string,
 *   className?: string, onChange?: (folded: boolean) => void}} options
 */
export function foldToggle({ key, target, open, shut, title, className = "", onChange }) {
  let folded = read(key, false);
  const button = h(`button.fold-toggle${className}`, {
    type: "button",
    dataset: { fold: key },
    on: { click: () => set(!folded) },
  });
  function render() {
    target.classList.toggle("folded", folded);
    button.textContent = folded ? shut : open;
    button.title = `${folded ? "show" : "hide"} ${title}`;
    button.setAttribute("aria-label", button.title);
    button.setAttribute("aria-expanded", String(!folded));
  }
  function set(next) {
    if (next === folded) return;
    folded = next;
    write(key, folded);
    render();
    if (onChange) onChange(folded);
  }
  render();
  return {
    button,
    set,
    folded: () => folded,
    // A new text for the folded state (e.g. what the folded panel would show now).
    setShut(text) {
      shut = text;
      render();
    },
  };
}
