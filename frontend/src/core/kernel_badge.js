import { live } from "./live.js";

export function mountKernelBadge(el) {
  const render = () => {
    const { status, reason } = live.kernel || {};
    el.dataset.status = status || "starting";
    el.textContent = `kernel: ${status || "starting"}`;
    el.title = reason || "";
  };
  render();
  live.subscribe((changes) => {
    if (changes.kernel) render();
  });
}
