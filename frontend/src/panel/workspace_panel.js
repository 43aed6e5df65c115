// The workspace's sluicegate.yaml in the side panel: keep_outputs, `settings:` and `buffers:`
// shared by every pipeline (a pipeline's own keys win). Each field saves itself through
// PATCH /api/workspace/settings, which keeps the file's comments; the pipeline is then read
// again, since its resolved values may have changed.
import { h, append, clear } from "../core/dom.js";
import { api } from "../core/api.js";
import { reportError } from "../pages/common.js";
import { fold, settingField } from "./setting_fields.js";

export function workspaceEditor(ctx, catalogPromise, { onOpenYaml }) {
  const el = h("div.workspace-settings", { "data-testid": "workspace-settings" }, h("div.muted", {}, "loading…"));
  let state = null;

  async function save(patch) {
    try {
      state = await api.patchWorkspace(patch, state && state.version);
      ctx.mutate(() => api.pipeline(ctx.pipeline));
    } catch (err) {
      reportError(err);
      if (err.status === 412) state = await api.workspaceSettings();
    }
    catalogPromise.then(render);
  }

  function render(catalog) {
    const spec = (state && state.spec) || {};
    const section = (name, entries) =>
      entries.map((entry) =>
        settingField(entry, {
          name: `workspace-${name}-${entry.key}`,
          value: (spec[name] || {})[entry.key],
          inherit: `not set (default ${entry.default ?? "automatic"})`,
          save: (value) => save({ [name]: { [entry.key]: value } }),
        }),
      );
    const setCount = (name) => Object.keys(spec[name] || {}).length;
    append(clear(el), [
      state && state.error ? h("div.error-box", {}, `sluicegate.yaml: ${state.error.message}`) : null,
      h(
        "p.muted.fold-note",
        {},
        state && state.exists
          ? "Shared by every pipeline of the workspace; a pipeline's own keys win."
          : "No sluicegate.yaml yet: a value set here creates it.",
      ),
      catalog.workspace.map((entry) =>
        settingField(entry, {
          name: `workspace-${entry.key}`,
          value: spec[entry.key],
          inherit: `not set (default ${entry.default})`,
          save: (value) => save({ [entry.key]: value }),
        }),
      ),
      fold("ws-settings", `Run settings (${setCount("settings")} set)`, section("settings", catalog.settings)),
      fold("ws-buffers", `Buffers (${setCount("buffers")} set)`, section("buffers", catalog.ports)),
      h("button.small", { type: "button", on: { click: onOpenYaml } }, "Edit sluicegate.yaml…"),
    ]);
  }

  Promise.all([api.workspaceSettings(), catalogPromise])
    .then(([data, catalog]) => {
      state = data;
      render(catalog);
    })
    .catch((err) => append(clear(el), [h("div.muted", {}, `sluicegate.yaml could not be read: ${err.message}`)]));
  return el;
}
