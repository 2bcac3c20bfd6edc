import { existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cacheStatus, runRustText, sideCacheText } from "../../src/report/run-summary.js";
import { LocalDirectoryCache, copyFolder } from "../../src/run/build-cache.js";
import { tempDir } from "../support/helpers.js";

function folderWith(dir: string, file: string, text: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, file), text);
  return dir;
}

describe("LocalDirectoryCache", () => {
  it("saves and restores folders by key, keeping file times (cargo's freshness check reads them)", async () => {
    const root = tempDir();
    const cache = new LocalDirectoryCache(path.join(root, "cache"));
    const target = folderWith(path.join(root, "target"), "a.txt", "built");
    const past = new Date("2026-01-01T00:00:00Z");
    utimesSync(path.join(target, "a.txt"), past, past);
    await cache.save([target], "cargo-linux-abc");
    expect(existsSync(target)).toBe(false); // moved, not copied
    expect(await cache.restore([target], "cargo-linux-other")).toBeUndefined();
    expect(await cache.restore([target], "cargo-linux-abc")).toBe("cargo-linux-abc");
    expect(readFileSync(path.join(target, "a.txt"), "utf8")).toBe("built");
    expect((await import("node:fs")).statSync(path.join(target, "a.txt")).mtime.getTime()).toBe(past.getTime());
  });

  it("falls back to the newest entry starting with a restore key, like GitHub's cache", async () => {
    const root = tempDir();
    const cache = new LocalDirectoryCache(path.join(root, "cache"));
    await cache.save([folderWith(path.join(root, "old"), "v", "old")], "cargo-x-lock1");
    await new Promise((r) => setTimeout(r, 20));
    await cache.save([folderWith(path.join(root, "new"), "v", "new")], "cargo-x-lock2");
    await cache.save([folderWith(path.join(root, "other"), "v", "other")], "python-x");
    const target = path.join(root, "restored");
    expect(await cache.restore([target], "cargo-x-lock3", ["cargo-x-"])).toBe("cargo-x-lock2");
    expect(readFileSync(path.join(target, "v"), "utf8")).toBe("new");
  });

  it("keeps its root absolute (a relative --cache-dir once put run-rust's worktree inside the repository)", () => {
    expect(new LocalDirectoryCache("test-output/some-cache").root).toBe(path.resolve("test-output/some-cache"));
  });

  it("restores several paths and tolerates a path that did not exist when saved", async () => {
    const root = tempDir();
    const cache = new LocalDirectoryCache(path.join(root, "cache"));
    const a = folderWith(path.join(root, "a"), "f", "A");
    await cache.save([a, path.join(root, "missing")], "k");
    expect(await cache.restore([path.join(root, "a2"), path.join(root, "b2")], "k")).toBe("k");
    expect(readFileSync(path.join(root, "a2/f"), "utf8")).toBe("A");
    expect(existsSync(path.join(root, "b2"))).toBe(false);
  });
});

describe("copyFolder (a base's build started from the head's)", () => {
  it("copies files with their times and replaces what was there", async () => {
    const root = tempDir();
    const from = folderWith(path.join(root, "from", "release"), "bench", "built");
    const past = new Date("2026-01-01T00:00:00Z");
    utimesSync(path.join(from, "bench"), past, past);
    folderWith(path.join(root, "to"), "stale", "old");
    await copyFolder(path.join(root, "from"), path.join(root, "to"));
    expect(readFileSync(path.join(root, "to/release/bench"), "utf8")).toBe("built");
    expect(statSync(path.join(root, "to/release/bench")).mtime.getTime()).toBe(past.getTime());
    expect(existsSync(path.join(root, "to/stale"))).toBe(false);
    expect(existsSync(path.join(root, "from/release/bench"))).toBe(true); // a copy, not a move
  });
});

describe("the run report's build cache, per side", () => {
  const key = "lance-bench-cargo-linux-x64-abc-root-";
  it("says where each side's build came from and whether it was saved", () => {
    const head = { key: `${key}h1`, restored: "hit" as const, from: `${key}h1`, saved: true };
    const base = { key: `${key}base-b1`, restored: "miss" as const, saved: true };
    expect(cacheStatus({ head })).toBe("hit");
    expect(cacheStatus({ head, base })).toBe("head hit, base miss");
    expect(sideCacheText(head)).toBe(`hit (${key}h1) → saved`);
    expect(sideCacheText(base)).toBe(`miss (${key}base-b1) → saved as ${key}base-b1`);
    expect(sideCacheText({ ...base, restored: "copy-of-head", from: `${key}h1` })).toBe(
      `no entry of its own, a copy of the head's (${key}h1) → saved as ${key}base-b1`,
    );
    expect(sideCacheText({ ...base, restored: "partial", from: `${key}base-b0` })).toBe(
      `partial hit (${key}base-b0, for ${key}base-b1) → saved as ${key}base-b1`,
    );
    // GitHub's entries are immutable: an exact hit is not saved again, and that is no news
    expect(sideCacheText({ ...head, saved: false })).toBe(`hit (${key}h1)`);
    expect(sideCacheText({ ...base, saved: false })).toMatch(/→ not saved \(the entry exists already/);
    expect(sideCacheText({ ...base, saved: false, saveError: "disk full" })).toMatch(/→ not saved: disk full$/);
    const crate = { path: ".", status: "ok" as const, results: 5, runner: "cargo-bench", durationMs: 1000 };
    const text = runRustText({
      sha: "a".repeat(40),
      toolchain: "rustc",
      crates: [{ ...crate, cache: { head, base } }],
    });
    expect(text).toContain(`build cache of .:\n  head: hit (${key}h1) → saved\n  base: miss (${key}base-b1)`);
    expect(text).toMatch(/\.\s+ok\s+5\s+head hit, base miss\s+cargo-bench/);
  });
});
