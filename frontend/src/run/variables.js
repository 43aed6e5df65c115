// A small key/value editor for runtime variables. Values are read as JSON when they parse
// (numbers, booleans, lists) and as text otherwise, so `0.2` is a number and `abc` a string.
import { h, clear } from "../core/dom.js";

export function parseValue(text) {
  const t = text.trim();
  if (t === "") return "";
  try {
    return JSON.parse(t);
  } catch {
    return t;
  }
}

export function showValue(value) {
  return typeof value === "string" ? value : JSON.stringify(value);
}

// -> {el, value(): {name: value}}; onChange(values) is called when a row is edited.
/** @param {Record<string, unknown>} [initial] @param {{onChange?: (values: Record<string, unknown>) => void, addLabel?: string}} [options] */
export function variablesEditor(initial = {}, { onChange, addLabel = "+ variable" } = {}) {
  const rows = h("div.vars-rows");
  const el = h(
    "div.vars",
    {},
    rows,
    h(
      "button.small.link",
      {
        type: "button",
        on: {
          click: () => {
            addRow("", "");
            rows.lastChild.querySelector("input").focus();
          },
        },
      },
      addLabel,
    ),
  );

  function addRow(key, value) {
    const k = h("input.var-key", { value: key, placeholder: "name", spellcheck: false, "aria-label": "variable name" });
    const v = h("input.var-value", {
      value: showValue(value),
      placeholder: "value",
      spellcheck: false,
      "aria-label": `value of ${key || "variable"}`,
      name: key ? `var:${key}` : undefined,
    });
    const row = h(
      "div.var-row",
      {},
      k,
      h("span.eq", {}, "="),
      v,
      h(
        "button.icon",
        {
          type: "button",
          title: "remove",
          on: {
            click: () => {
              row.remove();
              changed();
            },
          },
        },
        "×",
      ),
    );
    k.addEventListener("change", changed);
    v.addEventListener("change", changed);
    rows.append(row);
  }

  function value() {
    /** @type {Record<string, unknown>} */
    const out = {};
    for (const row of rows.children) {
      const [k, v] = row.querySelectorAll("input");
      if (k.value.trim()) out[k.value.trim()] = parseValue(v.value);
    }
    return out;
  }

  function changed() {
    if (onChange) onChange(value());
  }

  function set(values) {
    clear(rows);
    for (const [key, val] of Object.entries(values || {})) addRow(key, val);
  }

  set(initial);
  return { el, value, set };
}
