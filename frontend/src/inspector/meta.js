// The metadata of a block run's output: count, bytes, types, schema and what was kept.
import { fmtBytes, h } from "../core/dom.js";
import { count, plural } from "../notebook/preview.js";

function schemaView(schema) {
  if (!schema) return h("span.muted", {}, "–");
  if (Array.isArray(schema))
    return h(
      "span.meta-chips",
      {},
      schema.map((x) => h("span.meta-chip", {}, String(x))),
    );
  const parts = [];
  if (schema.kind === "array")
    parts.push(h("span.meta-chip", {}, `${schema.dtype} [${(schema.shape || []).join(" × ")}]`));
  for (const field of schema.fields || []) {
    parts.push(
      h("span.meta-chip.field", {}, h("span.field-name", {}, field.name), h("span.field-type", {}, field.type)),
    );
  }
  if (schema.total_fields)
    parts.push(h("span.muted", {}, `+${count(schema.total_fields - (schema.fields || []).length)} more`));
  return h("span.meta-chips", { title: schema.kind ? `schema of the first item (${schema.kind})` : "" }, parts);
}

function typesView(types) {
  const entries = Object.entries(types || {});
  if (!entries.length) return h("span.muted", {}, "–");
  return h(
    "span.meta-chips",
    {},
    entries.map(([name, n]) => h("span.meta-chip", {}, `${name} × ${count(n)}`)),
  );
}

// What was kept, in words; a notice when not everything was.
export function keptNotice(meta) {
  const stored = meta.stored ?? meta.count;
  if (meta.kept === "none") {
    return h(
      "div.insp-kept.warning-box",
      {},
      `Nothing was stored: keep_outputs is none for this block, so only the count (${plural(meta.count, "item")}) and size were recorded.`,
    );
  }
  if (meta.kept === "sample" || stored < meta.count) {
    return h(
      "div.insp-kept.warning-box",
      { "data-testid": "sample-notice" },
      h("strong", {}, "Only a sample was kept: "),
      `${count(stored)} of ${plural(meta.count, "item")} stored`,
      stored > 1 ? ` (${stored > 2 ? `the first ${count(stored - 1)}` : "the first"} and the last). ` : ". ",
      "Every item's count and size were still recorded.",
    );
  }
  return null;
}

export function metaView(meta) {
  const stored = meta.stored ?? meta.count;
  const row = (label, value, wide) =>
    h(`div.meta-row${wide ? ".wide" : ""}`, {}, h("span.meta-label", {}, label), h("span.meta-value", {}, value));
  return h(
    "div.insp-meta",
    { "data-testid": "output-meta" },
    row("Items", count(meta.count)),
    row("Stored", meta.kept === "all" && stored === meta.count && stored > 0 ? `all ${count(stored)}` : count(stored)),
    row("Size", meta.bytes ? fmtBytes(meta.bytes) : "–"),
    row("Types", typesView(meta.types), true),
    row("Schema", schemaView(meta.schema), true),
  );
}
