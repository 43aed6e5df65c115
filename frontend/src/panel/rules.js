// The pipeline's `config:` rules: list, add, edit, reorder, delete. Each rule shows the input
// ports it matches and, on each, the keys it decides (the server computes both with the
// planner's own matching and precedence: a later rule wins over an earlier one, a key set
// on the edge wins over every rule).
import { h, append, clear } from "../core/dom.js";
import { api } from "../core/api.js";
import { reportError } from "../pages/common.js";
import { settingField } from "./setting_fields.js";

// `block.port` text, or `key=value` pairs for a mapping selector (`block=J`,
// `blocking_class=fully_blocking`), as the server writes a rule's target.
export function parseTarget(value) {
  const text = value.trim();
  if (!text.includes("=")) return text;
  const selector = {};
  for (const part of text.split(/\s+/)) {
    const [key, ...rest] = part.split("=");
    selector[key] = rest.join("=");
  }
  return selector;
}

function portsList(rule) {
  if (rule.ports === null)
    return h("div.rule-ports.muted", {}, "Fix the pipeline's error to see the ports this rule matches.");
  if (!rule.ports.length) return h("div.rule-ports.warning-box", {}, "matches no input port: fix or remove it");
  return h(
    "ul.rule-ports",
    { "aria-label": "ports this rule matches" },
    rule.ports.map((p) =>
      h(
        "li",
        { "data-edge": p.edge },
        h("code", {}, `${p.block}.${p.port}`),
        h("span.muted", {}, ` ← ${p.edge.split("->")[0]}`),
        p.wins.length
          ? h("span.rule-wins", { title: "this rule decides these keys on this port" }, ` decides ${p.wins.join(", ")}`)
          : h("span.rule-lost", { title: "a later rule or the edge itself sets these keys here" }, " overridden"),
      ),
    ),
  );
}

function ruleCard(ctx, rule, count, ports) {
  const save = (next) => ctx.mutate((v) => api.replaceRule(ctx.pipeline, rule.index, next, v));
  const keys = Object.keys(rule.rule).filter((k) => k !== "apply_to");
  const target = h("input.rule-target", {
    type: "text",
    name: `rule-${rule.index}-apply_to`,
    value: rule.target,
    title: "block.port, *.port, block.*, or block=NAME / blocking_class=... / block_type=FILE_STEM",
    spellcheck: false,
    autocomplete: "off",
  });
  target.addEventListener("change", () => save({ ...rule.rule, apply_to: parseTarget(target.value) }));
  target.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") target.blur();
  });
  const move = (to) => ctx.mutate((v) => api.moveRule(ctx.pipeline, rule.index, to, v));
  const free = ports.filter((p) => !keys.includes(p.key));
  const adder = h(
    "select.rule-add-key",
    { name: `rule-${rule.index}-add`, title: "set another port key in this rule" },
    h("option", { value: "" }, "+ set a key…"),
    free.map((p) => h("option", { value: p.key }, p.key)),
  );
  adder.addEventListener("change", () => {
    const entry = ports.find((p) => p.key === adder.value);
    if (!entry) return;
    const value = entry.default ?? (entry.options ? entry.options[0] : 1);
    save({ ...rule.rule, [entry.key]: value });
  });
  return h(
    "div.rule",
    { "data-rule": rule.index },
    h(
      "div.rule-head",
      {},
      h("span.rule-num", { title: "rules are applied in order; a later one wins" }, `${rule.index + 1}`),
      target,
      h(
        "button.icon",
        {
          type: "button",
          title: "move up (earlier: loses to later rules)",
          disabled: rule.index === 0,
          on: { click: () => move(rule.index - 1) },
        },
        "↑",
      ),
      h(
        "button.icon",
        {
          type: "button",
          title: "move down (later: wins)",
          disabled: rule.index === count - 1,
          on: { click: () => move(rule.index + 1) },
        },
        "↓",
      ),
      h(
        "button.icon",
        {
          type: "button",
          title: "delete this rule",
          "aria-label": `delete rule ${rule.index + 1}`,
          on: { click: () => ctx.mutate((v) => api.deleteRule(ctx.pipeline, rule.index, v)) },
        },
        "✕",
      ),
    ),
    keys.map((key) => {
      const entry = ports.find((p) => p.key === key);
      if (!entry) return h("div.field", {}, h("code", {}, `${key}: ${rule.rule[key]}`));
      return settingField(entry, {
        name: `rule-${rule.index}-${key}`,
        value: rule.rule[key],
        inherit: "(remove from this rule)",
        save: (value) => {
          const next = { ...rule.rule };
          if (value === null) delete next[key];
          else next[key] = value;
          return save(next);
        },
      });
    }),
    free.length ? adder : null,
    portsList(rule),
  );
}

function addForm(ctx, ports) {
  const target = h("input", {
    type: "text",
    name: "new-rule-apply_to",
    placeholder: "apply_to: J.right, *.in, J.*, block=J",
    spellcheck: false,
    autocomplete: "off",
  });
  const key = h(
    "select",
    { name: "new-rule-key" },
    ports.map((p) => h("option", { value: p.key }, p.key)),
  );
  const value = h("input", {
    type: "text",
    name: "new-rule-value",
    placeholder: "value, e.g. full",
    autocomplete: "off",
  });
  const form = h(
    "form.rule-new",
    {
      on: {
        submit: (ev) => {
          ev.preventDefault();
          const entry = ports.find((p) => p.key === key.value);
          const raw = value.value.trim();
          const parsed =
            entry && entry.type !== "choice" && raw !== "" && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
          ctx.mutate(async (v) => {
            const data = await api.addRule(
              ctx.pipeline,
              { apply_to: parseTarget(target.value), [key.value]: parsed },
              v,
            );
            target.value = "";
            value.value = "";
            return data;
          });
        },
      },
    },
    target,
    h("div.rule-new-row", {}, key, value, h("button", { type: "submit" }, "Add rule")),
  );
  return form;
}

// The section's body; it loads the rules (and their ports) from the server.
export function rulesEditor(ctx, catalogPromise) {
  const el = h("div.rules", { "data-testid": "config-rules" }, h("div.muted", {}, "loading…"));
  Promise.all([api.rules(ctx.pipeline), catalogPromise])
    .then(([rules, catalog]) => {
      append(clear(el), [
        rules.length
          ? rules.map((rule) => ruleCard(ctx, rule, rules.length, catalog.ports))
          : h("div.muted.rules-empty", {}, "No rules. A rule sets port keys on every input port it selects."),
        addForm(ctx, catalog.ports),
      ]);
    })
    .catch((err) => {
      append(clear(el), [h("div.muted", {}, `The rules could not be read: ${err.message}`)]);
      if (err.status !== 422) reportError(err);
    });
  return el;
}
