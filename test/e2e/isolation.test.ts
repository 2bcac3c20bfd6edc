import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, gitRepoFrom, runCliProcess, tempDir } from "../support/helpers.js";

/**
 * Code we do not own never meets our secrets: `run-rust` on a crate whose build script and
 * benchmark write down every environment variable they see, with credentials in the parent's
 * environment. The allowlisted environment lets the toolchain work (the crate builds and runs)
 * and `--env-passthrough` adds a harmless name; no credential reaches either side.
 */
const work = tempDir("lance-bench-isolation-");
const repo = gitRepoFrom(path.join(ROOT, "fixtures/rust-env-probe"), path.join(work, "repo"));
// kept between local test runs: the compiled dependencies
const cacheDir = path.join(ROOT, "test-output/env-probe-cache");

const SECRETS = {
  AWS_SECRET_ACCESS_KEY: "aws-secret-f00d",
  AWS_ACCESS_KEY_ID: "AKIAFAKEISOLATION",
  INPUT_TOKEN: "input-token-f00d",
  GITHUB_TOKEN: "ghs_githubTokenF00d",
  ACTIONS_RUNTIME_TOKEN: "runtime-token-f00d",
  DATABASE_URL: "postgres://admin:db-password-f00d@db.internal/prod",
  PGPASSWORD: "pg-password-f00d",
  CARGO_REGISTRY_TOKEN: "cargo-token-f00d",
  LANCE_BENCH_URI: "s3://private-bucket/lance-bench",
};

function environmentOf(file: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of readFileSync(file, "utf8").split("\n").filter(Boolean)) {
    const at = line.indexOf("=");
    vars.set(line.slice(0, at), line.slice(at + 1));
  }
  return vars;
}

describe("the environment of benchmarked code", () => {
  it("build.rs and the bench see the toolchain's variables and no credential", () => {
    const probe = tempDir("lance-bench-env-probe-");
    const run = runCliProcess(
      [
        "run-rust",
        "--repo",
        repo,
        "--runner",
        "cargo-bench",
        "--mode",
        "pr",
        "--cache-dir",
        cacheDir,
        "--output-dir",
        path.join(work, "out"),
        "--env-passthrough",
        "ENV_PROBE_OUT",
        "--pr-number",
        "7",
        "--json",
      ],
      { ...SECRETS, ENV_PROBE_OUT: probe, GITHUB_REPOSITORY: "lancedb/lance-bench", RUNNER_NAME: "runner-7" },
      ROOT,
      600_000,
    );
    expect(run.code, run.stderr).toBe(0);
    for (const file of ["build-env.txt", "bench-env.txt"]) {
      const where = path.join(probe, file);
      expect(existsSync(where), `${file} was not written`).toBe(true);
      const seen = environmentOf(where);
      expect(seen.get("ENV_PROBE_OUT")).toBe(probe);
      expect(seen.get("PATH")).toBeTruthy();
      expect(seen.get("HOME")).toBeTruthy();
      for (const name of [...Object.keys(SECRETS), "GITHUB_REPOSITORY", "RUNNER_NAME"]) {
        expect(seen.has(name), `${file}: ${name}`).toBe(false);
      }
      const text = readFileSync(where, "utf8");
      for (const value of Object.values(SECRETS)) expect(text, file).not.toContain(value);
    }
    // a pull request's run: its rows carry the PR's ref and number, never a branch's
    const [resultsFile] = readdirSync(path.join(work, "out")).filter((f) => /^results-.*\.jsonl$/.test(f));
    const results = readFileSync(path.join(work, "out", resultsFile!), "utf8")
      .trim()
      .split("\n")
      .slice(1);
    expect(results.length).toBeGreaterThan(0);
    for (const line of results) {
      expect(JSON.parse(line).run).toMatchObject({ ref: "refs/pull/7/head", pr_number: 7 });
    }
    // cargo's own variables still reach the build script
    expect(environmentOf(path.join(probe, "build-env.txt")).get("CARGO_PKG_NAME")).toBe("env-probe");
  });

  it("a credential-like name in --env-passthrough is refused before anything runs", () => {
    const probe = tempDir("lance-bench-env-probe-");
    const run = runCliProcess(
      ["run-rust", "--repo", repo, "--mode", "pr", "--env-passthrough", "ENV_PROBE_OUT", "AWS_SECRET_ACCESS_KEY"],
      { ...SECRETS, ENV_PROBE_OUT: probe },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/env-passthrough: "AWS_SECRET_ACCESS_KEY" looks like a credential/);
    expect(existsSync(path.join(probe, "build-env.txt"))).toBe(false);
  });
});
