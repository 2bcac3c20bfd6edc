import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readCommit, validateSha } from "../../src/context/git.js";
import { readProjectVersion } from "../../src/context/manifest.js";
import { detectRunInfo } from "../../src/context/run-info.js";
import { detectTestBed, environmentFingerprint } from "../../src/context/testbed.js";
import { commitAll, git, tempDir } from "../support/helpers.js";

function project(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe("project version", () => {
  it("reads package.version from Cargo.toml", async () => {
    const dir = project({ "Cargo.toml": '[package]\nname = "lance"\nversion = "0.15.0"\n' });
    expect(await readProjectVersion(dir)).toMatchObject({ name: "lance", version: "0.15.0" });
  });

  it("reads workspace.package.version for a virtual workspace and for an inheriting root package", async () => {
    const virtual = project({ "Cargo.toml": '[workspace]\nmembers = ["a"]\n[workspace.package]\nversion = "1.2.3"\n' });
    expect(await readProjectVersion(virtual)).toMatchObject({ name: undefined, version: "1.2.3" });
    const inheriting = project({
      "Cargo.toml": '[package]\nname = "x"\nversion.workspace = true\n[workspace.package]\nversion = "4.5.6"\n',
    });
    expect(await readProjectVersion(inheriting)).toMatchObject({ name: "x", version: "4.5.6" });
  });

  it("falls back to pyproject.toml (PEP 621, then Poetry)", async () => {
    expect(
      await readProjectVersion(project({ "pyproject.toml": '[project]\nname = "pylance"\nversion = "0.9.1"\n' })),
    ).toMatchObject({
      name: "pylance",
      version: "0.9.1",
    });
    expect(
      await readProjectVersion(project({ "pyproject.toml": '[tool.poetry]\nname = "p"\nversion = "2.0"\n' })),
    ).toMatchObject({
      version: "2.0",
    });
  });

  it("reads a Node project's package.json last", async () => {
    expect(
      await readProjectVersion(project({ "package.json": '{"name": "lance-bench", "version": "0.1.0"}' })),
    ).toMatchObject({
      name: "lance-bench",
      version: "0.1.0",
    });
  });

  it("says where it looked when no version can be read", async () => {
    await expect(
      readProjectVersion(project({ "pyproject.toml": '[project]\nname = "d"\ndynamic = ["version"]\n' })),
    ).rejects.toThrow(/no version found in .*pyproject\.toml \(dynamic versions cannot be read\)$/);
    await expect(readProjectVersion(project({}))).rejects.toThrow(/no Cargo\.toml, pyproject\.toml or package\.json/);
    await expect(readProjectVersion(project({ "Cargo.toml": "[package\n" }))).rejects.toThrow(
      /Cargo\.toml: invalid TOML/,
    );
  });
});

describe("git", () => {
  it("reads the full sha and the commit time", async () => {
    const dir = project({ "a.txt": "1" });
    git(dir, ["init", "-q"]);
    const sha = commitAll(dir, "one", "2026-01-02T03:04:05Z");
    expect(await readCommit(dir)).toEqual({ sha, timestamp: Date.parse("2026-01-02T03:04:05Z") / 1000 });
    expect((await readCommit(dir, sha.toUpperCase())).sha).toBe(sha);
  });

  it("refuses anything but a full hex sha, before git sees it", async () => {
    expect(() => validateSha("--upload-pack=touch /tmp/x")).toThrow(/full 40-character hex/);
    expect(() => validateSha("abc1234")).toThrow(/full 40-character hex/);
    await expect(readCommit(tempDir())).rejects.toThrow(/cannot read commit HEAD/);
  });
});

describe("test bed and fingerprint", () => {
  it("names the CPU model, memory and OS; the name comes from input, runner, then hostname", async () => {
    const bed = await detectTestBed(undefined, { RUNNER_NAME: "runner-7" });
    expect(bed.name).toBe("runner-7");
    expect(bed.cpu).not.toMatch(/^(x86_64|x64|unknown)$/);
    expect(bed.cpu).toMatch(/\d+ cores/);
    expect(bed.memory_gb).toBeGreaterThan(0);
    expect((await detectTestBed("bench-box", { RUNNER_NAME: "r" })).name).toBe("bench-box");
  });

  it("changes with the toolchain or machine, not with the runner's name", async () => {
    const bed = await detectTestBed("a", {});
    const same = environmentFingerprint({ ...bed, name: "b", created_at: 0 }, ["rustc 1.80.0"]);
    expect(environmentFingerprint(bed, ["rustc 1.80.0"])).toBe(same);
    expect(environmentFingerprint(bed, ["rustc 1.81.0"])).not.toBe(same);
    expect(environmentFingerprint({ ...bed, cpu: "other" }, ["rustc 1.80.0"])).not.toBe(same);
  });

  it("identifies GitHub runs and pull requests", () => {
    expect(
      detectRunInfo("x", {
        GITHUB_ACTIONS: "true",
        GITHUB_RUN_ID: "99",
        GITHUB_RUN_ATTEMPT: "2",
        GITHUB_REF: "refs/pull/17/merge",
        GITHUB_REPOSITORY: "lance-format/lance",
        GITHUB_WORKFLOW: "bench",
      }),
    ).toEqual({
      provider: "github-actions",
      repository: "lance-format/lance",
      workflow: "bench",
      run_id: "99",
      run_attempt: 2,
      ref: "refs/pull/17/merge",
      pr_number: 17,
    });
    expect(detectRunInfo("local-1", {})).toMatchObject({ provider: "local", run_id: "local-1", pr_number: null });
  });
});
