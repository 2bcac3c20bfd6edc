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

  async restore(
    paths: readonly string[],
    key: string,
    restoreKeys: readonly string[] = [],
  ): Promise<string | undefined> {
    return cache.restoreCache([...paths], key, [...restoreKeys]);
  }

  async save(paths: readonly string[], key: string): Promise<void> {
    // -1: not saved — another job saved this key first, or the service refused (already logged).
    if ((await cache.saveCache([...paths], key)) === -1) core.info(`build cache ${key} was not saved (see above)`);
  }
}

/** GitHub's cache when the runner offers it, else a folder on this machine (self-hosted, local runs). */
export function buildCacheForRunner(): BuildCache {
  if (cache.isFeatureAvailable()) return new GitHubActionsCache();
  core.info("GitHub's cache service is not available here: caching builds in a local folder");
  return new LocalDirectoryCache(process.env.LANCE_BENCH_CACHE_DIR || undefined);
}
