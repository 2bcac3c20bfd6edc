import os from "node:os";
import path from "node:path";
import * as cache from "@actions/cache";
import * as core from "@actions/core";
import { ensureRuntime, type RuntimeCache } from "../runtime/ensure.js";
import { useLanceDbRuntime } from "../store/lancedb.js";

/** The runtime folder in GitHub's cache service, keyed like the tool-cache folder. */
const githubRuntimeCache: RuntimeCache = {
  async restore(dir, key) {
    // @actions/cache turns service failures into warnings and returns undefined: a cold install.
    return (await cache.restoreCache([dir], `lance-bench-runtime-${key}`)) !== undefined;
  },
  async save(dir, key) {
    try {
      await cache.saveCache([dir], `lance-bench-runtime-${key}`);
    } catch (error) {
      core.warning(`the LanceDB runtime was not saved to the cache: ${(error as Error).message}`);
    }
  },
};

/**
 * Points the store at the LanceDB runtime this action ensures for itself, on first use (an
 * action that never opens a store installs nothing). The bundles sit in dist/<name>/; the
 * runtime lockfile and its manifest in dist/. LANCE_BENCH_RUNTIME_DIR names a folder that
 * already holds the runtime's node_modules (a self-hosted runner's, or this project's in its
 * tests), used as is.
 */
export function useActionRuntime(): void {
  const given = process.env.LANCE_BENCH_RUNTIME_DIR;
  if (given) {
    useLanceDbRuntime(() => Promise.resolve(given));
    return;
  }
  useLanceDbRuntime(async () => {
    const distDir = path.resolve(path.dirname(process.argv[1] ?? "."), "..");
    const runtime = await core.group("LanceDB runtime", () =>
      ensureRuntime({
        distDir,
        toolCache: process.env.RUNNER_TOOL_CACHE || path.join(os.tmpdir(), "lance-bench-tool-cache"),
        cache: cache.isFeatureAvailable() ? githubRuntimeCache : undefined,
        log: (message) => core.info(message),
      }),
    );
    const s = runtime.seconds;
    core.info(
      `LanceDB runtime from the ${runtime.source}: restore ${s.restore.toFixed(1)} s, install ` +
        `${s.install.toFixed(1)} s, verify ${s.verify.toFixed(1)} s, save ${s.save.toFixed(1)} s`,
    );
    for (const rejected of runtime.rejected) {
      core.warning(
        `a LanceDB runtime from the ${rejected.from} did not match the action's manifest and was ` +
          `reinstalled (${rejected.packages.slice(0, 5).join(", ")})`,
      );
    }
    return runtime.dir;
  });
}
