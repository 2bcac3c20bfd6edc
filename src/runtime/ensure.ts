import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, mkdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { RuntimeSetupError } from "../model/errors.js";
import { npmCi } from "./install.js";
import { assertSupportedPlatform, currentPlatform, platformId, type RuntimePlatform } from "./platform.js";
import { diffDigests, hashTree, type TreeDigests } from "./tree-hash.js";

/**
 * The LanceDB runtime (@lancedb/lancedb + apache-arrow, native binary included): the bundled
 * actions carry neither, and ensure it here, inside their own process (docs/architecture.md):
 *
 *   1. a folder in the runner's tool cache, named after the runtime lockfile and platform;
 *   2. else that folder restored from a cache service (GitHub's, through the adapter);
 *   3. else `npm ci --omit=dev --ignore-scripts` from the committed lockfile, then saved.
 *
 * A tree from 1 or 2 is trusted only if it hashes to the committed manifest
 * (dist/runtime-manifest.json): the manifest ships with the action, outside the tree, so a
 * poisoned cache entry cannot vouch for itself. A tree that does not match is deleted and
 * installed again; a fresh install that does not match is an error.
 */
export interface RuntimeManifest {
  /** sha256 of the runtime package-lock.json the digests were made from. */
  lockfileSha256: string;
  lancedbVersion: string;
  /** Per platform id (linux-x64-glibc): one digest per package (tree-hash.ts). */
  platforms: Record<string, TreeDigests>;
}

/** Where a runtime folder can be restored from and saved to (GitHub's cache in the actions). */
export interface RuntimeCache {
  /** True when the folder was restored to `dir`. */
  restore(dir: string, key: string): Promise<boolean>;
  save(dir: string, key: string): Promise<void>;
}

export interface EnsureRuntimeOptions {
  /** Holds package.json, package-lock.json and runtime-manifest.json (the action's dist/). */
  distDir: string;
  /** The runner's tool cache ($RUNNER_TOOL_CACHE). */
  toolCache: string;
  platform?: RuntimePlatform;
  cache?: RuntimeCache;
  /** The environment npm's is made from (secrets are removed). Default: process.env. */
  env?: NodeJS.ProcessEnv;
  log?: (message: string) => void;
}

export interface EnsuredRuntime {
  /** Has package.json and node_modules: load LanceDB with createRequire from here. */
  dir: string;
  key: string;
  source: "tool-cache" | "cache" | "install";
  /** Trees that failed verification and were deleted, with the packages that differed. */
  rejected: { from: "tool-cache" | "cache"; packages: string[] }[];
  /** Seconds spent restoring, installing and verifying. */
  seconds: { restore: number; install: number; verify: number; save: number };
}

export const RUNTIME_FILES = ["package.json", "package-lock.json"] as const;
export const MANIFEST_FILE = "runtime-manifest.json";

export async function readRuntimeManifest(distDir: string): Promise<RuntimeManifest> {
  return JSON.parse(await readFile(path.join(distDir, MANIFEST_FILE), "utf8")) as RuntimeManifest;
}

export async function lockfileSha256(distDir: string): Promise<string> {
  return createHash("sha256")
    .update(await readFile(path.join(distDir, "package-lock.json")))
    .digest("hex");
}

/** The folder's name and the cache key: LanceDB version, platform, lockfile hash. */
export function runtimeKey(manifest: RuntimeManifest, platform: RuntimePlatform): string {
  return `${manifest.lancedbVersion}-${platformId(platform)}-${manifest.lockfileSha256.slice(0, 16)}`;
}

export function runtimeDirFor(toolCache: string, key: string): string {
  return path.join(toolCache, "lance-bench-runtime", key);
}

/** Installs the runtime into `dir` (created; must not exist) from the lockfile in `distDir`. */
export async function installRuntime(
  distDir: string,
  dir: string,
  platform: RuntimePlatform,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const file of RUNTIME_FILES) await copyFile(path.join(distDir, file), path.join(dir, file));
  await npmCi(dir, platform, env);
  // npm's own bookkeeping, not part of any package: nothing loads it, and the tree must hash
  // the same wherever it was installed.
  await rm(path.join(dir, "node_modules/.bin"), { recursive: true, force: true });
  await rm(path.join(dir, "node_modules/.package-lock.json"), { force: true });
}

export async function ensureRuntime(options: EnsureRuntimeOptions): Promise<EnsuredRuntime> {
  const platform = options.platform ?? currentPlatform();
  assertSupportedPlatform(platform);
  const log = options.log ?? (() => {});
  const manifest = await readRuntimeManifest(options.distDir);
  const lockSha = await lockfileSha256(options.distDir);
  if (manifest.lockfileSha256 !== lockSha) {
    throw new RuntimeSetupError(
      `${MANIFEST_FILE} was made from another runtime lockfile (${manifest.lockfileSha256.slice(0, 16)}, ` +
        `the lockfile is ${lockSha.slice(0, 16)}): run \`npm run bundle\``,
    );
  }
  const expected = manifest.platforms[platformId(platform)];
  if (!expected) throw new RuntimeSetupError(`${MANIFEST_FILE} has no digests for ${platformId(platform)}`);
  const key = runtimeKey(manifest, platform);
  const dir = runtimeDirFor(options.toolCache, key);
  const result: EnsuredRuntime = {
    dir,
    key,
    source: "tool-cache",
    rejected: [],
    seconds: { restore: 0, install: 0, verify: 0, save: 0 },
  };
  const timed = async <T>(phase: keyof EnsuredRuntime["seconds"], body: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await body();
    } finally {
      result.seconds[phase] += (performance.now() - start) / 1000;
    }
  };
  const verify = async (from: "tool-cache" | "cache"): Promise<boolean> => {
    const packages = diffDigests(expected, await timed("verify", () => hashTree(dir)));
    if (packages.length === 0) return true;
    result.rejected.push({ from, packages });
    log(
      `LanceDB runtime in ${dir} (from the ${from}) does not match ${MANIFEST_FILE} ` +
        `(${packages.slice(0, 5).join(", ")}${packages.length > 5 ? ", …" : ""}): deleting it and installing again`,
    );
    await rm(dir, { recursive: true, force: true });
    return false;
  };

  if (existsSync(dir) && (await verify("tool-cache"))) {
    log(`LanceDB runtime: verified in ${dir}`);
    return result;
  }
  if (options.cache) {
    const cache = options.cache;
    const restored = await timed("restore", () => cache.restore(dir, key));
    if (restored && (await verify("cache"))) {
      log(`LanceDB runtime: restored from the cache (${key}) and verified`);
      return { ...result, source: "cache" };
    }
  }
  // Installed beside the final folder, then renamed into place: an interrupted install never
  // leaves a half tree under the trusted name.
  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  try {
    await timed("install", () => installRuntime(options.distDir, partial, platform, options.env));
    const packages = diffDigests(expected, await timed("verify", () => hashTree(partial)));
    if (packages.length > 0) {
      throw new RuntimeSetupError(
        `the LanceDB runtime npm installed does not match ${MANIFEST_FILE} (${packages.join(", ")}): ` +
          "the registry served other files than those the manifest was made from",
      );
    }
    await rm(dir, { recursive: true, force: true });
    await rename(partial, dir);
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  log(`LanceDB runtime: installed into ${dir} and verified`);
  if (options.cache) {
    const cache = options.cache;
    await timed("save", () => cache.save(dir, key));
  }
  return { ...result, source: "install" };
}
