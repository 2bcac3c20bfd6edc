import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Readable, type Writable } from "node:stream";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { downloadResultsArtifact, uploadArtifacts, uploadFolderArtifact } from "../../src/actions/artifacts.js";
import { GitHubActionsCache, buildCacheForRunner } from "../../src/actions/github-cache.js";
import { LocalDirectoryCache } from "../../src/run/build-cache.js";
import { startResultsService, type ResultsService } from "../support/github-results-service.js";
import { tempDir } from "../support/helpers.js";

/**
 * Our GitHub Action adapters against a local fake of GitHub's results services
 * (./github-results-service.ts): real HTTP, real @actions/artifact and @actions/cache, so a
 * wrong endpoint, field or step on either side fails here rather than on a runner.
 */

// unzip-stream is what @actions/artifact itself uses to extract downloads; it ships no types.
const unzip = createRequire(import.meta.url)("unzip-stream") as {
  Extract(options: { path: string }): Writable;
};

async function extractZip(zip: Buffer, into: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    // Extract emits 'close' once every file is written ('finish' comes too early).
    Readable.from([zip])
      .pipe(unzip.Extract({ path: into }))
      .on("close", resolve)
      .on("error", reject);
  });
}

/** Every file under `dir` with its content, by relative path. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, file)] = readFileSync(file).toString("base64");
  }
  return files;
}

/** Points the toolkit at the fake, as the runner's environment would; undone after each test. */
function useService(service: ResultsService) {
  for (const [name, value] of Object.entries(service.env)) vi.stubEnv(name, value);
}

/** No GitHub services at all: a laptop, or a self-hosted runner without them. */
function useNoService(service: ResultsService) {
  for (const name of [...Object.keys(service.env), "ACTIONS_CACHE_URL"]) vi.stubEnv(name, undefined);
}

describe("GitHub results services", () => {
  let service: ResultsService;
  const dir = tempDir("lance-bench-gh-services-");

  beforeAll(async () => {
    service = await startResultsService();
  });
  afterAll(async () => {
    await service?.stop();
  });
  // Each test asserts on the unexpected requests it caused, not on an earlier test's.
  beforeEach(() => {
    service.unexpected.length = 0;
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("uploads a run's output folder as one artifact and downloads it in a later job of the run", async () => {
    useService(service);
    const out = path.join(dir, "folder-artifact");
    mkdirSync(path.join(out, "base"), { recursive: true });
    writeFileSync(path.join(out, "results-a.jsonl"), '{"head":1}\n');
    writeFileSync(path.join(out, "base", "results-a.jsonl"), '{"base":1}\n');
    const headSha = "c".repeat(40);
    await uploadFolderArtifact("lance-bench-pr-folder", out, { number: 12, head_sha: headSha });
    const into = path.join(dir, "folder-download");
    const downloaded = await downloadResultsArtifact("lance-bench-pr-folder", into, undefined);
    expect(snapshot(into)).toEqual(snapshot(out));
    expect(downloaded.pullRequest).toEqual({ number: 12, head_sha: headSha });
    expect(service.unexpected).toEqual([]);
  });

  it("refuses a pull-request.json that does not hold a number and full shas, naming the field", async () => {
    useService(service);
    const out = path.join(dir, "forged-artifact");
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, "results-a.jsonl"), "{}\n");
    writeFileSync(path.join(out, "pull-request.json"), '{"number": "7; rm -rf /", "head_sha": "x"}');
    await uploadFolderArtifact("lance-bench-forged", out, undefined);
    await expect(
      downloadResultsArtifact("lance-bench-forged", path.join(dir, "forged-download"), undefined),
    ).rejects.toThrow(/lance-bench-forged\/pull-request.json: number must be a pull request number/);
  });

  it("leaves artifacts alone off GitHub", async () => {
    useNoService(service);
    const file = path.join(dir, "alone.json");
    writeFileSync(file, "{}");
    const before = service.requests.length;
    await uploadArtifacts([{ name: "lance-bench-alone", file }]);
    expect(service.requests.length).toBe(before);
  });

  it("uploads each file as an artifact of its own", async () => {
    useService(service);
    const results = path.join(dir, "results", "results.json");
    const flamegraph = path.join(dir, "profile", "flamegraph.svg");
    mkdirSync(path.dirname(results), { recursive: true });
    mkdirSync(path.dirname(flamegraph), { recursive: true });
    writeFileSync(results, JSON.stringify({ benchmarks: [{ name: "scan", ns: 123.5 }] }));
    writeFileSync(flamegraph, `<svg xmlns="http://www.w3.org/2000/svg">${"<g/>".repeat(500)}</svg>`);

    await uploadArtifacts([
      { name: "lance-bench-results-main", file: results },
      { name: "lance-bench-flamegraph", file: flamegraph },
    ]);

    expect([...service.artifacts.keys()].filter((name) => !/folder|forged/.test(name)).sort()).toEqual([
      "lance-bench-flamegraph",
      "lance-bench-results-main",
    ]);
    // v2+ artifacts are zips holding the files relative to the root directory (the file's folder).
    for (const [name, file] of [
      ["lance-bench-results-main", results],
      ["lance-bench-flamegraph", flamegraph],
    ] as const) {
      const out = path.join(dir, "unzipped", name);
      await extractZip(service.artifacts.get(name)!, out);
      expect(snapshot(out)).toEqual({ [path.basename(file)]: readFileSync(file).toString("base64") });
    }
    expect(service.unexpected).toEqual([]);
  });

  it("saves a directory to the cache, restores it by key or restore key, keeps the first save", async () => {
    useService(service);
    const target = path.join(dir, "target");
    mkdirSync(path.join(target, "release", "deps"), { recursive: true });
    writeFileSync(path.join(target, "release", "bench"), randomBytes(64 * 1024));
    writeFileSync(path.join(target, "release", "deps", "liblance.rlib"), randomBytes(1000));
    writeFileSync(path.join(target, "CACHEDIR.TAG"), "Signature: 8a477f597d28d172789f06886806bc55\n");
    const saved = snapshot(target);
    const cache = new GitHubActionsCache();

    expect(await cache.save([target], "k-1")).toBe(true);
    expect([...service.cacheEntries.keys()]).toEqual(["k-1"]);

    rmSync(target, { recursive: true });
    expect(await cache.restore([target], "k-2", ["k-"])).toBe("k-1");
    expect(snapshot(target)).toEqual(saved);
    expect(await cache.restore([target], "k-1")).toBe("k-1");

    // A miss is undefined, whether by key or by restore key, and leaves the folder alone.
    expect(await cache.restore([target], "other-1")).toBeUndefined();
    expect(await cache.restore([target], "other-1", ["other-", "j-"])).toBeUndefined();
    // Entries are per version (paths + compression): the same key for other paths misses.
    expect(await cache.restore([path.join(dir, "elsewhere")], "k-1", ["k-"])).toBeUndefined();
    expect(snapshot(target)).toEqual(saved);

    // Saving a key that exists (another job was first) is no failure, and the entry stays as it was.
    const entry = service.cacheEntries.get("k-1");
    writeFileSync(path.join(target, "new-file"), "not in the entry");
    const creates = () => service.requests.filter((r) => r.path.endsWith(".CacheService/CreateCacheEntry"));
    const before = creates().length;
    await expect(cache.save([target], "k-1")).resolves.toBe(false);
    // ...because the service refused the reservation the way GitHub does (409 already_exists).
    expect(
      creates()
        .slice(before)
        .map((r) => r.status),
    ).toEqual([409]);
    expect(service.cacheEntries.get("k-1")).toBe(entry);
    expect(service.unexpected).toEqual([]);
  });

  it("serves both sides of an A/B from fixed folders, each under its own key, job after job", async () => {
    useService(service);
    // Entries are bound to the paths they were saved from: a run's build folders must sit at the
    // same place in every job (the runner's temp folder), never in a fresh random folder.
    vi.stubEnv("RUNNER_TEMP", path.join(dir, "runner-temp"));
    const cache = new GitHubActionsCache();
    expect(cache.pathsRoot).toBe(path.join(dir, "runner-temp", "lance-bench-cache"));
    expect(new GitHubActionsCache().pathsRoot).toBe(cache.pathsRoot);
    const head = path.join(cache.pathsRoot, "target-root");
    const base = path.join(cache.pathsRoot, "target-base-root");
    for (const [folder, text] of [
      [head, "head build"],
      [base, "base build"],
    ] as const) {
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, "bench"), text);
    }
    expect(await cache.save([head], "ab-root-lock1")).toBe(true);
    expect(await cache.save([base], "ab-root-base-lock1")).toBe(true);
    // the next job: empty folders, both sides restored from their own entries
    rmSync(cache.pathsRoot, { recursive: true });
    expect(await cache.restore([head], "ab-root-lock1", ["ab-root-"])).toBe("ab-root-lock1");
    expect(await cache.restore([base], "ab-root-base-lock1", ["ab-root-base-", "ab-root-"])).toBe("ab-root-base-lock1");
    expect(readFileSync(path.join(head, "bench"), "utf8")).toBe("head build");
    expect(readFileSync(path.join(base, "bench"), "utf8")).toBe("base build");
    expect(service.unexpected).toEqual([]);
  });

  it("uses GitHub's cache when the runner offers it, else a local folder", () => {
    useService(service);
    expect(buildCacheForRunner()).toBeInstanceOf(GitHubActionsCache);

    useNoService(service);
    vi.stubEnv("LANCE_BENCH_CACHE_DIR", path.join(dir, "local-cache"));
    const local = buildCacheForRunner();
    expect(local).toBeInstanceOf(LocalDirectoryCache);
    expect((local as LocalDirectoryCache).root).toBe(path.join(dir, "local-cache"));
  });
});
