// The run view's bottom dock, with two tabs: the timeline, and the output inspector of the
// selected block run or child (loaded on first use).
import { h, clear } from "../core/dom.js";
import { loadInspector, unavailable, reportError } from "../pages/common.js";

export function bottomDock(root, { runId }) {
  const timelineHost = h("div.dock-pane.dock-timeline");
  const inspectorHost = h("div.dock-pane.dock-inspector", { hidden: true, "data-testid": "inspector" });
  const tabTimeline = h(
    "button.dock-tab",
    { type: "button", "aria-selected": "true", on: { click: () => select("timeline") } },
    "Timeline",
  );
  const tabOutput = h(
    "button.dock-tab",
    { type: "button", "aria-selected": "false", hidden: true, on: { click: () => select("output") } },
    "Output",
  );
  const el = h(
    "div.dock",
    {},
    h("div.dock-tabs", { role: "tablist" }, tabTimeline, tabOutput),
    timelineHost,
    inspectorHost,
  );
  root.append(el);
  /** @type {{show: Function, destroy?: Function, fresh?: boolean} | null} */
  let inspector = null;
  let loading = null;

  function select(which) {
    tabTimeline.setAttribute("aria-selected", String(which === "timeline"));
    tabOutput.setAttribute("aria-selected", String(which === "output"));
    timelineHost.hidden = which !== "timeline";
    el.classList.toggle("dock-tall", which === "output");
    inspectorHost.hidden = which !== "output";
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

  return {
    el,
    timelineHost,
    select,
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
