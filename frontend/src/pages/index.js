// Page name (from the Jinja2 shell's data-sluicegate) -> mount function. Each page's code is
// its own chunk (esbuild splitting, scripts/build.mjs), loaded when that page is opened: the
// pipeline list and run history never load the code editor, and no page loads the others.
const lazy = (load, name) => async (root, data) => (await load())[name](root, data);

export const pages = {
  home: lazy(() => import("./home.js"), "mountHome"),
  runs: lazy(() => import("./runs.js"), "mountRuns"),
  editor: lazy(() => import("./editor/index.js"), "mountEditor"),
  run: lazy(() => import("./run/index.js"), "mountRun"),
};
