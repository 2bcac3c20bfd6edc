// Bundles each entry point in lib/entries/ (compiled by `npm run build`) into dist/<name>/index.js
// with @vercel/ncc. The LanceDB native package and apache-arrow stay external: they are
// installed at run time (see dist/package.json), and Arrow must be the copy LanceDB uses.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DIGEST_FILE, sourceDigest } from "./source-digest.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const externals = ["@lancedb/lancedb", "apache-arrow"];
// src/report/dashboard/index.ts: UPLOT_FILES, and the call that resolves them
const UPLOT_FILES = ["uPlot.iife.min.js", "uPlot.min.css"];
const UPLOT_MARKER = "uplot/dist/uPlot.iife.min.js";
// the entry points of src/ (a stale file in lib/ from a removed entry is not one)
const entries = readdirSync(path.join(root, "src/entries"))
  .filter((f) => f.endsWith(".ts"))
  .map((f) => f.replace(/\.ts$/, ".js"));
for (const entry of entries) {
  const name = path.basename(entry, ".js");
  const out = path.join(root, "dist", name);
  rmSync(out, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [
      path.join(root, "node_modules/@vercel/ncc/dist/ncc/cli.js"),
      "build",
      path.join("lib/entries", entry),
      "-o",
      path.relative(root, out),
      "--quiet",
      ...externals.flatMap((e) => ["-e", e]),
    ],
    { cwd: root, stdio: "inherit" },
  );
  // The dashboard copies uPlot's browser files into its folder: a bundle that can write one
  // carries them beside itself (an action has no node_modules; see uplotDist()).
  if (readFileSync(path.join(out, "index.js"), "utf8").includes(UPLOT_MARKER)) {
    mkdirSync(path.join(out, "uplot"));
    for (const file of UPLOT_FILES)
      copyFileSync(path.join(root, "node_modules/uplot/dist", file), path.join(out, "uplot", file));
  }
  console.log(`bundled dist/${name}/index.js`);
}
// what these bundles were built from (the tests refuse to run a bundle older than its sources)
writeFileSync(path.join(root, DIGEST_FILE), `${sourceDigest(root)}\n`);
console.log(`wrote ${DIGEST_FILE}`);
