// The run view's bottom dock, with two tabs: the timeline, and the output inspector of the
// selected block run or child (loaded on first use). It folds down to its tab strip, and its
// top edge drags to resize it; both are remembered (localStorage) for every run page.
import { h, clear } from "../core/dom.js";
import { foldToggle } from "../core/collapse.js";
import { loadInspector, unavailable, reportError } from "../pages/common.js";

const HEIGHT_KEY = "sluicegate.dock-height.";
const MIN_HEIGHT = 120;
const MIN_GRAPH = 120; // what the dock leaves to the graph above it

function savedHeight(tab) {
  try {
    const px = Number(localStorage.getItem(HEIGHT_KEY + tab));
    return px >= MIN_HEIGHT ? px : null;
  } catch {
    return null;
  }
}

function saveHeight(tab, px) {
  try {
    localStorage.setItem(HEIGHT_KEY + tab, String(Math.round(px)));
  } catch {
    /* storage disabled: the height lasts for this page */
  }
}

export function bottomDock(root, { runId }) {
  const timelineHost = h("div.dock-pane.dock-timeline");
  const inspectorHost = h("div.dock-pane.dock-inspector", { hidden: true, "data-testid": "inspector" });
  const tabTimeline = h(
    "button.dock-tab",
    { type: "button", "aria-selected": "true", on: { click: () => select("timeline", { unfold: true }) } },
    "Timeline",
  );
  const tabOutput = h(
    "button.dock-tab",
    { type: "button", "aria-selected": "false", hidden: true, on: { click: () => select("output", { unfold: true }) } },
    "Output",
  );
  const grip = h("div.dock-grip", { title: "drag to resize", "aria-hidden": "true" });
  const tabs = h("div.dock-tabs", { role: "tablist" }, tabTimeline, tabOutput, h("span.grow"));
  const el = h("div.dock", { "data-testid": "dock" }, grip, tabs, timelineHost, inspectorHost);
  const fold = foldToggle({
    key: "run-dock",
    target: el,
    open: "▾ Hide",
    shut: "▴ Show",
    title: "the timeline and output dock",
    onChange: () => applyHeight(),
  });
  tabs.append(fold.button);
  root.append(el);
  /** @type {{show: Function, destroy?: Function, fresh?: boolean} | null} */
  let inspector = null;
  let loading = null;
  let current = "timeline";

  // A dragged height, per tab (the output wants more room than the timeline); else the CSS's.
  function applyHeight() {
    const px = fold.folded() ? null : savedHeight(current);
    el.style.height = px ? `${clampHeight(px)}px` : "";
  }

  function clampHeight(px) {
    const room = root.clientHeight || window.innerHeight;
    return Math.max(MIN_HEIGHT, Math.min(px, room - MIN_GRAPH));
  }

  grip.addEventListener("pointerdown", (ev) => {
    if (fold.folded()) return;
    ev.preventDefault();
    grip.setPointerCapture(ev.pointerId);
    const startY = ev.clientY;
    const startH = el.getBoundingClientRect().height;
    el.classList.add("resizing");
    const move = (e) => {
      el.style.height = `${clampHeight(startH + (startY - e.clientY))}px`;
    };
    const up = () => {
      grip.removeEventListener("pointermove", move);
      el.classList.remove("resizing");
      saveHeight(current, el.getBoundingClientRect().height);
    };
    grip.addEventListener("pointermove", move);
    grip.addEventListener("pointerup", up, { once: true });
    grip.addEventListener("pointercancel", up, { once: true });
  });

  function select(which, { unfold = false } = {}) {
    current = which;
    tabTimeline.setAttribute("aria-selected", String(which === "timeline"));
    tabOutput.setAttribute("aria-selected", String(which === "output"));
    timelineHost.hidden = which !== "timeline";
    el.classList.toggle("dock-tall", which === "output");
    inspectorHost.hidden = which !== "output";
    if (unfold) fold.set(false);
    applyHeight();
  }

  function ensure(target) {
    if (!loading) {
      loading = loadInspector().then((mod) => {
        if (mod && mod.mountInspector) inspector = mod.mountInspector(inspectorHost, { runId, ...target });
        else {
          inspectorHost.append(unavailable("output inspector"));
          inspector = { show() {} };
        }
        inspector.fresh = true;
        return inspector;
      });
    }
    return loading;
  }

  applyHeight();
  window.addEventListener("resize", applyHeight);
  return {
    el,
    timelineHost,
    select,
    fold,
    async inspect({ block, uuid }) {
      tabOutput.hidden = false;
      tabOutput.textContent = `Output · ${uuid || block}`;
      select("output");
      try {
        const ins = await ensure({ block, uuid });
        if (ins.fresh) {
          ins.fresh = false;
          return;
        }
        ins.show({ runId, block, uuid });
      } catch (err) {
        reportError(err);
        clear(inspectorHost).append(unavailable("output inspector"));
      }
    },
  };
}
