// Copies Swagger UI (the API reference at /docs) next to the bundle, so /docs needs no CDN.
import { copyFileSync, mkdirSync } from "node:fs";

const from = new URL("../node_modules/swagger-ui-dist/", import.meta.url);
const to = new URL("../../server/sluicegate/web/static/dist/swagger/", import.meta.url);
mkdirSync(to, { recursive: true });
for (const name of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
  copyFileSync(new URL(name, from), new URL(name, to));
}
