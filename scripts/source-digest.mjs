// The digest of what the bundles are built from: every file under src/, the lockfile, the
// TypeScript settings and the bundling script. `npm run bundle` writes it to
// dist/source-digest.txt; the tests that run a bundle compare it with the working tree's, so a
// bundle older than its sources fails loudly instead of testing yesterday's code.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";

const INPUTS = ["src", "package-lock.json", "tsconfig.json", "tsconfig.build.json", "scripts/bundle.mjs"];

export const DIGEST_FILE = "dist/source-digest.txt";

export function sourceDigest(root) {
  const files = [];
  for (const input of INPUTS) {
    const full = path.join(root, input);
    if (input.includes(".")) files.push(input);
    else
      for (const entry of readdirSync(full, { recursive: true, withFileTypes: true }))
        if (entry.isFile()) files.push(path.relative(root, path.join(entry.parentPath, entry.name)));
  }
  const hash = createHash("sha256");
  for (const file of files.sort()) {
    hash.update(`${file.split(path.sep).join("/")}\0`);
    hash.update(readFileSync(path.join(root, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}
