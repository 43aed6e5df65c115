// The side panel for one block: rename, its settings (dynamic, reduce_output, match, how it
// receives its inputs, start constraint, ...), each input port's buffer settings, delete.
import { h } from "../core/dom.js";
import { api } from "../core/api.js";
import { checkbox, select, number, text, section, resolvedText } from "./fields.js";
import { portSection } from "./port_panel.js";

// A block that edges name but the pipeline does not define: add it, or drop its edges.
function missingPanel(ctx, block) {
  const edges = ctx.graph.edges.filter((e) => e.src === block.name || e.dst === block.name);
  return h(
    "div.panel-block",
    { "data-panel": "block", "data-block": block.name },
    h(
      "div.panel-head",
      {},
      h("div.panel-kicker", {}, "not defined"),
      h("div.panel-name", {}, block.name),
      h(
        "div.panel-buttons",
        {},
        h(
          "button.primary",
          {
            on: {
              click: () => ctx.mutate((v) => api.addBlock(ctx.pipeline, { name: block.name, kind: "transformer" }, v)),
            },
          },
          `Add block ${block.name}`,
        ),
        h(
          "button.danger",
          {
            on: {
              click: () =>
                ctx.mutate(async (v) => {
                  let data = null;
                  for (const e of edges) data = await api.removeEdge(ctx.pipeline, e.id, data ? data.version : v);
                  ctx.select(null);
                  return data;
                }),
            },
          },
          `Remove ${edges.length === 1 ? "its edge" : `its ${edges.length} edges`}`,
        ),
      ),
    ),
    h("div.panel-problems", {}, h("div.error-box", {}, block.error.message)),
  );
}

export function blockPanel(ctx, block) {
  if (block.missing) return missingPanel(ctx, block);
  const { pipeline } = ctx;
  const st = block.settings || {};
  const resolved = (ctx.plan && ctx.plan.blocks && ctx.plan.blocks[block.name]) || {};
  const save = (key) => (value) =>
    ctx.mutate((v) => api.updateBlock(pipeline, block.name, { settings: { [key]: value } }, v));
  const inputStyle = st.collect ? "collect" : st.stream ? "stream" : "";

  const name = h("input.rename", {
    value: block.name,
    name: "block-name",
    spellcheck: false,
    autocomplete: "off",
    title: "rename the block (and its file)",
  });
  name.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") name.blur();
    if (ev.key === "Escape") {
      name.value = block.name;
      name.blur();
    }
  });
  name.addEventListener("change", () => {
    const next = name.value.trim();
    if (!next || next === block.name) return;
    ctx.mutate(async (v) => {
      const data = await api.updateBlock(pipeline, block.name, { name: next }, v);
      ctx.select({ type: "block", name: next });
      return data;
    });
  });

  const problems = [
    ...(block.error ? [h("div.error-box", {}, block.error.message)] : []),
    ...block.warnings.map((w) =>
      h("div.warning-box", {}, w.port ? h("strong", {}, `${block.name}.${w.port}: `) : null, w.message),
    ),
  ];

  return h(
    "div.panel-block",
    { "data-panel": "block", "data-block": block.name },
    h(
      "div.panel-head",
      {},
      h("div.panel-kicker", {}, `${block.kind.replace("_", " ")} · ${block.file || `${block.name}.py`}`),
      name,
      h(
        "div.panel-buttons",
        {},
        h("button", { on: { click: () => ctx.openCode(block.name) } }, "Edit code"),
        h(
          "button.danger",
          {
            on: {
              click: () => {
                if (!confirm(`Delete block ${block.name}? Its edges go too; its file moves to the trash.`)) return;
                ctx.mutate(async (v) => {
                  const data = await api.deleteBlock(pipeline, block.name, v);
                  ctx.select(null);
                  return data;
                });
              },
            },
          },
          "Delete",
        ),
      ),
    ),
    problems.length ? h("div.panel-problems", {}, problems) : null,
    section(
      "Fan-out",
      checkbox({
        label: "dynamic: every output item is a child run downstream",
        name: "dynamic",
        value: st.dynamic,
        save: save("dynamic"),
        help: "Each item this block emits creates one child run of every downstream block.",
      }),
      checkbox({
        label: "reduce_output: gather this block's children",
        name: "reduce_output",
        value: st.reduce_output,
        save: save("reduce_output"),
        help: "Closes the dynamic level: downstream blocks receive the list of all children's outputs, in lineage order.",
      }),
      select({
        label: "match (two dynamic upstreams)",
        name: "match",
        value: st.match,
        inherit: "product (default)",
        save: save("match"),
        options: [
          ["lineage", "lineage: same parent item"],
          ["zip_index", "zip_index: i-th with i-th"],
          ["product", "product: every pair"],
        ],
        help: "How the children of two dynamic upstreams pair up.",
      }),
      number({
        label: "max_concurrent_children",
        name: "max_concurrent_children",
        value: st.max_concurrent_children,
        placeholder: "unlimited",
        save: save("max_concurrent_children"),
        resolved: resolvedText({
          value: resolved.max_concurrent_children ?? "unlimited",
          source: st.max_concurrent_children ? "block" : "default",
        }),
      }),
    ),
    section(
      "Inputs",
      select({
        label: "how inputs arrive",
        name: "input_style",
        value: inputStyle,
        inherit: "one call per item (default)",
        options: [
          ["collect", "collect: one call with the list of all items"],
          ["stream", "stream: one call with an iterator per input"],
        ],
        resolved:
          block.annotatedStream && !st.collect
            ? h("span", {}, "the code's ", h("code", {}, "Iterator"), " annotation selects stream")
            : null,
        save: (value) =>
          ctx.mutate((v) =>
            api.updateBlock(
              pipeline,
              block.name,
              { settings: { collect: value === "collect" ? true : null, stream: value === "stream" ? true : null } },
              v,
            ),
          ),
      }),
      select({
        label: "inputs",
        name: "inputs",
        value: st.inputs,
        inherit: "dependent (default)",
        save: save("inputs"),
        options: [
          ["independent", "independent: reads whichever has data"],
          ["dependent", "dependent"],
        ],
        help: "A dependent multi-input block reads its inputs in an order; its ports then default to full buffers.",
      }),
      select({
        label: "blocking_class",
        name: "blocking_class",
        value: st.blocking_class,
        inherit: "non_blocking (default)",
        save: save("blocking_class"),
        options: [["partially_blocking"], ["fully_blocking"], ["non_blocking"]],
      }),
      text({
        label: "start_constraint",
        name: "start_constraint",
        value: st.start_constraint,
        placeholder: "e.g. A.succeeded and not B.failed",
        save: save("start_constraint"),
        help: "A condition over other blocks' phases; the block waits until it holds, and is skipped if it never can.",
      }),
      checkbox({
        label: "eager_start: start with the sources",
        name: "eager_start",
        value: st.eager_start,
        save: save("eager_start"),
      }),
    ),
    block.inputs.length
      ? section(
          "Input ports",
          block.inputs.map((port) => portSection(ctx, block, port)),
        )
      : null,
    section(
      "Outputs",
      select({
        label: "keep_outputs",
        name: "keep_outputs",
        value: st.keep_outputs,
        inherit: "inherit",
        save: save("keep_outputs"),
        options: [["all"], ["sample", "sample: first and last items"], ["none", "none: metadata only"]],
        resolved: resolvedText({
          value: resolved.keep_outputs,
          source: st.keep_outputs ? "block" : "workspace default",
        }),
      }),
    ),
  );
}
