// A block's colour in the live view, from its phase and activity (docs/dataflow.md, "Phases
// and activities"): one of the tone-* classes that graph.css and the timeline share.

const PHASE_TONE = {
  succeeded: "ok",
  failed: "bad",
  upstream_failed: "bad",
  cancelled: "cancelled",
  skipped: "cancelled",
  ready: "queued",
  waiting: "waiting",
  created: "idle",
};

const ACTIVITY_TONE = {
  backpressured: "backpressured",
  starved: "starved",
  waiting_children: "waiting",
  busy: "busy",
};

export function toneOf(t) {
  if (!t || !t.phase) return "idle";
  if (t.phase !== "running") return PHASE_TONE[t.phase] || "idle";
  const activity = t.activity || (t.children && t.children.child_max_activity);
  if ((t.flags || []).includes("accumulating") && activity !== "backpressured") return "accumulating";
  return ACTIVITY_TONE[activity] || "busy";
}

// The CSS custom property of each tone, for canvas drawing.
export const TONE_VAR = {
  ok: "--ok",
  bad: "--bad",
  cancelled: "--cancelled",
  queued: "--queued",
  waiting: "--waiting",
  idle: "--waiting",
  backpressured: "--warn",
  starved: "--starved",
  busy: "--busy",
  accumulating: "--accumulating",
};

export function toneColor(tone, root = document.documentElement) {
  return (
    getComputedStyle(root)
      .getPropertyValue(TONE_VAR[tone] || "--waiting")
      .trim() || "#999"
  );
}

// "SUCCEEDED" -> "succeeded"; "3 running · 2 backpressured" stays as it is.
export function prettyLabel(label, phase) {
  const text = label || (phase ? phase.toUpperCase() : "");
  return text === text.toUpperCase() ? text.toLowerCase().replace(/_/g, " ") : text;
}
