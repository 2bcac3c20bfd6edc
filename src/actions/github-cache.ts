import os from "node:os";
import path from "node:path";
import * as cache from "@actions/cache";
import * as core from "@actions/core";
import { LocalDirectoryCache, type BuildCache } from "../run/build-cache.js";

/**
 * The build cache on GitHub's cache service (what `actions/cache` uses). @actions/cache
 * already turns service failures into warnings (a cold build, never a failed benchmark
 * run); it throws only for a malformed key, which is our bug and is left to surface.
 */
export class GitHubActionsCache implements BuildCache {
  readonly kind = "remote";
  /**
   * An entry is bound to the paths it was saved from (they are part of its version, and its
   * files are restored where they were), so cached folders live in one fixed folder: the
   * runner's temp folder (one job at a time per runner, emptied between jobs).
   */
  readonly pathsRoot = path.join(process.env.RUNNER_TEMP || os.tmpdir(), "lance-bench-cache");

  async restore(
    paths: readonly string[],
    key: string,
    restoreKeys: readonly string[] = [],
  ): Promise<string | undefined> {
    return cache.restoreCache([...paths], key, [...restoreKeys]);
  }

  async save(paths: readonly string[], key: string): Promise<boolean> {
    // -1: not saved — another job saved this key first, or the service refused (already logged).
    if ((await cache.saveCache([...paths], key)) !== -1) return true;
    core.info(`build cache ${key} was not saved (see above)`);
    return false;
  }
}

/** GitHub's cache when the runner offers it, else a folder on this machine (self-hosted, local runs). */
export function buildCacheForRunner(): BuildCache {
  if (cache.isFeatureAvailable()) return new GitHubActionsCache();
  core.info("GitHub's cache service is not available here: caching builds in a local folder");
  return new LocalDirectoryCache(process.env.LANCE_BENCH_CACHE_DIR || undefined);
}
