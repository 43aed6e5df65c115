// Toasts: short messages in the bottom-right corner that close themselves (errors after 8 s,
// others after 4 s; the time stops while the pointer is over one), each with a close button.
// At most three are shown: a fourth replaces the oldest. The same message again does not
// stack: the one shown counts it (×2) and starts its time again.
import { h } from "./dom.js";

export const TOAST_MS = { error: 8000, info: 4000 };
export const MAX_TOASTS = 3;

let box = null;
/** @type {Array<{el: HTMLElement, kind: string, text: string, close: () => void, again: () => void}>} */
const shown = [];

function container() {
  if (!box || !box.isConnected) {
    box = h("div.toasts", { role: "status", "aria-live": "polite", "data-testid": "toasts" });
    document.body.append(box);
  }
  return box;
}

/**
 * @param {string} message
 * @param {string} [kind] "error" or "info"
 * @param {number} [ms] how long it stays (default by kind)
 */
export function toast(message, kind = "error", ms = undefined) {
  const text = String(message);
  const same = shown.find((t) => t.text === text && t.kind === kind);
  if (same) {
    same.again();
    return same;
  }
  const life = ms ?? TOAST_MS[kind] ?? TOAST_MS.info;
  const times = h("span.toast-times");
  let count = 1;
  let timer = null;
  let left = life;
  let since = 0;
  const start = () => {
    clearTimeout(timer);
    since = Date.now();
    timer = setTimeout(close, left);
  };
  const pause = () => {
    clearTimeout(timer);
    left = Math.max(1000, left - (Date.now() - since));
  };
  const el = h(
    `div.toast-item.toast-${kind}`,
    {
      role: kind === "error" ? "alert" : "status",
      dataset: { kind },
      on: { mouseenter: pause, mouseleave: start },
    },
    h("div.toast-text", {}, text, times),
    h(
      "button.toast-close",
      { type: "button", title: "close", "aria-label": "close", on: { click: () => close() } },
      "×",
    ),
  );
  function close() {
    clearTimeout(timer);
    el.remove();
    const at = shown.indexOf(entry);
    if (at >= 0) shown.splice(at, 1);
  }
  function again() {
    count += 1;
    times.textContent = ` ×${count}`;
    clearTimeout(timer);
    left = life;
    start();
  }
  const entry = { el, kind, text, close, again };
  while (shown.length >= MAX_TOASTS) shown[0].close();
  shown.push(entry);
  container().append(el);
  start();
  return entry;
}

// Close every error toast (an action that now succeeded makes an old error stale).
export function clearErrorToasts() {
  for (const t of shown.filter((x) => x.kind === "error")) t.close();
}
