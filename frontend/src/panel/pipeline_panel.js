// The side panel when nothing is selected: the pipeline's description, mode, variables, every
// run setting, buffers and config rules, the workspace's sluicegate.yaml, its problems, and
// how to build the graph; "Edit YAML" opens the raw files.
import { h, append } from "../core/dom.js";
import { api } from "../core/api.js";
import { select, section } from "./fields.js";
import { variablesEditor } from "../run/variables.js";
import { rulesEditor } from "./rules.js";
import { fold, levelText, settingField, settingsCatalog } from "./setting_fields.js";
import { workspaceEditor } from "./workspace_panel.js";
import { reportError } from "../pages/common.js";

// The YAML editor (CodeMirror with YAML) is loaded when it is first opened.
function openYamlEditor(ctx, which) {
  import("./yaml_tab.js").then((m) => m.openYamlEditor(ctx, which)).catch(reportError);
}

// `settings:` or `buffers:` of the pipeline, one field per catalog entry, each showing the
// value that applies and where it is set.
function levelFields(ctx, name, key) {
  const spec = (ctx.data && ctx.data.spec) || ctx.spec || {};
  const own = spec[name] || {};
  const el = h("div.level-fields", { "data-section": name });
  const patch = name === "settings" ? api.patchSettings : api.patchBuffers;
  const workspace = name === "settings" ? api.workspaceSettings().catch(() => null) : null;
  Promise.all([settingsCatalog(), workspace]).then(([catalog, ws]) => {
    const wsValues = (ws && ws.spec && ws.spec[name]) || {};
    append(el, [
      catalog[key].map((entry) =>
        settingField(entry, {
          name: `${name}-${entry.key}`,
          value: own[entry.key],
          resolved:
            name === "settings"
              ? levelText(entry, [
                  ["pipeline", own],
                  ["workspace", wsValues],
                ])
              : null,
          save: (value) => ctx.mutate((v) => patch(ctx.pipeline, { [entry.key]: value }, v)),
        }),
      ),
    ]);
  });
  return el;
}

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
    h(
      "div.panel-head",
      {},
      h("div.panel-kicker", {}, "pipeline"),
      h("div.panel-name", {}, ctx.pipeline),
      h(
        "div.panel-buttons",
        {},
        h(
          "button",
          { type: "button", title: "edit pipeline.yaml as text", on: { click: () => openYamlEditor(ctx, "pipeline") } },
          "Edit YAML",
        ),
      ),
    ),
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
      fold(
        "settings",
        `All run settings (${Object.keys(spec.settings || {}).length} set here)`,
        levelFields(ctx, "settings", "settings"),
      ),
    ),
    section(
      "Buffers",
      fold(
        "buffers",
        `Port keys for every edge (${Object.keys(spec.buffers || {}).length} set here)`,
        h("p.muted.fold-note", {}, "A block's ports, config rules and edges override these."),
        levelFields(ctx, "buffers", "ports"),
      ),
    ),
    section("Config rules", rulesEditor(ctx, settingsCatalog())),
    section(
      "Workspace (sluicegate.yaml)",
      fold(
        "workspace",
        "Settings shared by every pipeline",
        workspaceEditor(ctx, settingsCatalog(), { onOpenYaml: () => openYamlEditor(ctx, "workspace") }),
      ),
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
