// Replay: a slider and play/pause under the run's graph that scrub its recorded live view
// (GET /api/runs/{id}/telemetry: keyframes every 10 s, deltas at the sample rate). The state
// at a moment is the keyframe before it plus the deltas up to it, merged with the live
// view's own merge; the page draws it exactly as it draws a live state.
import { h } from "../core/dom.js";
import { api } from "../core/api.js";
import { merge } from "../core/live.js";
import "./replay.css";

const TICK_MS = 100;
const SPEEDS = [1, 4, 16];

function fmt(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The state at epoch-ms `t` of a recording's `frames` (sorted by t; frames[0] a keyframe). */
export function stateAt(frames, t) {
  let lo = 0;
  let hi = frames.length; // first frame after t
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (frames[mid].t <= t) lo = mid + 1;
    else hi = mid;
  }
  let key = Math.max(0, lo - 1);
  while (key > 0 && !frames[key].k) key--;
  const state = structuredClone(frames[key].s);
  for (let i = key + 1; i < lo; i++) {
    const f = frames[i];
    if (f.b) merge(state.blocks, f.b);
    if (f.e) merge(state.edges, f.e);
    if (f.r) merge(state.run, f.r);
  }
  return state;
}

/** `onState(state, t)`: replay the state of epoch-ms t; `onState(null, null)`: back to live.
 * `isRunning()`: whether the run still runs (its recording grows: fetched again on scrubbing). */
export function replayBar({ runId, onState, isRunning = () => false }) {
  const play = h("button.replay-play", { type: "button", title: "play from here", "aria-label": "play" }, "▶");
  const slider = h("input.replay-slider", {
    type: "range",
    min: "0",
    max: "0",
    step: String(TICK_MS),
    value: "0",
    "aria-label": "replay time",
    "data-testid": "replay-slider",
  });
  const speed = h("button.replay-speed", { type: "button", title: "replay speed" }, "1×");
  const clock = h("span.replay-clock", { "data-testid": "replay-clock" }, "");
  const live = h("button.replay-live", { type: "button", hidden: true }, "Back to the end");
  const note = h("span.replay-note", {}, "");
  const el = h(
    "div.replay-bar",
    { "data-testid": "replay", hidden: true },
    h("span.replay-title", {}, "Replay"),
    play,
    slider,
    clock,
    speed,
    live,
    note,
  );
  let rec = null; // {start_t, end_t, frames}
  let timer = null;
  let rate = 1;
  let loadedAt = 0;

  function show(ms, { replaying = true } = {}) {
    if (!rec) return;
    const at = Math.max(0, Math.min(ms, rec.end_t - rec.start_t));
    slider.value = String(at);
    clock.textContent = `${fmt(at)} / ${fmt(rec.end_t - rec.start_t)}`;
    el.dataset.t = String(rec.start_t + at);
    live.hidden = !replaying;
    onState(replaying ? stateAt(rec.frames, rec.start_t + at) : null, replaying ? rec.start_t + at : null);
  }

  function stop() {
    clearInterval(timer);
    timer = null;
    play.textContent = "▶";
    play.setAttribute("aria-label", "play");
  }

  function start() {
    if (!rec) return;
    if (Number(slider.value) >= rec.end_t - rec.start_t) show(0);
    play.textContent = "❚❚";
    play.setAttribute("aria-label", "pause");
    timer = setInterval(() => {
      const next = Number(slider.value) + TICK_MS * rate;
      show(next);
      if (next >= rec.end_t - rec.start_t) stop();
    }, TICK_MS);
  }

  slider.addEventListener("input", () => show(Number(slider.value)));
  const refresh = () => {
    if (isRunning() && performance.now() - loadedAt > 2000) load();
  };
  slider.addEventListener("pointerdown", refresh);
  slider.addEventListener("keydown", refresh);
  play.addEventListener("click", () => (timer ? stop() : start()));
  speed.addEventListener("click", () => {
    rate = SPEEDS[(SPEEDS.indexOf(rate) + 1) % SPEEDS.length];
    speed.textContent = `${rate}×`;
  });
  live.addEventListener("click", () => {
    stop();
    show(rec.end_t - rec.start_t, { replaying: false });
  });

  /** (Re)load the recording; the bar stays hidden for a run that has none. */
  async function load() {
    loadedAt = performance.now();
    try {
      rec = await api.get(`/api/runs/${encodeURIComponent(runId)}/telemetry`);
    } catch {
      return;
    }
    const span = rec.end_t - rec.start_t;
    slider.max = String(span);
    note.textContent = `${(rec.bytes_per_minute / 1024).toFixed(0)} KB per minute recorded`;
    el.hidden = false;
    live.textContent = isRunning() ? "Back to live" : "Back to the end";
    const replaying = !live.hidden;
    show(replaying ? Number(slider.value) : span, { replaying });
  }

  return { el, load, stop };
}
