import { createHash } from "node:crypto";
import { readFile, readdir, stat } from "node:fs/promises";
import path from "node:path";

/**
 * A short hash of files and folders (their relative paths and contents), e.g. a dataset
 * generator's sources: the cache key that says "these datasets are still what the generator
 * would make". Missing paths count as missing, so adding one changes the hash.
 */
export async function hashSources(root: string, relativePaths: readonly string[]): Promise<string> {
  const hash = createHash("sha256");
  const files: string[] = [];
  for (const relative of [...relativePaths].sort()) {
    const full = path.join(root, relative);
    const info = await stat(full).catch(() => undefined);
    if (!info) {
      hash.update(`missing:${relative}\n`);
    } else if (info.isDirectory()) {
      const entries = await readdir(full, { recursive: true, withFileTypes: true });
      for (const entry of entries) {
        if (entry.isFile()) files.push(path.relative(root, path.join(entry.parentPath, entry.name)));
      }
    } else {
      files.push(relative);
    }
  }
  for (const file of [...new Set(files)].filter((f) => !f.includes("__pycache__")).sort()) {
    hash.update(`${file}\n`);
    hash.update(await readFile(path.join(root, file)));
  }
  return hash.digest("hex").slice(0, 16);
}
