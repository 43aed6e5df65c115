// An input port's buffer settings (buffering_mode, rows_per_buffer, bytes_per_row_buffer),
// each with its resolved value and where it comes from (GET /plan; docs/dataflow.md,
// "Configuration precedence"), and the lint warnings about this port.
import { h } from "../core/dom.js";
import { api } from "../core/api.js";
import { select, number, resolvedText } from "./fields.js";

function edgeInto(ctx, block, port) {
  const graph = ctx.graph;
  return graph ? graph.edges.find((e) => e.dst === block.name && e.dst_port === port) : null;
}

export function portSection(ctx, block, port) {
  const edge = edgeInto(ctx, block, port);
  const plan = (edge && ctx.plan && ctx.plan.edges && ctx.plan.edges[edge.id]) || {};
  const own = ((block.settings || {}).ports || {})[port] || {};
  const save = (key) => (value) =>
    ctx.mutate((v) => api.updatePort(ctx.pipeline, block.name, port, { [key]: value }, v));
  const warnings = block.warnings.filter((w) => w.port === port);
  const capacity =
    plan.rows_per_buffer && plan.buffering_mode && plan.buffering_mode.value !== "full"
      ? `capacity ${plan.rows_per_buffer.value * 4} items / ${Math.round((plan.bytes_per_row_buffer.value * 4) / 1024)} KiB (4 × buffer)`
      : plan.buffering_mode
        ? "no limit: spills to disk past the memory budget"
        : null;
  // A value set on the block's port but resolved from elsewhere: an `apply_to` rule or the
  // edge wins (docs/dataflow.md, Configuration precedence). Say so, instead of letting the setting look ignored.
  const overridden = Object.keys(own).filter(
    (key) => plan[key] && plan[key].source !== "block ports" && String(plan[key].value) !== String(own[key]),
  );
  return h(
    "div.port-box",
    { "data-port": port },
    h(
      "div.port-title",
      {},
      h("code", {}, `${block.name}.${port}`),
      edge ? h("span.muted", {}, ` ← ${edge.src}.${edge.src_port}`) : null,
    ),
    warnings.map((w) => h("div.warning-box", {}, w.message)),
    select({
      label: "buffering_mode",
      name: `buffering_mode:${port}`,
      value: own.buffering_mode,
      inherit: "inherit",
      save: save("buffering_mode"),
      options: [
        ["default", "default (automatic)"],
        ["limited", "limited: bounded, back pressure"],
        ["full", "full: unbounded, spills"],
      ],
      resolved: resolvedText(plan.buffering_mode),
    }),
    number({
      label: "rows_per_buffer",
      name: `rows_per_buffer:${port}`,
      value: own.rows_per_buffer,
      save: save("rows_per_buffer"),
      resolved: resolvedText(plan.rows_per_buffer),
    }),
    number({
      label: "bytes_per_row_buffer",
      name: `bytes_per_row_buffer:${port}`,
      value: own.bytes_per_row_buffer,
      save: save("bytes_per_row_buffer"),
      resolved: resolvedText(plan.bytes_per_row_buffer),
    }),
    capacity ? h("div.port-cap.muted", {}, capacity) : null,
    overridden.map((key) =>
      h(
        "div.override-note",
        {},
        `${key}: ${own[key]} is set here, but ${plan[key].source} sets ${plan[key].value} and wins. `,
        edge
          ? h(
              "button.link",
              {
                type: "button",
                "data-testid": "apply-where-it-wins",
                title: "the server sets it at the level that decides this port (a config rule or the edge)",
                on: {
                  click: () =>
                    ctx.mutate((v) => api.applyPort(ctx.pipeline, { edge: edge.id, key, value: own[key] }, v)),
                },
              },
              `Set ${own[key]} there`,
            )
          : null,
      ),
    ),
  );
}

// The panel for a selected edge: its ends, the port it enters, remove.
export function edgePanel(ctx, edge) {
  const dst = ctx.graph.blocks.get(edge.dst);
  return h(
    "div.panel-edge",
    { "data-panel": "edge", "data-edge": edge.id },
    h(
      "div.panel-head",
      {},
      h("div.panel-kicker", {}, "edge"),
      h(
        "div.edge-title",
        {},
        h("code", {}, `${edge.src}.${edge.src_port}`),
        " → ",
        h("code", {}, `${edge.dst}.${edge.dst_port}`),
      ),
      h(
        "div.panel-buttons",
        {},
        h("button", { on: { click: () => ctx.select({ type: "block", name: edge.dst }) } }, `Open ${edge.dst}`),
        h(
          "button.danger",
          {
            on: {
              click: () =>
                ctx.mutate(async (v) => {
                  const data = await api.removeEdge(ctx.pipeline, edge.id, v);
                  ctx.select(null);
                  return data;
                }),
            },
          },
          "Remove edge",
        ),
      ),
    ),
    h("section.panel-section", {}, h("h3", {}, "Input port"), dst ? portSection(ctx, dst, edge.dst_port) : null),
  );
}
