// Writes dist/runtime-manifest.json: for each supported platform, the digest of every package
// the runtime lockfile installs there (src/runtime/tree-hash.ts). The actions trust a runtime
// folder (tool cache or GitHub's cache) only if it hashes to these digests, which ship with the
// action, outside the folder. Installs the lockfile once per platform into a temp folder (npm's
// --os/--cpu/--libc pick the native packages); skipped when the manifest already matches the
// lockfile, unless --force. Run by `npm run bundle`, after `npm run build` (it uses lib/).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { MANIFEST_FILE, installRuntime, lockfileSha256 } from "../lib/runtime/ensure.js";
import { SUPPORTED_PLATFORMS } from "../lib/runtime/platform.js";
import { hashTree } from "../lib/runtime/tree-hash.js";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const dist = path.join(root, "dist");
const target = path.join(dist, MANIFEST_FILE);
const lockSha = await lockfileSha256(dist);
if (!process.argv.includes("--force") && existsSync(target)) {
  if (JSON.parse(readFileSync(target, "utf8")).lockfileSha256 === lockSha) {
    console.log(`dist/${MANIFEST_FILE} matches the runtime lockfile`);
    process.exit(0);
  }
}
const lock = JSON.parse(readFileSync(path.join(dist, "package-lock.json"), "utf8"));
const manifest = {
  lockfileSha256: lockSha,
  lancedbVersion: lock.packages["node_modules/@lancedb/lancedb"].version,
  platforms: {},
};
const scratch = mkdtempSync(path.join(os.tmpdir(), "lance-bench-manifest-"));
try {
  for (const id of SUPPORTED_PLATFORMS) {
    const [platformOs, cpu, libc] = id.split("-");
    const dir = path.join(scratch, id);
    await installRuntime(dist, dir, { os: platformOs, cpu, libc });
    manifest.platforms[id] = await hashTree(dir);
    console.log(`${id}: ${Object.keys(manifest.platforms[id]).length - 1} packages`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
writeFileSync(target, `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`wrote dist/${MANIFEST_FILE}`);
