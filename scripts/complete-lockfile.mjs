// Adds the missing platform packages of native dependencies to the lockfiles.
//
// Why: the npm registry reachable from this project's build machines serves only the
// linux-x64 builds of packages such as @lancedb/lancedb-darwin-arm64. `npm install` then
// silently leaves the other platforms' optional packages out of package-lock.json, and
// `npm ci` refuses the lockfile ("Missing: ... from lock file") everywhere. Each added
// entry is gated by `os`/`cpu`/`libc`, so npm never fetches it on another platform.
// Run after changing dependencies: node scripts/complete-lockfile.mjs
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const PLATFORM = /-(darwin|linux|win32)-(x64|arm64)(?:-(gnu|musl|msvc))?$/;
const LIBC = { gnu: "glibc", musl: "musl" };

for (const file of ["package-lock.json", "dist/package-lock.json"]) {
  const lockPath = path.join(root, file);
  const lock = JSON.parse(readFileSync(lockPath, "utf8"));
  const added = [];
  for (const [key, entry] of Object.entries(lock.packages)) {
    for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
      const match = PLATFORM.exec(name);
      const target = `node_modules/${name}`;
      if (!match || lock.packages[target]) continue;
      const [, os, cpu, abi] = match;
      lock.packages[target] = {
        version,
        cpu: [cpu],
        ...(LIBC[abi] ? { libc: [LIBC[abi]] } : {}),
        license: entry.license,
        optional: true,
        os: [os],
      };
      added.push(`${name}@${version} (for ${key || "root"})`);
    }
  }
  lock.packages = Object.fromEntries(
    Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))),
  );
  writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`${file}: ${added.length ? `added ${added.join(", ")}` : "complete"}`);
}
