// Bundles each entry point in lib/entries/ (compiled by `npm run build`) into dist/<name>/index.js
// with @vercel/ncc. The LanceDB native package and apache-arrow stay external: they are
// installed at run time (see dist/package.json), and Arrow must be the copy LanceDB uses.
import { execFileSync } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const externals = ["@lancedb/lancedb", "apache-arrow"];
const entries = readdirSync(path.join(root, "lib/entries")).filter((f) => f.endsWith(".js"));
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
  console.log(`bundled dist/${name}/index.js`);
}
