import { describe, expect, it } from "vitest";
import { cacheKeys } from "../../src/run/build-cache.js";

/**
 * A pull request's build scripts and generators are untrusted: what a PR run saves in the
 * cache (Rust target folders, Python datasets) goes under `pr-<n>-`, which main never restores.
 */
describe("cache keys", () => {
  const key = "lance-bench-cargo-linux-x64-rustc1.90-root-0123abcd";
  const prefixes = ["lance-bench-cargo-linux-x64-rustc1.90-root-"];
  /** GitHub's rule (and LocalDirectoryCache's): the exact key, else a key starting with a restore key. */
  const restores = (keys: { key: string; restoreKeys: string[] }, saved: string) =>
    saved === keys.key || keys.restoreKeys.some((prefix) => saved.startsWith(prefix));

  it("main saves and restores under its own keys", () => {
    expect(cacheKeys(key, prefixes, undefined)).toEqual({ key, restoreKeys: prefixes });
  });

  it("a PR saves under pr-<n>-, restores its own first, then main's", () => {
    const pr = cacheKeys(key, prefixes, 42);
    expect(pr.key).toBe(`pr-42-${key}`);
    expect(pr.restoreKeys).toEqual([`pr-42-${prefixes[0]}`, key, prefixes[0]]);
  });

  it("main never restores what a PR saved; another PR does not either", () => {
    const main = cacheKeys(key, prefixes, undefined);
    for (const n of [1, 4, 42, 420]) expect(restores(main, cacheKeys(key, prefixes, n).key)).toBe(false);
    expect(restores(cacheKeys(key, prefixes, 4), cacheKeys(key, prefixes, 42).key)).toBe(false);
    expect(restores(cacheKeys(key, prefixes, 42), cacheKeys(key, prefixes, 4).key)).toBe(false);
    const datasets = "lance-bench-datasets-0123456789abcdef";
    expect(restores(cacheKeys(datasets, [], undefined), cacheKeys(datasets, [], 7).key)).toBe(false);
    expect(cacheKeys(datasets, [], 7)).toEqual({ key: `pr-7-${datasets}`, restoreKeys: [datasets] });
  });
});
