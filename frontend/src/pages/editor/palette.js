// The palette: add a new code block of a chosen kind, or a block from the built-in library.
import { h, clear } from "../../core/dom.js";
import { api } from "../../core/api.js";

const KINDS = [
  ["data_loader", "Loader", "produces items (a source)"],
  ["transformer", "Transformer", "turns inputs into outputs"],
  ["data_exporter", "Exporter", "writes items somewhere (a sink)"],
  ["custom", "Custom", "any code"],
];

function freeName(base, taken) {
  const clean = base.replace(/[^A-Za-z0-9_]/g, "_").replace(/^(\d)/, "_$1");
  if (!taken.has(clean)) return clean;
  for (let i = 2; ; i++) if (!taken.has(`${clean}_${i}`)) return `${clean}_${i}`;
}

// ctx: {pipeline, graph, mutate(fn), select(sel)}
export function createPalette(ctx) {
  const taken = () => new Set(ctx.graph ? ctx.graph.blocks.keys() : []);
  const name = h("input", {
    name: "new-block-name",
    placeholder: "block name",
    autocomplete: "off",
    spellcheck: false,
  });
  const kind = h(
    "select",
    { name: "new-block-kind" },
    KINDS.map(([v, label, help]) => h("option", { value: v, title: help }, label)),
  );
  kind.value = "transformer";
  const error = h("div.form-error", { role: "alert" });
  // -> true when the block was added; on an error the name stays in the field to fix it.
  const add = async (body) => {
    error.textContent = "";
    let problem = null;
    const saved = await ctx.mutate(async (version) => {
      try {
        const data = await api.addBlock(ctx.pipeline, body, version);
        ctx.select({ type: "block", name: body.name });
        return data;
      } catch (err) {
        problem = err;
        throw err;
      }
    });
    if (!saved && problem) error.textContent = problem.message;
    return saved;
  };
  const form = h(
    "form.palette-new",
    {
      on: {
        submit: async (ev) => {
          ev.preventDefault();
          const chosen =
            name.value.trim() ||
            freeName(
              kind.value === "data_loader" ? "load" : kind.value === "data_exporter" ? "export" : "transform",
              taken(),
            );
          if (await add({ name: chosen, kind: kind.value })) name.value = "";
          else name.focus();
        },
      },
    },
    h("label", {}, "Name", name),
    h("label", {}, "Kind", kind),
    h("button.primary", { type: "submit" }, "+ Add block"),
    error,
  );
  const library = h("ul.library", { "aria-label": "block library" }, h("li.muted", {}, "loading…"));
  api
    .library(ctx.pipeline)
    .then((items) => {
      clear(library);
      const groups = new Map();
      for (const item of items) {
        const [group, ...rest] = item.split("/");
        if (!groups.has(group)) groups.set(group, []);
        groups.get(group).push([item, rest.join("/") || group]);
      }
      for (const [group, entries] of groups) {
        library.append(h("li.lib-group", {}, group));
        for (const [item, label] of entries) {
          library.append(
            h(
              "li",
              {},
              h(
                "button.lib-item",
                {
                  type: "button",
                  "data-library": item,
                  title: `add a copy of blocks/${item}.py`,
                  on: {
                    click: () =>
                      add({
                        name: freeName(label, taken()),
                        from_library: item,
                        kind: group === "sources" ? "data_loader" : group === "sinks" ? "data_exporter" : "transformer",
                      }),
                  },
                },
                h("span", {}, label),
                h("span.plus", {}, "+"),
              ),
            ),
          );
        }
      }
      if (!items.length) library.append(h("li.muted", {}, "The library is empty."));
    })
    .catch(() => {
      clear(library).append(h("li.muted", {}, "The library could not be read."));
    });
  return h(
    "aside.palette",
    { "aria-label": "palette" },
    h("h3", {}, "New block"),
    form,
    h("h3", {}, "Library"),
    library,
  );
}
