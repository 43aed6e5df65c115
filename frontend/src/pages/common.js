// Bits every page uses: status pills, relative times, toasts, and the lazy loaders of the
// notebook and inspector modules (built by another part of the app; a page works without them).
import { h } from "../core/dom.js";
import { toast } from "../core/toast.js";

export { toast, clearErrorToasts } from "../core/toast.js";

export function statusPill(status) {
  const s = status || "never run";
  return h(`span.pill.pill-${s.replace(/[^a-z_]/g, "_")}`, { title: s }, s.replace(/_/g, " "));
}

export function ago(t) {
  if (!t) return "–";
  const ms = t > 1e12 ? t : t * 1000;
  const sec = Math.max(0, (Date.now() - ms) / 1000);
  if (sec < 45) return "just now";
  if (sec < 3600) return `${Math.round(sec / 60)} min ago`;
  if (sec < 86400) return `${Math.round(sec / 3600)} h ago`;
  return new Date(ms).toLocaleDateString(undefined, { month: "short", day: "numeric", year: "numeric" });
}

export function duration(s) {
  if (s === null || s === undefined) return "–";
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

export function reportError(err) {
  console.error(err);
  return toast(err && err.message ? err.message : String(err), "error");
}

// The notebook and the inspector are loaded on demand; if their module is missing from this
// build, the page says so instead of failing.
export async function loadNotebook() {
  try {
    return await import("../notebook/index.js");
  } catch (err) {
    console.warn("notebook module unavailable", err);
    return null;
  }
}

export async function loadInspector() {
  try {
    return await import("../inspector/index.js");
  } catch (err) {
    console.warn("inspector module unavailable", err);
    return null;
  }
}

export function unavailable(what) {
  return h("div.unavailable", {}, `The ${what} is not part of this build.`);
}

export function pageHeader(title, ...right) {
  return h("div.page-head", {}, h("div.page-title", {}, ...[].concat(title)), h("div.page-actions", {}, ...right));
}

export function runLink(id) {
  return h("a.mono", { href: `/runs/${encodeURIComponent(id)}` }, id);
}
