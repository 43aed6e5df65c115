// Form fields made from the server's settings catalog (GET /api/settings/catalog: each run
// setting and port key with its type, default, allowed values and help), so a form offers
// exactly what the server accepts. Empty means "not set here": the value is inherited.
import { h } from "../core/dom.js";
import { api } from "../core/api.js";
import { number, select, text } from "./fields.js";

let catalog = null;

// The catalog, fetched once per page.
export function settingsCatalog() {
  if (!catalog)
    catalog = api.settingsCatalog().catch((err) => {
      catalog = null;
      throw err;
    });
  return catalog;
}

export function shown(value) {
  if (value === null || value === undefined) return "not set";
  if (typeof value === "number" && value >= 1024 * 1024 && value % (1024 * 1024) === 0)
    return `${value} (${value / (1024 * 1024)} MiB)`;
  return String(value);
}

// entry: a catalog entry; value: the value set at this level (undefined: not set);
// save(value | null); resolved: an element saying what applies and where it comes from.
export function settingField(entry, { value, name, resolved, save, inherit }) {
  const help = `${entry.help} Default: ${shown(entry.default)}.`;
  const unset = inherit ?? `inherit (default ${shown(entry.default)})`;
  if (entry.type === "choice" || entry.type === "bool") {
    const options = entry.type === "bool" ? ["true", "false"] : entry.options;
    return select({
      label: entry.key,
      help,
      name,
      value: value === undefined || value === null ? "" : String(value),
      inherit: unset,
      options: options.map((o) => [o, o]),
      resolved,
      save: (v) => save(v === null ? null : entry.type === "bool" ? v === "true" : v),
    });
  }
  if (entry.type === "str") return text({ label: entry.key, help, name, value, placeholder: unset, resolved, save });
  return number({
    label: entry.key,
    help,
    name,
    value,
    resolved,
    decimal: entry.type === "float",
    min: entry.minimum ?? 0,
    above: entry.exclusiveMinimum ?? undefined,
    placeholder: unset,
    save,
  });
}

// What applies and where it is set, for a setting with levels (pipeline over workspace over
// the default, as the planner resolves `settings:`).
export function levelText(entry, levels) {
  for (const [source, values] of levels) {
    if (values && values[entry.key] !== undefined && values[entry.key] !== null)
      return h("span", {}, h("code", {}, shown(values[entry.key])), " · ", source);
  }
  return h("span", {}, h("code", {}, shown(entry.default)), " · default");
}

// A <details> whose open state survives the panel re-rendering.
const openFolds = new Set();
export function fold(key, summary, ...children) {
  const el = h("details.fold", { open: openFolds.has(key), "data-fold": key }, h("summary", {}, summary), ...children);
  el.addEventListener("toggle", () => (el.open ? openFolds.add(key) : openFolds.delete(key)));
  return el;
}
