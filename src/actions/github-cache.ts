import * as cache from "@actions/cache";
import * as core from "@actions/core";
import { LocalDirectoryCache, type BuildCache } from "../run/build-cache.js";

/**
 * The build cache on GitHub's cache service (what `actions/cache` uses). Saving a key that
 * already exists is not an error (another job got there first), and a failing cache never
 * fails a benchmark run: it is a warning and a cold build.
 */
export class GitHubActionsCache implements BuildCache {
  readonly kind = "remote";

  async restore(
    paths: readonly string[],
    key: string,
    restoreKeys: readonly string[] = [],
  ): Promise<string | undefined> {
    try {
      return await cache.restoreCache([...paths], key, [...restoreKeys]);
    } catch (error) {
      core.warning(`build cache restore failed (${(error as Error).message}); building from scratch`);
      return undefined;
    }
  }

  async save(paths: readonly string[], key: string): Promise<void> {
    try {
      await cache.saveCache([...paths], key);
    } catch (error) {
      const name = (error as Error).name;
      if (name === "ReserveCacheError") core.info(`build cache ${key} already saved by another job`);
      else core.warning(`build cache save failed: ${(error as Error).message}`);
    }
  }
}

/** GitHub's cache when the runner offers it, else a folder on this machine (self-hosted, local runs). */
export function buildCacheForRunner(): BuildCache {
  if (cache.isFeatureAvailable()) return new GitHubActionsCache();
  core.info("GitHub's cache service is not available here: caching builds in a local folder");
  return new LocalDirectoryCache(process.env.LANCE_BENCH_CACHE_DIR || undefined);
}
