import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, readlink } from "node:fs/promises";
import path from "node:path";

/**
 * One digest per installed package: `node_modules/<name>` keys (nested ones too, as in a
 * lockfile) and `""` for every file outside a package (the folder's package.json and
 * package-lock.json). A digest covers each file's path, kind and content (a symlink: its
 * target), so an added, removed, changed or re-linked file changes it, and an added package
 * adds a key.
 */
export type TreeDigests = Record<string, string>;

const PACKAGE_DIR = /^((?:.*\/)?node_modules\/(?:@[^/]+\/)?[^/@][^/]*)\//;

export async function hashTree(dir: string): Promise<TreeDigests> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const lines = new Map<string, string[]>();
  for (const entry of entries) {
    if (entry.isDirectory()) continue;
    const full = path.join(entry.parentPath, entry.name);
    const rel = path.relative(dir, full).split(path.sep).join("/");
    const owner = PACKAGE_DIR.exec(rel)?.[1] ?? "";
    const inner = owner ? rel.slice(owner.length + 1) : rel;
    let line: string;
    if (entry.isSymbolicLink()) line = `${inner}\0link\0${await readlink(full)}`;
    else if (entry.isFile()) line = `${inner}\0file\0${await hashFile(full)}`;
    else line = `${inner}\0other\0`;
    let list = lines.get(owner);
    if (!list) lines.set(owner, (list = []));
    list.push(line);
  }
  const digests: TreeDigests = {};
  for (const key of [...lines.keys()].sort()) {
    const hash = createHash("sha256");
    for (const line of lines.get(key)!.sort()) hash.update(`${line}\n`);
    digests[key] = hash.digest("hex");
  }
  return digests;
}

function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(file)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")));
  });
}

/** The keys whose digests differ, are missing or are extra: empty when the trees match. */
export function diffDigests(expected: TreeDigests, actual: TreeDigests): string[] {
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  return [...keys].filter((key) => expected[key] !== actual[key]).map((key) => key || "(top-level files)");
}
