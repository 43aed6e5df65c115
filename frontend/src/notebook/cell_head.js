// A cell's header: position, block name, kind, settings, inputs and file; the unsaved marker,
// Save, "with upstream" and Run.
import { h } from "../core/dom.js";

const FLAGS = ["dynamic", "reduce_output", "collect", "stream", "explode"];

function flags(spec) {
  const out = FLAGS.filter((key) => spec && spec[key]).map((key) =>
    h("span.cell-flag", { title: `${key}: true` }, key.replace("_", " ")),
  );
  if (spec && spec.match && spec.match !== "product") out.push(h("span.cell-flag", {}, `match: ${spec.match}`));
  return out;
}

// `on`: {save(), run(), stop()}. Returns {el, render(meta), setDirty(bool), setBusy(what), upstream()}.
export function cellHead(name, on) {
  const index = h("span.cell-index");
  const kind = h("span.cell-kind");
  const badges = h("span.cell-flags");
  const inputs = h("span.cell-inputs");
  const file = h("span.cell-file");
  const unsaved = h(
    "span.cell-unsaved",
    { title: "the editor differs from the saved file; Ctrl/Cmd-S saves", "data-testid": "unsaved" },
    "unsaved",
  );
  const save = h(
    "button.cell-save",
    { title: "Save (Ctrl/Cmd-S)", disabled: true, on: { click: () => on.save() } },
    "Save",
  );
  const toggle = h("input", { type: "checkbox" });
  const upstream = h(
    "label.cell-upstream",
    { title: "run the blocks upstream of this one too, instead of reusing their stored outputs" },
    toggle,
    "with upstream",
  );
  let running = false;
  const icon = h("span.run-icon", {}, "▶");
  const label = h("span.run-label", {}, "Run");
  const run = h(
    "button.primary.cell-run",
    {
      title: "Run this block (Ctrl-Enter; Shift-Enter runs and moves to the next cell)",
      on: { click: () => (running ? on.stop() : on.run()) },
    },
    icon,
    label,
  );
  const el = h(
    "div.cell-head",
    {},
    index,
    h("span.cell-name", {}, name),
    kind,
    badges,
    inputs,
    h("span.spacer"),
    file,
    unsaved,
    save,
    upstream,
    run,
  );
  return {
    el,
    render(meta) {
      index.textContent = String(meta.position);
      kind.textContent = meta.kind ? meta.kind.replace("_", " ") : "";
      kind.className = `cell-kind kind-${meta.kind || "none"}`;
      kind.hidden = !meta.kind;
      badges.replaceChildren(...flags(meta.spec));
      inputs.textContent = meta.inputs.length ? `← ${meta.inputs.join(", ")}` : "";
      inputs.title = meta.inputs.length ? `inputs: ${meta.inputs.join(", ")}` : "";
      file.textContent = meta.file || "";
      file.title = meta.file ? `pipelines/${meta.pipeline}/${meta.file}` : "";
    },
    setDirty(dirty) {
      save.disabled = !dirty;
    },
    setBusy(what) {
      running = what === "running";
      save.textContent = what === "saving" ? "Saving…" : "Save";
      icon.textContent = running ? "■" : "▶";
      label.textContent = running ? "Stop" : what === "queued" ? "Queued" : "Run";
      run.title = running
        ? "Stop this run (the kernel is restarted if the code does not stop)"
        : "Run this block (Ctrl-Enter; Shift-Enter runs and moves to the next cell)";
      run.classList.toggle("stop", running);
    },
    upstream: () => toggle.checked,
  };
}
