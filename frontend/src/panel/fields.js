// Form fields of the side panel. Each one saves itself on change through `save(value)`,
// where `null` means "not set here" (the setting is removed and inherited), and shows the
// resolved value with where it comes from when one is given.
import { h } from "../core/dom.js";

function row(label, help, control, resolved) {
  return h(
    "div.field",
    {},
    h("div.field-label", {}, h("span", {}, label), help ? h("span.help", { title: help }, "?") : null),
    control,
    resolved ? h("div.resolved", { title: "resolved value and where it comes from" }, resolved) : null,
  );
}

export function resolvedText(entry) {
  if (!entry || entry.value === undefined) return null;
  return h("span", {}, h("code", {}, String(entry.value)), " · ", entry.source);
}

function saving(el, save) {
  return async (value) => {
    el.classList.add("saving");
    try {
      await save(value);
    } finally {
      el.classList.remove("saving");
    }
  };
}

export function checkbox({ label, help, value, name, save }) {
  const input = h("input", { type: "checkbox", name, checked: !!value });
  const el = h("label.check", {}, input, h("span", {}, label), help ? h("span.help", { title: help }, "?") : null);
  const run = saving(el, save);
  input.addEventListener("change", () => run(input.checked ? true : null));
  return h("div.field.field-check", {}, el);
}

// options: [[value, text]]; `inherit` adds a first "(inherit: X)" option that saves null.
export function select({ label, help, value, name, options, inherit, resolved, save }) {
  const input = h(
    "select",
    { name },
    inherit !== undefined ? h("option", { value: "" }, inherit) : null,
    options.map(([v, text]) => h("option", { value: v }, text || v)),
  );
  input.value = value ?? "";
  const el = row(label, help, input, resolved);
  const run = saving(el, save);
  input.addEventListener("change", () => run(input.value === "" ? null : input.value));
  return el;
}

// `decimal`: any number, not only whole ones; `above`: the value must be greater than it.
export function number({ label, help, value, name, placeholder, resolved, min = 1, above, decimal = false, save }) {
  const input = h("input", {
    type: "number",
    name,
    min: above === undefined ? min : above,
    step: decimal ? "any" : 1,
    placeholder: placeholder || "inherit",
    value: value ?? "",
  });
  const el = row(label, help, input, resolved);
  const run = saving(el, save);
  input.addEventListener("change", () => {
    if (input.value === "") return run(null);
    const n = Number(input.value);
    const bad =
      !Number.isFinite(n) || (!decimal && !Number.isInteger(n)) || (above !== undefined ? n <= above : n < min);
    if (bad) {
      const kind = decimal ? "a number" : "a whole number";
      input.setCustomValidity(above !== undefined ? `${kind} > ${above}` : `${kind} ≥ ${min}`);
      input.reportValidity();
      return;
    }
    input.setCustomValidity("");
    run(n);
  });
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") input.blur();
  });
  return el;
}

export function text({ label, help, value, name, placeholder, resolved, save }) {
  const input = h("input", {
    type: "text",
    name,
    placeholder: placeholder || "",
    value: value ?? "",
    autocomplete: "off",
    spellcheck: false,
  });
  const el = row(label, help, input, resolved);
  const run = saving(el, save);
  input.addEventListener("change", () => run(input.value.trim() === "" ? null : input.value.trim()));
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") input.blur();
  });
  return el;
}

export function section(title, ...children) {
  return h("section.panel-section", {}, h("h3", {}, title), ...children);
}

export function notes(items, cls) {
  return items.map((item) => h(`div.${cls}`, {}, item));
}
