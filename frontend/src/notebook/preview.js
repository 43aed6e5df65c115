// Rendering the server's item previews (server/sluicegate/store/preview.py): a page is one
// table (items that are rows) or a list of per-item previews, each a table (with column
// types), an array (with shape and dtype), a text (long strings and bytes: "show more") or a
// repr; or a notice with no data (server/sluicegate/store/views.py).
// Shared by the notebook's cell output and the output inspector.
import { h } from "../core/dom.js";
import "./preview.css";

export const count = (n) => (n === null || n === undefined ? "–" : Number(n).toLocaleString("en-US"));

export const plural = (n, one, many = one + "s") => `${count(n)} ${n === 1 ? one : many}`;

function cellValue(value) {
  if (value === null || value === undefined) return h("td.v-null", {}, "null");
  if (typeof value === "number") return h("td.v-num", {}, String(value));
  if (typeof value === "boolean") return h("td.v-bool", {}, String(value));
  const text = String(value);
  return h("td", text.length > 40 ? { title: text } : {}, text);
}

// A table preview. `indexOf(i)`: the item index shown for row i (none: no index column).
export function tableView(preview, { indexOf = null } = {}) {
  const dtypes = preview.dtypes || [];
  const head = h(
    "tr",
    {},
    indexOf === null ? null : h("th.index", {}, "#"),
    preview.columns.map((name, i) =>
      h("th", {}, h("span.col-name", {}, name), dtypes[i] ? h("span.col-type", {}, dtypes[i]) : null),
    ),
  );
  const rows = preview.rows.map((row, i) =>
    h("tr", {}, indexOf === null ? null : h("td.index", {}, String(indexOf(i))), row.map(cellValue)),
  );
  const more = preview.total_columns
    ? h("div.preview-note", {}, `first ${preview.columns.length} of ${count(preview.total_columns)} columns`)
    : null;
  return h("div.preview-table", {}, h("table.data", {}, h("thead", {}, head), h("tbody", {}, rows)), more);
}

function arrayValue(v, float) {
  if (v === null) return "null";
  return float && Number.isInteger(v) ? v.toFixed(1) : String(v);
}

const SHORT_TEXT = 600; // characters of a text item shown before "show more"

// A string or bytes item: its start, "show more" for the rest of what the preview holds, and
// how much of the item that is.
function textView(preview) {
  const text = preview.text ?? "";
  const unit = preview.type === "bytes" || preview.type === "bytearray" ? "byte" : "character";
  const pre = h("pre.preview-text", {}, text.length > SHORT_TEXT ? `${text.slice(0, SHORT_TEXT)}…` : text);
  const held = unit === "character" ? text.length : null;
  const cut = held !== null && preview.length > held;
  const note = h(
    "span.preview-note",
    {},
    cut
      ? `first ${count(held)} of ${plural(preview.length, unit)} kept in the preview; Inspect output pages through the item`
      : plural(preview.length, unit),
  );
  const more =
    text.length > SHORT_TEXT
      ? h(
          "button.nb-link.preview-more",
          {
            on: {
              click: (e) => {
                const open = pre.classList.toggle("expanded");
                pre.textContent = open ? text : `${text.slice(0, SHORT_TEXT)}…`;
                e.currentTarget.textContent = open ? "show less" : "show more";
              },
            },
          },
          "show more",
        )
      : null;
  return h("div.preview-text-item", {}, pre, h("div.preview-text-foot", {}, more, note));
}

function arrayView(preview) {
  const shown = preview.head.length;
  const float = /float/.test(preview.dtype || "");
  const shape = preview.shape || [shown];
  const total = preview.flat ? shape.reduce((a, b) => a * b, 1) : shape[0];
  return h(
    "div.preview-array",
    {},
    h(
      "div.preview-array-values",
      {},
      preview.head.map((v) => h("span", {}, arrayValue(v, float))),
    ),
    total > shown
      ? h(
          "div.preview-note",
          {},
          `first ${count(shown)} of ${count(total)} values${preview.flat ? " (flattened, row-major)" : ""}`,
        )
      : null,
  );
}

// One item's preview, with a title line ("#3 · ndarray float64 [1000]").
export function itemView(preview, index) {
  let body;
  let about = preview.type || preview.kind;
  if (preview.kind === "table") {
    body = tableView(preview);
    if (preview.shape) about += ` ${preview.dtype} [${preview.shape.join(" × ")}]`;
    if (preview.total_rows > preview.rows.length)
      about += ` · showing ${count(preview.rows.length)} of ${plural(preview.total_rows, "row")}`;
    else about += ` · ${plural(preview.total_rows, "row")}`;
  } else if (preview.kind === "array") {
    body = arrayView(preview);
    about += ` ${preview.dtype} [${(preview.shape || []).join(" × ")}]`;
  } else if (preview.kind === "text") {
    body = textView(preview);
  } else {
    body = h("pre.preview-repr", {}, preview.text ?? "");
  }
  return h(
    "div.preview-item",
    {},
    h(
      "div.preview-item-title",
      {},
      index === null ? null : h("span.preview-index", {}, `#${index}`),
      h("span", {}, about),
    ),
    body,
  );
}

const isScalar = (item) =>
  (item.kind === "repr" || (item.kind === "text" && item.length === item.text.length)) &&
  item.text.length <= 120 &&
  !item.text.includes("\n");

// A page of items as the server previews it. `indexOf(i)`: the index of the page's i-th item.
export function pageView(preview, { indexOf = (i) => i } = {}) {
  if (!preview) return h("div.preview-empty", {}, "no items");
  // Items stored without a safe view (by an older version): the server says why, shows no data.
  if (preview.kind === "notice") return h("div.preview-empty", {}, preview.text);
  if (preview.kind === "table") return tableView(preview, { indexOf });
  const items = preview.kind === "list" ? preview.items : [preview];
  if (!items.length) return h("div.preview-empty", {}, "no items");
  if (items.every(isScalar)) {
    // Short one-line reprs (numbers, short strings): one row per item.
    const rows = items.map((item) => [item.text, item.type]);
    return tableView({ columns: ["value", "type"], rows }, { indexOf });
  }
  return h(
    "div.preview-list",
    {},
    items.map((item, i) => itemView(item, indexOf(i))),
  );
}

// How many items a page preview shows.
export function pageSize(preview) {
  if (!preview) return 0;
  if (preview.kind === "table") return preview.rows.length;
  if (preview.kind === "list") return preview.items.length;
  return 1;
}
