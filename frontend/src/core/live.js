// The one live connection (/ws). Keeps the latest state of every run it hears about
// (snapshot + deltas), and hands changes to subscribers at most once per animation frame,
// so a run with 10,000 children never floods the page: the DOM is updated from state, not
// per message.

export function merge(target, patch) {
  for (const [key, value] of Object.entries(patch)) {
    if (value && typeof value === "object" && !Array.isArray(value) && target[key] && typeof target[key] === "object") {
      merge(target[key], value);
    } else {
      target[key] = value;
    }
  }
  return target;
}

class Live {
  constructor() {
    this.runs = new Map(); // run_id -> {run, blocks, edges, seq}
    this.kernel = { status: "starting" };
    this.listeners = new Set(); // (changes) => void ; changes = {runs:Set, events:[...], kernel:bool}
    this.pending = { runs: new Set(), events: [], kernel: false };
    this.scheduled = false;
    this.retry = 250;
    this.connected = false;
  }

  connect() {
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => {
      this.connected = true;
      this.retry = 250;
    };
    socket.onmessage = (message) => this.receive(JSON.parse(message.data));
    socket.onclose = () => {
      this.connected = false;
      this.kernel = { ...this.kernel, status: "disconnected" };
      this.pending.kernel = true;
      this.schedule();
      setTimeout(() => this.connect(), this.retry);
      this.retry = Math.min(this.retry * 2, 5000);
    };
  }

  /** @param {import("./protocol.gen.js").ClientMessage} msg */
  receive(msg) {
    if (msg.type === "hello") {
      this.kernel = msg.kernel;
      this.pending.kernel = true;
    } else if (msg.type === "snapshot") {
      this.runs.set(msg.run_id, { run: msg.run, blocks: msg.blocks, edges: msg.edges, seq: msg.seq, t: msg.t });
      this.pending.runs.add(msg.run_id);
    } else if (msg.type === "delta") {
      const state = this.runs.get(msg.run_id);
      if (!state) {
        this.resync();
        return;
      }
      if (msg.seq <= state.seq) return;
      merge(state.blocks, msg.blocks || {});
      merge(state.edges, msg.edges || {});
      if (msg.run) merge(state.run, msg.run);
      state.seq = msg.seq;
      this.pending.runs.add(msg.run_id);
    } else if (msg.type === "event") {
      if (msg.kind === "kernel") {
        this.kernel = { ...this.kernel, status: msg.status, reason: msg.reason };
        this.pending.kernel = true;
      }
      const state = msg.run_id && this.runs.get(msg.run_id);
      if (state) {
        state.seq = Math.max(state.seq, msg.seq);
        if (msg.kind === "run") state.run = { ...state.run, phase: msg.to, error: msg.error };
        if (msg.kind === "phase" && msg.uuid === msg.block && state.blocks[msg.block])
          state.blocks[msg.block].phase = msg.to;
        this.pending.runs.add(msg.run_id);
      } else if (msg.kind === "run" && msg.run_id) {
        this.runs.set(msg.run_id, {
          run: { phase: msg.to, mode: msg.mode, error: msg.error },
          blocks: {},
          edges: {},
          seq: msg.seq,
        });
        this.pending.runs.add(msg.run_id);
      }
      this.pending.events.push(msg);
    }
    this.schedule();
  }

  resync() {
    if (this.socket && this.socket.readyState === 1) this.socket.send(JSON.stringify({ type: "resync" }));
  }

  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    // Once per animation frame; a background tab gets no frames, so a timer flushes too.
    const flush = () => {
      if (!this.scheduled) return;
      this.scheduled = false;
      const changes = this.pending;
      this.pending = { runs: new Set(), events: [], kernel: false };
      for (const fn of this.listeners) {
        try {
          fn(changes);
        } catch (err) {
          console.error(err);
        }
      }
    };
    requestAnimationFrame(flush);
    setTimeout(flush, 250);
  }

  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  state(runId) {
    return this.runs.get(runId);
  }
}

export const live = new Live();
