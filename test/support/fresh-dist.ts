import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { DIGEST_FILE, sourceDigest } from "../../scripts/source-digest.mjs";
import { ROOT } from "./helpers.js";

let checked: string | undefined;

/**
 * Refuses to run a bundle older than its sources: dist/source-digest.txt (written by `npm run
 * bundle`) must be the digest of the working tree's src/, lockfile and build settings. A test of
 * a stale dist/ would pass or fail for yesterday's code.
 */
export function assertFreshDist(): void {
  if (checked === undefined) {
    const file = path.join(ROOT, DIGEST_FILE);
    const built = existsSync(file) ? readFileSync(file, "utf8").trim() : "(none)";
    const now = sourceDigest(ROOT);
    checked =
      built === now
        ? ""
        : `dist/ was built from other sources (${built.slice(0, 12)}, the tree is ${now.slice(0, 12)}): run \`npm run bundle\` first`;
  }
  if (checked) throw new Error(checked);
}
