// Page name (from the Jinja2 shell's data-sluicegate) -> mount function.
import { mountHome } from "./home.js";
import { mountRuns } from "./runs.js";
import { mountEditor } from "./editor/index.js";
import { mountRun } from "./run/index.js";

export const pages = {
  home: mountHome,
  runs: mountRuns,
  editor: mountEditor,
  run: mountRun,
};
