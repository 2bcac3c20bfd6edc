import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import { ConfigurationError } from "../model/index.js";

/*
 * Paths named by untrusted input — a crate path from a PR comment, a dataset folder from the
 * workflow of a fork's pull request, a file inside an artifact — must land inside the folder
 * they are meant for. `..` and absolute paths are the obvious escapes; a symbolic link
 * committed in the fork's checkout is the subtle one, so the part of the path that exists is
 * resolved on disk too.
 */

function isWithin(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === "" || (!relative.startsWith(`..${path.sep}`) && relative !== ".." && !path.isAbsolute(relative));
}

async function deepestExisting(candidate: string): Promise<string> {
  for (let current = candidate; ; current = path.dirname(current)) {
    try {
      await stat(current);
      return current;
    } catch {
      if (path.dirname(current) === current) return current;
    }
  }
}

/**
 * `relative` resolved inside `root`, or a ConfigurationError naming `what` when it would
 * leave it; `rootName` says what `root` is in that message (e.g. "the repository").
 */
export async function resolveInside(root: string, relative: string, what: string, rootName = root): Promise<string> {
  const shown = JSON.stringify(relative.slice(0, 200));
  if (relative.includes("\0")) throw new ConfigurationError(`${what} ${shown} contains a NUL byte`);
  if (path.isAbsolute(relative)) throw new ConfigurationError(`${what} ${shown} must be a relative path`);
  const realRoot = await realpath(root);
  const full = path.resolve(realRoot, relative);
  if (!isWithin(realRoot, full)) throw new ConfigurationError(`${what} ${shown} must stay inside ${rootName}`);
  const onDisk = await realpath(await deepestExisting(full));
  if (!isWithin(realRoot, onDisk)) {
    throw new ConfigurationError(`${what} ${shown} leads outside ${rootName} through a symbolic link`);
  }
  return full;
}

/** A single file-name component made from any text (a benchmark or crate name): no separators, no dots-only names. */
export function safeFileName(text: string, fallback = "unnamed"): string {
  const name = text
    .replace(/[^A-Za-z0-9_.-]+/g, "-")
    .replace(/^[-.]+|-+$/g, "")
    .slice(0, 100);
  return name === "" ? fallback : name;
}
