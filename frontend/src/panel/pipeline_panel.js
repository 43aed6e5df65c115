// The side panel when nothing is selected: the pipeline's description, mode, variables, its
// problems, and how to build the graph.
import { h } from "../core/dom.js";
import { api } from "../core/api.js";
import { select, section } from "./fields.js";
import { variablesEditor } from "../run/variables.js";

export function pipelinePanel(ctx) {
  const data = ctx.data || {};
  const spec = data.spec || ctx.spec || {}; // the last valid spec while the file has an error
  const description = h(
    "textarea.desc",
    { rows: 2, placeholder: "What this pipeline does", name: "description" },
    spec.description || "",
  );
  description.addEventListener("change", () =>
    ctx.mutate((v) => api.updatePipeline(ctx.pipeline, { description: description.value }, v)),
  );
  const vars = variablesEditor(spec.variables || {}, {
    onChange: (values) => ctx.mutate((v) => api.updatePipeline(ctx.pipeline, { variables: values }, v)),
  });
  const problems = [
    ...(data.error ? [h("div.error-box", {}, data.error.message)] : []),
    ...(data.warnings || []).map((w) =>
      h(
        "div.warning-box",
        {},
        w.block
          ? h(
              "a",
              {
                href: "#",
                on: {
                  click: (ev) => {
                    ev.preventDefault();
                    ctx.select({ type: "block", name: w.block });
                  },
                },
              },
              w.port ? `${w.block}.${w.port}` : w.block,
            )
          : null,
        w.block ? ": " : null,
        w.message,
      ),
    ),
  ];
  return h(
    "div.panel-pipeline",
    { "data-panel": "pipeline" },
    h("div.panel-head", {}, h("div.panel-kicker", {}, "pipeline"), h("div.panel-name", {}, ctx.pipeline)),
    problems.length ? h("div.panel-problems", {}, problems) : null,
    section("About", description),
    section(
      "Run settings",
      select({
        label: "mode",
        name: "mode",
        value: spec.mode,
        inherit: "stream (default)",
        options: [
          ["batch", "batch: each block waits for its inputs to finish"],
          ["stream", "stream: blocks overlap over bounded buffers"],
        ],
        save: (value) => ctx.mutate((v) => api.updatePipeline(ctx.pipeline, { mode: value || "stream" }, v)),
      }),
      h("div.field-label", {}, "variables (defaults for every run)"),
      vars.el,
    ),
    section(
      "Build the graph",
      h(
        "ul.hints",
        {},
        h("li", {}, "Add blocks from the palette on the left."),
        h(
          "li",
          {},
          "Drag from a block's output port (right edge) onto another block to connect them; the input port is named after the upstream block.",
        ),
        h("li", {}, "Click a block or an edge to edit its settings and buffers; Delete removes the selection."),
      ),
    ),
  );
}
