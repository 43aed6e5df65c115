// The raw YAML of pipeline.yaml and sluicegate.yaml, in a CodeMirror editor with YAML
// highlighting. Save (or Ctrl/Cmd-S) sends the text as typed: the server keeps it only if it
// loads and plans, and otherwise answers with the problem, shown here, while the file on disk
// stays as it was. Comments are kept because the text is saved as it is.
import { EditorView, basicSetup } from "codemirror";
import { yaml } from "@codemirror/lang-yaml";
import { EditorState } from "@codemirror/state";
import { keymap } from "@codemirror/view";
import { h, clear } from "../core/dom.js";
import { api } from "../core/api.js";
import { toast } from "../pages/common.js";

const FILES = [
  ["pipeline", "pipeline.yaml"],
  ["workspace", "sluicegate.yaml"],
];

// ctx: the editor page's {pipeline, data, mutate}; which: "pipeline" | "workspace".
export function openYamlEditor(ctx, which = "pipeline") {
  let current = which;
  let saved = ""; // the text as last read or saved
  let version = null;
  let readOnly = false;
  const status = h("span.yaml-status.muted", { role: "status" });
  const error = h("div.error-box.yaml-error", { hidden: true, role: "alert" });
  const host = h("div.yaml-host");
  const tabs = FILES.map(([id, label]) =>
    h(
      "button.tab",
      { type: "button", role: "tab", "data-file": id, on: { click: () => switchTo(id) } },
      id === "pipeline" ? `pipelines/${ctx.pipeline}/${label}` : label,
    ),
  );
  const saveButton = h("button.primary", { type: "button", on: { click: () => save() } }, "Save");
  const dialog = h(
    "dialog.yaml-dialog",
    { "aria-label": "edit YAML", "data-testid": "yaml-editor" },
    h(
      "div.yaml-head",
      {},
      h("div.tabs", { role: "tablist" }, tabs),
      h("div.grow"),
      status,
      h("button", { type: "button", title: "discard your changes", on: { click: () => load(current) } }, "Revert"),
      saveButton,
      h("button", { type: "button", on: { click: () => close() } }, "Close"),
    ),
    error,
    host,
  );
  const view = new EditorView({
    parent: host,
    state: EditorState.create({ doc: "" }),
  });

  function dirty() {
    return view.state.doc.toString() !== saved;
  }

  function setDoc(text) {
    view.setState(
      EditorState.create({
        doc: text,
        extensions: [
          basicSetup,
          yaml(),
          EditorState.readOnly.of(readOnly),
          keymap.of([
            {
              key: "Mod-s",
              preventDefault: true,
              run: () => {
                save();
                return true;
              },
            },
          ]),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) status.textContent = dirty() ? "unsaved changes" : "";
          }),
        ],
      }),
    );
  }

  function showError(message) {
    error.hidden = !message;
    clear(error).append(message || "");
  }

  async function load(id) {
    current = id;
    for (const tab of tabs) tab.setAttribute("aria-selected", String(tab.dataset.file === id));
    showError("");
    status.textContent = "loading…";
    try {
      if (id === "pipeline") {
        const data = await api.pipeline(ctx.pipeline);
        saved = data.yaml || "";
        version = data.version;
        readOnly = !!data.mage;
      } else {
        const data = await api.workspaceSettings();
        saved = data.yaml;
        version = data.version;
        readOnly = false;
        if (data.error) showError(`sluicegate.yaml: ${data.error.message}`);
      }
      setDoc(saved);
      saveButton.disabled = readOnly;
      status.textContent = readOnly ? "a Mage pipeline's metadata.yaml: read only" : "";
      view.focus();
    } catch (err) {
      status.textContent = "";
      showError(err.message);
    }
  }

  function switchTo(id) {
    if (id === current) return;
    if (dirty() && !confirm("Discard your unsaved changes to this file?")) return;
    load(id);
  }

  async function save() {
    if (readOnly) return;
    const text = view.state.doc.toString();
    status.textContent = "saving…";
    try {
      const data =
        current === "pipeline"
          ? await api.putPipelineYaml(ctx.pipeline, text, version)
          : await api.putWorkspaceYaml(text, version);
      saved = text;
      version = data.version;
      showError("");
      status.textContent = "saved";
      ctx.mutate(async () => (current === "pipeline" ? data : api.pipeline(ctx.pipeline)));
    } catch (err) {
      status.textContent = "not saved";
      const name = current === "pipeline" ? "pipeline.yaml" : "sluicegate.yaml";
      showError(
        err.status === 412
          ? `${name} was changed on disk since it was opened here, so this was not saved. Copy your changes, press Revert to see the file as it is now, and make them again.`
          : `Not saved (the file on disk is unchanged): ${err.message}`,
      );
    }
  }

  function close() {
    if (dirty() && !confirm("Close without saving your changes?")) return;
    dialog.close();
  }

  dialog.addEventListener("cancel", (ev) => {
    ev.preventDefault(); // Escape asks first, like Close
    close();
  });
  dialog.addEventListener("close", () => {
    view.destroy();
    dialog.remove();
    if (status.textContent === "saved") toast("Saved.", "info");
  });
  document.body.append(dialog);
  dialog.showModal();
  load(which);
  return dialog;
}
