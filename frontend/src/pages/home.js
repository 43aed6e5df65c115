// The workspace home: every pipeline with its last run's status, a form to create one, and
// the most recent runs. Both lists refresh when a run starts or ends.
import { h, clear } from "../core/dom.js";
import { api } from "../core/api.js";
import { live } from "../core/live.js";
import { statusPill, ago, duration, reportError, pageHeader } from "./common.js";
import { runsTable } from "./runs_table.js";
import "./pages.css";

export function mountHome(root) {
  const cards = h("div.cards", { "data-testid": "pipelines" });
  const recent = h("div.recent");
  const form = createForm();
  const newButton = h(
    "button.primary",
    {
      on: {
        click: () => {
          form.hidden = !form.hidden;
          form.querySelector("input").focus();
        },
      },
    },
    "New pipeline",
  );
  root.append(
    h(
      "div.page.home",
      {},
      pageHeader(h("h1", {}, "Pipelines"), newButton),
      form,
      cards,
      h("h2.section", {}, "Recent runs ", h("a.small", { href: "/runs" }, "all runs →")),
      recent,
    ),
  );

  // An error from an earlier load goes away once a load succeeds (the server is back).
  let loadError = null;
  async function load() {
    try {
      const [pipelines, runs] = await Promise.all([api.pipelines(), api.runs({ limit: 10 })]);
      if (loadError) loadError.close();
      loadError = null;
      renderCards(cards, pipelines);
      clear(recent).append(
        runs.items.length ? runsTable(runs.items) : h("p.muted", {}, "No runs yet. Open a pipeline and press Run."),
      );
    } catch (err) {
      if (loadError) loadError.close();
      loadError = reportError(err);
    }
  }
  load();
  let timer = null;
  live.subscribe((changes) => {
    if (!changes.events.some((e) => e.kind === "run" || e.kind === "pipeline_changed")) return;
    clearTimeout(timer);
    timer = setTimeout(load, 400);
  });
}

function renderCards(cards, pipelines) {
  clear(cards);
  if (!pipelines.length) {
    cards.append(
      h(
        "div.empty-card",
        {},
        h("strong", {}, "This workspace has no pipelines yet."),
        h("p.muted", {}, "Create one with “New pipeline”: you get an empty graph to add blocks to."),
      ),
    );
    return;
  }
  for (const p of pipelines) {
    const last = p.last_run;
    cards.append(
      h(
        "a.card",
        { href: `/pipelines/${encodeURIComponent(p.name)}`, "data-pipeline": p.name },
        h("div.card-head", {}, h("span.card-title", {}, p.name), statusPill(last ? last.status : null)),
        h("div.card-desc", {}, p.description || h("span.muted", {}, "No description")),
        p.error ? h("div.card-error", { title: p.error }, "⚠ ", p.error) : null,
        h(
          "div.card-foot",
          {},
          h("span", {}, `${p.blocks} block${p.blocks === 1 ? "" : "s"}`),
          last
            ? h("span", {}, `last run ${ago(last.created_t)} · ${last.mode} · ${duration(last.duration_s)}`)
            : h("span.muted", {}, "never run"),
        ),
      ),
    );
  }
}

function createForm() {
  const name = h("input", {
    name: "name",
    placeholder: "name, e.g. daily_orders",
    required: true,
    pattern: "[A-Za-z0-9_][A-Za-z0-9_\\-]*",
    autocomplete: "off",
  });
  const description = h("input", { name: "description", placeholder: "what it does (optional)", autocomplete: "off" });
  const error = h("div.form-error");
  const form = h(
    "form.create-form",
    {
      hidden: true,
      on: {
        submit: async (ev) => {
          ev.preventDefault();
          error.textContent = "";
          try {
            await api.createPipeline(name.value.trim(), description.value.trim());
            location.href = `/pipelines/${encodeURIComponent(name.value.trim())}`;
          } catch (err) {
            error.textContent = err.message;
          }
        },
      },
    },
    h("label", {}, "Name", name),
    h("label.grow", {}, "Description", description),
    h("button.primary", { type: "submit" }, "Create"),
    error,
  );
  return form;
}
