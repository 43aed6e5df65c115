// A cell's output: the CellResult of running it (status, items as a table or reprs, stdout,
// log lines) or its traceback; also the "running…" state and request errors.
import { fmtDuration, h } from "../core/dom.js";
import { count, pageSize, pageView, plural } from "./preview.js";

function statusBar(result, extra) {
  const ok = result.status === "succeeded";
  return h(
    "div.output-bar",
    {},
    h(`span.output-status.${ok ? "ok" : "bad"}`, {}, ok ? "✓ succeeded" : "✕ failed"),
    ok || result.count ? h("span.output-fact", {}, plural(result.count || 0, "item")) : null,
    result.duration_s ? h("span.output-fact", {}, fmtDuration(result.duration_s)) : null,
    result.run_upstream ? h("span.output-fact", {}, "with upstream") : null,
    h("span.spacer"),
    extra,
  );
}

// The failing line and file: from the error, else from the traceback's last frame.
function failingAt(error, file) {
  if (error.line) return { line: error.line, file };
  const frames = [...(error.traceback || "").matchAll(/File "([^"]*)", line (\d+)/g)];
  const last = frames[frames.length - 1];
  return last ? { line: Number(last[2]), file: file || last[1].split(/[\\/]/).pop() } : null;
}

export function errorView(error, file) {
  const at = failingAt(error, file);
  const where = at ? `line ${at.line}${at.file ? ` of ${at.file}` : ""}` : null;
  return h(
    "div.output-error",
    {},
    h(
      "div.output-error-head",
      {},
      h("span.output-error-type", {}, error.type || "Error"),
      h("span.output-error-message", {}, error.message || ""),
    ),
    where || error.block
      ? h(
          "div.output-error-where",
          {},
          [where, error.block && error.block !== error.type ? `in ${error.block}` : null].filter(Boolean).join(" · "),
        )
      : null,
    error.traceback ? h("pre.output-traceback", {}, error.traceback.trimEnd()) : null,
  );
}

export function logLines(lines) {
  return h(
    "div.log-lines",
    {},
    lines.map((line) =>
      h(
        `div.log-line.level-${(line.level || "info").toLowerCase()}`,
        {},
        h("span.log-level", {}, (line.level || "INFO").toUpperCase()),
        line.uuid && line.uuid !== line.block ? h("span.log-uuid", {}, line.uuid) : null,
        h("span.log-message", {}, line.message),
      ),
    ),
  );
}

function section(title, ...body) {
  return h("div.output-section", {}, h("div.output-section-title", {}, title), ...body);
}

// `result`: a CellResult. `on.inspect(runId)` opens every stored item in the inspector;
// `on.close()` hides the output.
export function resultView(result, { file, on }) {
  const shown = pageSize(result.preview);
  const total = result.count || 0;
  const inspect =
    result.run_id && total > 0
      ? h(
          "button.nb-link",
          { on: { click: () => on.inspect(result.run_id) }, title: "page through every stored item" },
          "Inspect output →",
        )
      : null;
  const close = h(
    "button.nb-icon.output-close",
    { title: "clear output", "aria-label": "clear output", on: { click: () => on.close() } },
    "×",
  );
  const parts = [statusBar(result, [inspect, close])];
  if (result.error) parts.push(errorView(result.error, file));
  if (result.preview) {
    const preview = h("div.output-preview", {}, pageView(result.preview));
    parts.push(shown < total ? section(`showing ${count(shown)} of ${plural(total, "item")}`, preview) : preview);
  } else if (result.status === "succeeded") {
    parts.push(h("div.output-empty", {}, total ? `${plural(total, "item")}, none stored` : "no output"));
  }
  if (result.stdout) parts.push(section("stdout", h("pre.output-stdout", {}, result.stdout.trimEnd())));
  if (result.logs && result.logs.length)
    parts.push(section(`log · ${plural(result.logs.length, "line")}`, logLines(result.logs)));
  return h(`div.cell-output.status-${result.status}`, { "data-testid": "cell-output" }, parts);
}

export function runningView(withUpstream) {
  const started = performance.now();
  const clock = h("span.output-fact", {}, "0.0 s");
  const el = h(
    "div.cell-output.status-running",
    {},
    h(
      "div.output-bar",
      {},
      h("span.output-status.running", {}, h("span.spinner"), withUpstream ? "running with upstream…" : "running…"),
      clock,
    ),
  );
  const timer = setInterval(() => {
    if (!el.isConnected) {
      clearInterval(timer);
      return;
    }
    clock.textContent = `${((performance.now() - started) / 1000).toFixed(1)} s`;
  }, 100);
  return el;
}

// Waiting for the cell runs queued before this one (the kernel runs one thing at a time).
export function queuedView() {
  return h(
    "div.cell-output.status-queued",
    {},
    h("div.output-bar", {}, h("span.output-status.running", {}, "queued: runs after the cells before it…")),
  );
}

// A queued run that did not start: the cell run before it failed.
export function skippedView(failed, on) {
  return h(
    "div.cell-output.status-skipped",
    { "data-testid": "cell-output" },
    h(
      "div.output-bar",
      {},
      h("span.output-status.bad", {}, `not run: ${failed}, queued before it, failed`),
      h("span.spacer"),
      h("button.nb-icon.output-close", { title: "clear output", on: { click: () => on.close() } }, "×"),
    ),
  );
}

export function requestErrorView(message, on) {
  return h(
    "div.cell-output.status-failed",
    {},
    h(
      "div.output-bar",
      {},
      h("span.output-status.bad", {}, "✕ could not run"),
      h("span.spacer"),
      h("button.nb-icon.output-close", { title: "clear output", on: { click: () => on.close() } }, "×"),
    ),
    h("div.output-error", {}, h("div.output-error-head", {}, h("span.output-error-message", {}, message))),
  );
}
