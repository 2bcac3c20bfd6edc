import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveInside, safeFileName } from "../../src/context/paths.js";
import { ConfigurationError } from "../../src/model/index.js";
import { sqlString } from "../../src/store/sql.js";
import { ROOT, SHA_A, cleanEnv, explicitDut, gitRepoFrom, runCliProcess, sample, tempDir } from "../support/helpers.js";

/**
 * User strings never reach a query unbound, secrets never reach output, and names from an
 * untrusted side (a fork's pull request) never reach outside the folder meant for them.
 */

describe("query filters", () => {
  const dir = tempDir();
  const db = path.join(dir, "db");

  it("bind names as literals: an injection attempt matches nothing instead of everything", () => {
    expect(runCliProcess(["publish", sample("bencher.txt"), "--db", db, ...explicitDut]).code).toBe(0);
    const all = runCliProcess(["export", "--db", db]).stdout.trim().split("\n");
    expect(all.length).toBeGreaterThan(1);
    for (const attempt of ["x' OR '1'='1", "x' OR benchmark_name IS NOT NULL OR 'a'='a", "\\' OR 1=1 --"]) {
      const run = runCliProcess(["export", "--db", db, "--benchmark", attempt]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe("");
    }
    const name = JSON.parse(all[0]!).benchmark_name as string;
    expect(runCliProcess(["export", "--db", db, "--benchmark", name]).stdout.trim().split("\n")).toHaveLength(1);
  });

  it("refuse shas that are not hex and strings with control characters", () => {
    const run = runCliProcess(["has-results", "--db", db, "--sha", "' OR 1=1 --"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/sha must be a full 40-character hex commit sha/);
    expect(() => sqlString("a\u0000b", "benchmark")).toThrow(ConfigurationError);
    expect(sqlString("it's", "benchmark")).toBe("'it''s'");
  });
});

describe("secrets", () => {
  const SECRETS = {
    GITHUB_TOKEN: "ghp_FAKEgithubTOKEN0123456789abcdefABCDEF",
    SCHEDULER_GITHUB_TOKEN: "github_pat_FAKEschedulerTOKEN_0123456789",
    AWS_ACCESS_KEY_ID: "AKIAFAKEACCESSKEY123",
    AWS_SECRET_ACCESS_KEY: "fakeSECRETkey/0123456789abcdefghijklmnopq",
    AWS_SESSION_TOKEN: "FwoGZXIvYXdzEFAKEsessionTOKEN",
    ACTIONS_RUNTIME_TOKEN: "fake.runtime.token",
  };
  const leaks = (text: string) =>
    Object.entries(SECRETS)
      .filter(([name, value]) => name !== "AWS_ACCESS_KEY_ID" && text.includes(value))
      .map(([name]) => name);

  it("never appear in the CLI's output, on success or failure", () => {
    const dir = tempDir();
    const db = path.join(dir, "db");
    const env = { ...SECRETS, AWS_ENDPOINT_URL_S3: "http://127.0.0.1:9", LANCE_BENCH_RETRY_ATTEMPTS: "1" };
    const runs = [
      runCliProcess(["publish", sample("cargo-criterion.jsonl"), "--db", db, ...explicitDut, "--json"], env),
      runCliProcess(["publish", sample("bencher.txt"), "--db", "s3://bucket/path", ...explicitDut], env),
      runCliProcess(
        ["publish", sample("bencher.txt"), "--db", `s3://key:${SECRETS.AWS_SECRET_ACCESS_KEY}@bucket/x`],
        env,
      ),
      runCliProcess(["has-results", "--db", db, "--sha", SHA_A], env),
      runCliProcess(["export", "--db", db], env),
      runCliProcess(["publish", path.join(dir, "missing.json"), "--db", db], env),
    ];
    expect(runs[0]!.code, runs[0]!.stderr).toBe(0);
    expect(runs[1]!.code).toBe(2); // nothing listens on port 9: the store error is printed
    expect(runs[1]!.stderr).toMatch(/lance-bench: error: .*s3:\/\/bucket\/path/);
    expect(runs[2]!.code).toBe(2);
    for (const run of runs) expect(leaks(run.stdout + run.stderr)).toEqual([]);
  });

  it("are masked by the actions before anything runs", () => {
    const dir = tempDir();
    const env: NodeJS.ProcessEnv = {
      ...cleanEnv(),
      ...SECRETS,
      GITHUB_OUTPUT: path.join(dir, "out"),
      GITHUB_STEP_SUMMARY: path.join(dir, "summary"),
      INPUT_FILES: path.join(dir, "missing.json"),
      INPUT_DB: path.join(dir, "db"),
    };
    writeFileSync(env.GITHUB_OUTPUT!, "");
    writeFileSync(env.GITHUB_STEP_SUMMARY!, "");
    const run = spawnSync(process.execPath, [path.join(ROOT, "dist/publish/index.js")], { env, encoding: "utf8" });
    expect(run.status).toBe(1);
    for (const [name, value] of Object.entries(SECRETS)) {
      if (name === "AWS_ACCESS_KEY_ID" || name === "ACTIONS_RUNTIME_TOKEN") continue;
      expect(run.stdout).toContain(`::add-mask::${value}`);
    }
    const withoutMasks = run.stdout.replace(/^::add-mask::.*$/gm, "");
    expect(leaks(withoutMasks + run.stderr)).toEqual([]);
  });
});

describe("paths from untrusted names", () => {
  const root = tempDir();
  const outside = tempDir();
  mkdirSync(path.join(root, "crates/ok"), { recursive: true });
  symlinkSync(outside, path.join(root, "escape"));

  it.each([
    ["../x", /must stay inside/],
    ["crates/../../x", /must stay inside/],
    ["/etc/passwd", /must be a relative path/],
    ["escape", /leads outside .* through a symbolic link/],
    ["escape/deeper/file.json", /leads outside .* through a symbolic link/],
    ["a\u0000b", /contains a NUL byte/],
  ])("%j is refused", async (name, expected) => {
    await expect(resolveInside(root, name, "artifact file")).rejects.toThrow(expected);
  });

  it("names inside resolve, existing or not", async () => {
    await expect(resolveInside(root, "crates/ok", "crate path")).resolves.toMatch(/crates\/ok$/);
    await expect(resolveInside(root, "crates/new/results.jsonl", "artifact file")).resolves.toMatch(/new\/results/);
  });

  it("file names made from benchmark names cannot hold a path", () => {
    for (const name of ["../../etc/passwd", "..", ".", "/abs", "a/b\\c", "ünï cödé 😀", ""]) {
      const fileName = safeFileName(name);
      expect(fileName).not.toMatch(/[/\\]/);
      expect(fileName).not.toMatch(/^\.+$/);
      expect(fileName.length).toBeGreaterThan(0);
    }
  });

  it("run-rust refuses a crate path that escapes through a symlink committed in the repository", () => {
    const repo = gitRepoFrom(path.join(ROOT, "fixtures/rust-criterion"), path.join(tempDir(), "repo"));
    symlinkSync(outside, path.join(repo, "evil"));
    spawnSync("git", ["-C", repo, "add", "evil"]);
    spawnSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "symlink"]);
    const run = runCliProcess([
      "run-rust",
      "--repo",
      repo,
      "--crate",
      "evil",
      "--db",
      path.join(outside, "db"),
      "--output-dir",
      path.join(outside, "out"),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/crate path "evil" leads outside the repository through a symbolic link/);
  });
});
