import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type * as LanceDb from "@lancedb/lancedb";
import type * as Arrow from "apache-arrow";
import { describe, expect, it } from "vitest";
import { RuntimeSetupError } from "../../src/model/index.js";
import { ensureRuntime, lockfileSha256, readRuntimeManifest, type RuntimeCache } from "../../src/runtime/ensure.js";
import { installEnvironment, npmCiArgs } from "../../src/runtime/install.js";
import { runActionBundle } from "../support/action-bundle.js";
import { ROOT, SHA_A, sample, tempDir } from "../support/helpers.js";

/**
 * The LanceDB runtime the actions ensure for themselves (src/runtime/): real installs with npm
 * from the committed runtime lockfile, real LanceDB loaded from the installed folder.
 */
const DIST = path.join(ROOT, "dist");
const EXCLUDED = ["@huggingface/transformers", "onnxruntime-node", "sharp", "openai"];
const lock = JSON.parse(readFileSync(path.join(DIST, "package-lock.json"), "utf8"));

describe("the runtime lockfile (dist/package-lock.json)", () => {
  it("pins every package with an integrity hash and leaves out LanceDB's embedding extras", () => {
    const entries = Object.entries(lock.packages as Record<string, Record<string, unknown>>).filter(([k]) => k);
    expect(entries.length).toBeGreaterThan(10);
    for (const [key, entry] of entries) {
      expect(entry.integrity, key).toMatch(/^sha512-/);
      for (const name of EXCLUDED) {
        expect(key.endsWith(`node_modules/${name}`), key).toBe(false);
        for (const field of ["dependencies", "optionalDependencies", "peerDependencies"]) {
          expect(Object.keys((entry[field] as object) ?? {}), `${key} ${field}`).not.toContain(name);
        }
      }
    }
    // The native binaries it has are linux-x64's, glibc and musl, and nothing has an install script.
    const natives = entries.map(([k]) => k).filter((k) => k.startsWith("node_modules/@lancedb/lancedb-"));
    expect(natives.sort()).toEqual([
      "node_modules/@lancedb/lancedb-linux-x64-gnu",
      "node_modules/@lancedb/lancedb-linux-x64-musl",
    ]);
    expect(entries.filter(([, e]) => e.hasInstallScript)).toEqual([]);
  });

  it("the manifest was made from this lockfile, for both Linux x64 libcs, and is small", async () => {
    const manifest = await readRuntimeManifest(DIST);
    expect(manifest.lockfileSha256).toBe(await lockfileSha256(DIST));
    expect(Object.keys(manifest.platforms).sort()).toEqual(["linux-x64-glibc", "linux-x64-musl"]);
    expect(manifest.platforms["linux-x64-glibc"]).toHaveProperty(["node_modules/@lancedb/lancedb-linux-x64-gnu"]);
    expect(manifest.platforms["linux-x64-musl"]).toHaveProperty(["node_modules/@lancedb/lancedb-linux-x64-musl"]);
    expect(readFileSync(path.join(DIST, "runtime-manifest.json")).length).toBeLessThan(200_000);
  });
});

describe("the install npm runs", () => {
  it("is npm ci of the committed lockfile, without dev packages or install scripts, for one platform", () => {
    expect(npmCiArgs({ os: "linux", cpu: "x64", libc: "musl" })).toEqual([
      "ci",
      "--omit=dev",
      "--ignore-scripts",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      "--os=linux",
      "--cpu=x64",
      "--libc=musl",
    ]);
  });

  it("has no credentials, keeps PATH, HOME and npm's own settings", () => {
    const env = installEnvironment({
      PATH: "/usr/bin",
      HOME: "/home/runner",
      npm_config_registry: "https://registry.example/",
      AWS_SECRET_ACCESS_KEY: "s3cr3t",
      INPUT_TOKEN: "ghp_x",
      GITHUB_TOKEN: "ghs_x",
      ACTIONS_RUNTIME_TOKEN: "rt",
      PGPASSWORD: "pg",
      LANG: "C.UTF-8",
    });
    expect(env).toEqual({
      PATH: "/usr/bin",
      HOME: "/home/runner",
      npm_config_registry: "https://registry.example/",
      LANG: "C.UTF-8",
    });
  });
});

/** A cache service backed by a local folder: real copies, as @actions/cache restores a tar. */
function folderCache(root: string): RuntimeCache & { saved: string[] } {
  const saved: string[] = [];
  return {
    saved,
    async restore(dir, key) {
      const entry = path.join(root, key);
      if (!existsSync(entry)) return false;
      cpSync(entry, dir, { recursive: true, verbatimSymlinks: true });
      return true;
    },
    async save(dir, key) {
      saved.push(key);
      cpSync(dir, path.join(root, key), { recursive: true, verbatimSymlinks: true });
    },
  };
}

async function openWithRuntime(dir: string) {
  const require = createRequire(path.join(dir, "package.json"));
  const lancedb = require("@lancedb/lancedb") as typeof LanceDb;
  const arrow = require("apache-arrow") as typeof Arrow;
  expect(require.resolve("@lancedb/lancedb").startsWith(dir)).toBe(true);
  const conn = await lancedb.connect(path.join(tempDir(), "db"));
  const data = arrow.tableFromArrays({ id: Int32Array.from([1, 2, 3]) });
  const table = await conn.createTable("t", data);
  return table.countRows();
}

describe("ensureRuntime: install, verify, repair", () => {
  const toolCache = tempDir("tool-cache-");
  const cacheRoot = tempDir("cache-service-");
  const recorded = path.join(tempDir(), "npm-env.jsonl");
  const recorder = path.join(tempDir(), "record-env.cjs");
  // Loaded by every node process npm runs (NODE_OPTIONS survives the filter): writes what it saw.
  writeFileSync(
    recorder,
    `require("node:fs").appendFileSync(${JSON.stringify(recorded)}, JSON.stringify(process.env) + "\\n");\n`,
  );
  const parentEnv = {
    ...process.env,
    AWS_SECRET_ACCESS_KEY: "aws-secret-from-the-job",
    INPUT_TOKEN: "input-token-from-the-job",
    NODE_OPTIONS: `--require ${recorder}`,
  };
  let dir = "";

  it("installs into an empty tool cache from the committed lockfile, and LanceDB loads from there", async () => {
    const cache = folderCache(cacheRoot);
    const runtime = await ensureRuntime({ distDir: DIST, toolCache, cache, env: parentEnv });
    dir = runtime.dir;
    expect(runtime.source).toBe("install");
    expect(path.dirname(dir)).toBe(path.join(toolCache, "lance-bench-runtime"));
    expect(path.basename(dir)).toMatch(/^0\.39\.0-linux-x64-(glibc|musl)-[0-9a-f]{16}$/);
    expect(cache.saved).toEqual([runtime.key]);
    for (const name of EXCLUDED) expect(existsSync(path.join(dir, "node_modules", name)), name).toBe(false);
    expect(await openWithRuntime(dir)).toBe(3);
    // npm ran without the job's secrets, with its PATH.
    const seen = readFileSync(recorded, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(seen.length).toBeGreaterThan(0);
    for (const env of seen) {
      expect(env).not.toHaveProperty("AWS_SECRET_ACCESS_KEY");
      expect(env).not.toHaveProperty("INPUT_TOKEN");
      expect(env.PATH).toBe(process.env.PATH);
    }
  }, 300_000);

  it("a second call verifies the folder and installs nothing", async () => {
    const runtime = await ensureRuntime({ distDir: DIST, toolCache, env: parentEnv });
    expect(runtime).toMatchObject({ dir, source: "tool-cache", rejected: [] });
    expect(runtime.seconds.install).toBe(0);
  }, 120_000);

  it("a tampered file or an added package in the tool cache is detected, deleted and reinstalled", async () => {
    const arrowMain = path.join(dir, "node_modules/apache-arrow/Arrow.node.js");
    const original = readFileSync(arrowMain);
    appendFileSync(arrowMain, "\nglobalThis.pwned = true;\n");
    mkdirSync(path.join(dir, "node_modules/openai"));
    writeFileSync(path.join(dir, "node_modules/openai/index.js"), "module.exports = {}\n");
    const runtime = await ensureRuntime({ distDir: DIST, toolCache, env: parentEnv });
    expect(runtime.source).toBe("install");
    expect(runtime.rejected).toEqual([
      { from: "tool-cache", packages: ["node_modules/apache-arrow", "node_modules/openai"] },
    ]);
    expect(readFileSync(arrowMain)).toEqual(original);
    expect(existsSync(path.join(dir, "node_modules/openai"))).toBe(false);
  }, 300_000);

  it("restores from the cache service into an empty tool cache, and refuses a poisoned entry", async () => {
    const cache = folderCache(cacheRoot);
    const fresh = tempDir("tool-cache-");
    const restored = await ensureRuntime({ distDir: DIST, toolCache: fresh, cache });
    expect(restored.source).toBe("cache");
    expect(restored.seconds.install).toBe(0);
    expect(await openWithRuntime(restored.dir)).toBe(3);

    const key = readdirSync(cacheRoot)[0]!;
    const lanceIndex = path.join(cacheRoot, key, "node_modules/@lancedb/lancedb/dist/index.js");
    appendFileSync(lanceIndex, "\n// poisoned\n");
    const other = tempDir("tool-cache-");
    const repaired = await ensureRuntime({ distDir: DIST, toolCache: other, cache: folderCache(cacheRoot) });
    expect(repaired.source).toBe("install");
    expect(repaired.rejected).toEqual([{ from: "cache", packages: ["node_modules/@lancedb/lancedb"] }]);
  }, 300_000);

  it("refuses a platform the lockfile has no LanceDB binary for, naming it", async () => {
    const attempt = ensureRuntime({
      distDir: DIST,
      toolCache: tempDir(),
      platform: { os: "darwin", cpu: "arm64", libc: "" },
    });
    await expect(attempt).rejects.toThrow(RuntimeSetupError);
    await expect(attempt).rejects.toThrow(/this runner is darwin-arm64/);
    await expect(
      ensureRuntime({ distDir: DIST, toolCache: tempDir(), platform: { os: "linux", cpu: "arm64", libc: "glibc" } }),
    ).rejects.toThrow(/linux-x64-glibc and linux-x64-musl only; this runner is linux-arm64-glibc/);
  });
});

/**
 * A bundle (after `npm run bundle`) run as the runner runs a `node24` action: from a copy of
 * dist/ outside this checkout (nothing resolves from our node_modules), inputs as INPUT_*,
 * outputs and summary through files, an empty tool cache and no GitHub cache service.
 */
describe("the action bundles, run from a copy of dist/ with an empty tool cache", () => {
  const copy = path.join(tempDir("action-copy-"), "lance-bench");
  cpSync(DIST, path.join(copy, "dist"), { recursive: true, filter: (src) => !src.includes("node_modules") });
  const toolCache = tempDir("tool-cache-");
  const db = path.join(tempDir(), "db");
  const inputs = {
    files: sample("pytest-benchmark-5.json"),
    db,
    sha: SHA_A,
    "dut-version": "0.2.0+aaaaaaa",
    "dut-timestamp": "1700000000",
    "dut-name": "fixture",
  };

  function runBundle(bundle: string, given: Record<string, string>) {
    const dir = tempDir();
    const env = {
      GITHUB_WORKSPACE: ROOT,
      RUNNER_TOOL_CACHE: toolCache,
      AWS_SECRET_ACCESS_KEY: "never-for-npm",
      // the bundle installs its own runtime: not this checkout's node_modules
      LANCE_BENCH_RUNTIME_DIR: undefined,
    };
    return runActionBundle(bundle, dir, given, env, dir, path.join(copy, "dist")).then((run) => ({
      ...run,
      log: run.stdout,
    }));
  }

  it("actions/publish's bundle installs the runtime into the tool cache, then publishes with it", async () => {
    const run = await runBundle("publish", inputs);
    expect(run.code, run.log).toBe(0);
    expect(run.log).toContain("LanceDB runtime: installed into");
    expect(run.log).toContain(toolCache);
    expect(run.outputs.count).toBe("4");
    expect(run.outputs.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(run.summary).toContain("test_sort[1000]");
    expect(readdirSync(path.join(copy, "dist")).includes("node_modules")).toBe(false);
  }, 300_000);

  it("a second bundle run verifies the runtime in place, and a re-run stores nothing twice", async () => {
    const run = await runBundle("publish", inputs);
    expect(run.code, run.log).toBe(0);
    expect(run.log).toContain("LanceDB runtime: verified in");
    expect(run.outputs.count).toBe("0");
    expect(run.outputs["already-stored"]).toBe("4");
  }, 120_000);

  it("actions/report's bundle writes the dashboard with the uPlot it carries (no node_modules anywhere)", async () => {
    const out = path.join(tempDir(), "report");
    const run = await runBundle("report", { db, "output-dir": out });
    expect(run.code, run.log).toBe(0);
    expect(run.outputs.dashboard).toBe(path.join(out, "dashboard"));
    for (const file of ["uPlot.iife.min.js", "uPlot.min.css"])
      expect(readFileSync(path.join(out, "dashboard", file))).toEqual(
        readFileSync(path.join(copy, "dist", "report", "uplot", file)),
      );
  }, 120_000);
});
