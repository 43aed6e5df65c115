// Entry point: read the page's data, start the live connection, mount the page.
import "./core/base.css";
import { live } from "./core/live.js";
import { mountKernelBadge } from "./core/kernel_badge.js";
import { pages } from "./pages/index.js";

const root = document.getElementById("app");
const data = JSON.parse(root.dataset.sluicegate || "{}");
live.connect();
mountKernelBadge(document.getElementById("kernel-status"));
const mount = pages[data.page];
if (mount) mount(root, data);
else root.textContent = `unknown page ${data.page}`;
