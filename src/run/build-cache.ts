import { cp, mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/**
 * A cache of directories keyed by strings, the shape of GitHub's cache service: `restore`
 * fills `paths` from the entry for `key` (or the newest entry starting with one of
 * `restoreKeys`) and says which key it hit; `save` stores `paths` under `key`.
 * The action adapter implements it with @actions/cache; everywhere else (a laptop, the tests)
 * `LocalDirectoryCache` keeps the entries in a folder.
 */
export interface BuildCache {
  /** "local" caches live on this machine, so tool homes (~/.cargo) need no caching. */
  readonly kind: "local" | "remote";
  /**
   * A fixed folder the cached folders must live in, when the cache binds an entry to the
   * exact paths it was saved from (GitHub's does: the paths are part of the entry's version,
   * and files are restored where they were). Undefined: any folder will do.
   */
  readonly pathsRoot?: string;
  restore(paths: readonly string[], key: string, restoreKeys?: readonly string[]): Promise<string | undefined>;
  /** Stores `paths` under `key`; false when nothing was stored (the key exists already, or the service refused). */
  save(paths: readonly string[], key: string): Promise<boolean>;
}

/** Where a run saves a cache entry, and what it may restore from. */
export interface CacheKeys {
  key: string;
  restoreKeys: string[];
}

/**
 * The keys of a cache entry. A pull request's build (its build scripts, its generators) is
 * untrusted: what it saves goes under its own `pr-<n>-` namespace, which no key or restore
 * prefix of main's matches, so main never restores a PR's build. A PR restores its own
 * entries first, then main's (read only: it never saves under them).
 */
export function cacheKeys(key: string, restorePrefixes: readonly string[], prNumber: number | undefined): CacheKeys {
  if (prNumber === undefined) return { key, restoreKeys: [...restorePrefixes] };
  const own = `pr-${prNumber}-`;
  return {
    key: `${own}${key}`,
    restoreKeys: [...restorePrefixes.map((prefix) => `${own}${prefix}`), key, ...restorePrefixes],
  };
}

export const DEFAULT_CACHE_DIR = path.join(os.homedir(), ".cache", "lance-bench");

/** Whether a path exists (a missing one is an answer here, not an error). */
export const exists = async (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/** A file-system-safe entry name for a key. */
const entryName = (key: string) => key.replace(/[^A-Za-z0-9._-]+/g, "_");

/**
 * Entries are folders under `root`; restoring and saving *move* directories (a rename, so
 * a warm 400 MB cargo target folder costs nothing), falling back to a copy across file
 * systems. An entry taken by a running job is simply a miss for a concurrent one.
 */
export class LocalDirectoryCache implements BuildCache {
  readonly kind = "local";

  /** Absolute: the run folders under it are handed to git and cargo, which run elsewhere. */
  readonly root: string;

  constructor(root: string = DEFAULT_CACHE_DIR) {
    this.root = path.resolve(root);
  }

  private entry(key: string): string {
    return path.join(this.root, "entries", entryName(key));
  }

  /** The exact key's entry, else the newest entry whose key starts with a restore key (GitHub's rule). */
  private async find(key: string, restoreKeys: readonly string[]): Promise<string | undefined> {
    if (await exists(this.entry(key))) return entryName(key);
    const names = await readdir(path.join(this.root, "entries")).catch(() => [] as string[]);
    for (const prefix of restoreKeys.map(entryName)) {
      const candidates = names.filter((name) => name.startsWith(prefix) && !name.includes(".saving-"));
      const dated = await Promise.all(
        candidates.map(async (name) => ({ name, mtime: (await stat(path.join(this.root, "entries", name))).mtimeMs })),
      );
      const newest = dated.sort((a, b) => b.mtime - a.mtime)[0];
      if (newest) return newest.name;
    }
    return undefined;
  }

  async restore(
    paths: readonly string[],
    key: string,
    restoreKeys: readonly string[] = [],
  ): Promise<string | undefined> {
    const found = await this.find(key, restoreKeys);
    if (found === undefined) return undefined;
    const entry = path.join(this.root, "entries", found);
    for (const [index, target] of paths.entries()) await move(path.join(entry, String(index)), target);
    await rm(entry, { recursive: true, force: true });
    return found;
  }

  async save(paths: readonly string[], key: string): Promise<boolean> {
    const entry = this.entry(key);
    const staging = `${entry}.saving-${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    for (const [index, source] of paths.entries()) {
      if (await exists(source)) await move(source, path.join(staging, String(index)));
    }
    await rm(entry, { recursive: true, force: true });
    await rename(staging, entry);
    return true;
  }
}

/**
 * Copies a folder with its file times (cargo's freshness check compares them), replacing
 * `to`: how a second build folder starts from a restored one.
 */
export async function copyFolder(from: string, to: string): Promise<void> {
  await rm(to, { recursive: true, force: true });
  await mkdir(path.dirname(to), { recursive: true });
  await cp(from, to, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
}

async function move(from: string, to: string): Promise<void> {
  if (!(await exists(from))) return;
  await rm(to, { recursive: true, force: true });
  await mkdir(path.dirname(to), { recursive: true });
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    await cp(from, to, { recursive: true, preserveTimestamps: true });
    await rm(from, { recursive: true, force: true });
  }
}
