import { mkdirSync, readFileSync, writeFileSync, existsSync, utimesSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LocalDirectoryCache } from "../../src/run/build-cache.js";
import { tempDir } from "../helpers.js";

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
