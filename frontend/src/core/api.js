// The HTTP API. Every error becomes an ApiError whose message is the server's, which names
// the block, port, file or field and says how to fix it.

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || (body && body.detail && JSON.stringify(body.detail)) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.block = error.block;
    this.field = error.field;
  }
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

// The server's double-submit XSRF check: a request that changes something repeats the
// `_xsrf` cookie (set with every page) in a header.
function xsrfToken() {
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("_xsrf="));
  return cookie ? decodeURIComponent(cookie.slice("_xsrf=".length)) : "";
}

// `version`: the file version (from a read) a change is based on, sent as If-Match; the
// server answers 412 (ApiError.status) when the file has changed since.
async function request(method, path, body, version) {
  /** @type {RequestInit & {headers: Record<string, string>}} */
  const init = { method, headers: {}, credentials: "same-origin" };
  if (!SAFE.has(method)) init.headers["x-xsrftoken"] = xsrfToken();
  if (version) init.headers["if-match"] = `"${version}"`;
  if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  // The session ended (the server restarted with a new token): the page asks for it again.
  if (response.status === 401) window.location.reload();
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

const enc = encodeURIComponent;

export const api = {
  get: (path) => request("GET", path),
  post: (path, body) => request("POST", path, body ?? {}),
  put: (path, body) => request("PUT", path, body),
  patch: (path, body) => request("PATCH", path, body),
  del: (path) => request("DELETE", path),

  pipelines: () => request("GET", "/api/pipelines"),
  pipeline: (name) => request("GET", `/api/pipelines/${enc(name)}`),
  plan: (name) => request("GET", `/api/pipelines/${enc(name)}/plan`),
  validate: (name) => request("POST", `/api/pipelines/${enc(name)}/validate`, {}),
  createPipeline: (name, description = "") => request("POST", "/api/pipelines", { name, description }),
  updatePipeline: (name, patch, version) => request("PATCH", `/api/pipelines/${enc(name)}`, patch, version),
  deletePipeline: (name, version) => request("DELETE", `/api/pipelines/${enc(name)}`, undefined, version),
  library: (name) => request("GET", `/api/pipelines/${enc(name)}/library`),
  addBlock: (p, body, version) => request("POST", `/api/pipelines/${enc(p)}/blocks`, body, version),
  saveCode: (p, b, code, version) =>
    request("PUT", `/api/pipelines/${enc(p)}/blocks/${enc(b)}/code`, { code }, version),
  block: (p, b) => request("GET", `/api/pipelines/${enc(p)}/blocks/${enc(b)}`),
  updateBlock: (p, b, body, version) => request("PATCH", `/api/pipelines/${enc(p)}/blocks/${enc(b)}`, body, version),
  updatePort: (p, b, port, settings, version) =>
    request("PATCH", `/api/pipelines/${enc(p)}/blocks/${enc(b)}/ports/${enc(port)}`, { settings }, version),
  deleteBlock: (p, b, version) => request("DELETE", `/api/pipelines/${enc(p)}/blocks/${enc(b)}`, undefined, version),
  addEdge: (p, body, version) => request("POST", `/api/pipelines/${enc(p)}/edges`, body, version),
  removeEdge: (p, id, version) => request("DELETE", `/api/pipelines/${enc(p)}/edges/${enc(id)}`, undefined, version),
  runCell: (p, b, body = {}) => request("POST", `/api/pipelines/${enc(p)}/blocks/${enc(b)}/run`, body),
  staleCells: (p) => request("GET", `/api/pipelines/${enc(p)}/stale`),
  startRun: (p, body = {}) => request("POST", `/api/pipelines/${enc(p)}/runs`, body),
  runs: (query = {}) => request("GET", `/api/runs?${new URLSearchParams(query)}`),
  run: (id) => request("GET", `/api/runs/${enc(id)}`),
  cancelRun: (id) => request("POST", `/api/runs/${enc(id)}/cancel`, {}),
  rerun: (id, fromFailed = true) => request("POST", `/api/runs/${enc(id)}/rerun`, { from_failed: fromFailed }),
  children: (id, block, query = {}) =>
    request("GET", `/api/runs/${enc(id)}/blocks/${enc(block)}/children?${new URLSearchParams(query)}`),
  outputs: (id, block, uuid, query = {}) =>
    request("GET", `/api/runs/${enc(id)}/outputs/${enc(block)}/${enc(uuid)}?${new URLSearchParams(query)}`),
  logs: (id, query = {}) => request("GET", `/api/runs/${enc(id)}/logs?${new URLSearchParams(query)}`),
  events: (id, query = {}) => request("GET", `/api/runs/${enc(id)}/events?${new URLSearchParams(query)}`),
  kernel: () => request("GET", "/api/kernel"),

  // Settings (panel/): pipeline settings, config rules, raw YAML, workspace sluicegate.yaml.
  settingsCatalog: () => request("GET", "/api/settings/catalog"),
  patchSettings: (p, settings, version) => request("PATCH", `/api/pipelines/${enc(p)}/settings`, { settings }, version),
  patchBuffers: (p, buffers, version) => request("PATCH", `/api/pipelines/${enc(p)}/buffers`, { buffers }, version),
  rules: (p) => request("GET", `/api/pipelines/${enc(p)}/config`),
  addRule: (p, rule, version) => request("POST", `/api/pipelines/${enc(p)}/config`, { rule }, version),
  replaceRule: (p, i, rule, version) => request("PUT", `/api/pipelines/${enc(p)}/config/${i}`, { rule }, version),
  moveRule: (p, i, to, version) => request("POST", `/api/pipelines/${enc(p)}/config/${i}/move`, { to }, version),
  deleteRule: (p, i, version) => request("DELETE", `/api/pipelines/${enc(p)}/config/${i}`, undefined, version),
  applyPort: (p, body, version) => request("POST", `/api/pipelines/${enc(p)}/ports/apply`, body, version),
  putPipelineYaml: (p, text, version) => request("PUT", `/api/pipelines/${enc(p)}/yaml`, { text }, version),
  workspaceSettings: () => request("GET", "/api/workspace/settings"),
  patchWorkspace: (patch, version) => request("PATCH", "/api/workspace/settings", patch, version),
  putWorkspaceYaml: (text, version) => request("PUT", "/api/workspace/yaml", { text }, version),
};
