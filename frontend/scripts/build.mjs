// Builds the browser app into server/sluicegate/web/static/dist/:
//   app.js           the entry: the live connection, the kernel badge and the page table;
//   chunk-*.js       every page's code and the code pages share (esbuild splitting): a page
//                    loads its own chunks (src/pages/index.js), never another page's;
//   app.css          every style of every page, in one file the page shell links;
//   elk-worker.js    elkjs's own web worker script (1.6 MB), started by the graph layout on its
//                    first layout (src/graph/layout.js): never part of the first paint.
// Prints what each page loads before it can draw (the entry, the page's chunk and the chunks
// it imports, transitively), writes it to bundle-sizes.json (read by the tests; not in the
// wheel) and fails when a page is over BUDGET_BYTES (issue 12: 600 KB minified). `--watch`
// rebuilds on every change (no budget).
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(dirname(fileURLToPath(import.meta.url)));
const OUT = join(here, "..", "server", "sluicegate", "web", "static", "dist");
const BUDGET_BYTES = 600 * 1024;
const watch = process.argv.includes("--watch");

const common = {
  entryPoints: [join(here, "src", "main.js")],
  bundle: true,
  format: "esm",
  target: "es2020",
  minify: !watch,
  sourcemap: true,
  logLevel: watch ? "info" : "warning",
};
// The scripts: split, with CSS imports left out (a chunk's CSS would need loading by hand).
const scripts = {
  ...common,
  splitting: true,
  entryNames: "app",
  chunkNames: "chunk-[hash]",
  outdir: OUT,
  loader: { ".css": "empty" },
  metafile: true,
};
// The styles: the same modules bundled whole; only app.css (and its map) is kept.
const styles = {
  ...common,
  outfile: join(OUT, "app.js"),
  loader: { ".css": "css" },
  write: false,
  plugins: [
    {
      name: "keep-css",
      setup(build) {
        build.onEnd((result) => {
          for (const file of result.outputFiles || []) {
            if (/\.css(\.map)?$/.test(file.path)) writeFileSync(file.path, file.contents);
          }
        });
      },
    },
  ],
};

// Bytes each page loads before it draws: the entry's static imports, then the page's chunk
// (the dynamic import in src/pages/index.js) and its static imports.
function pageSizes(metafile) {
  const outputs = metafile.outputs;
  const loaded = (start, seen = new Set()) => {
    if (seen.has(start)) return seen;
    seen.add(start);
    for (const imp of outputs[start].imports) if (imp.kind === "import-statement") loaded(imp.path, seen);
    return seen;
  };
  const entry = Object.keys(outputs).find((p) => outputs[p].entryPoint);
  const sizes = {};
  for (const imp of outputs[entry].imports) {
    if (imp.kind !== "dynamic-import") continue;
    const page = outputs[imp.path].entryPoint || imp.path;
    const files = loaded(imp.path, loaded(entry));
    sizes[relative("src/pages", page)] = [...files].reduce((n, f) => n + outputs[f].bytes, 0);
  }
  return sizes;
}

mkdirSync(OUT, { recursive: true });
copyFileSync(join(here, "node_modules", "elkjs", "lib", "elk-worker.min.js"), join(OUT, "elk-worker.js"));

if (watch) {
  await (await esbuild.context(styles)).watch();
  await (await esbuild.context(scripts)).watch();
} else {
  await esbuild.build(styles);
  const { metafile } = await esbuild.build(scripts);
  const built = new Set(Object.keys(metafile.outputs).map((p) => basename(p)));
  for (const name of readdirSync(OUT)) if (name.startsWith("chunk-") && !built.has(name)) rmSync(join(OUT, name));
  const sizes = pageSizes(metafile);
  writeFileSync(join(OUT, "bundle-sizes.json"), `${JSON.stringify(sizes, null, 2)}\n`);
  let over = false;
  for (const [page, bytes] of Object.entries(sizes)) {
    over ||= bytes > BUDGET_BYTES;
    console.log(`${page.padEnd(16)} ${(bytes / 1024).toFixed(0).padStart(5)} KB before the first paint`);
  }
  if (over) {
    console.error(`a page is over its budget of ${BUDGET_BYTES / 1024} KB: load the new weight on demand`);
    process.exit(1);
  }
}
