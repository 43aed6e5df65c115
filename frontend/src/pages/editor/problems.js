// The strip under the editor's header: the pipeline's validation error and lint warnings
// (e.g. "possible deadlock at J.right"), each naming the block or port it concerns; a
// click selects that block. The same problems are marked on the graph itself.
import { h, clear } from "../../core/dom.js";

export function problemsBar(state) {
  const el = h("div.problems", { hidden: true, role: "status" });
  function item(kind, where, message) {
    const target = where && where.block;
    return h(
      `div.problem.problem-${kind}`,
      { "data-block": target || "" },
      h("span.problem-icon", {}, kind === "error" ? "✕" : "⚠"),
      target
        ? h(
            "a.problem-where",
            {
              href: "#",
              on: {
                click: (ev) => {
                  ev.preventDefault();
                  state.select({ type: "block", name: target });
                },
              },
            },
            where.port ? `${target}.${where.port}` : target,
          )
        : null,
      h("span.problem-text", {}, message),
    );
  }
  return {
    el,
    render() {
      const data = state.data || {};
      const blockErrors = Object.entries(data.blocks || {}).filter(([, b]) => b && b.error && b.error !== data.error);
      const entries = [
        // An unreadable pipeline.yaml has its own banner over the last valid graph.
        ...(data.error && data.spec ? [item("error", { block: data.error.block }, data.error.message)] : []),
        ...blockErrors.map(([name, b]) => item("error", { block: name }, b.error.message)),
        ...(data.warnings || []).map((w) => item("warn", w, w.message)),
      ];
      clear(el).append(...entries);
      el.hidden = entries.length === 0;
    },
  };
}
