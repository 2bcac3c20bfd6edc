import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { commitAll, gitRepoFrom, runCliProcess, tempDir } from "../support/helpers.js";

/**
 * The state files run-pipeline deletes before every iteration are named by the pipeline file
 * (`state.connection`, the PR's code) or by `--state-path`: they must stay inside the workdir.
 * `..`, an absolute path, or a symbolic link out is refused before anything is built or run
 * (and no PostgreSQL is needed to see it: the check comes before the connection).
 */
const dir = tempDir("lance-bench-state-paths-");
const outside = path.join(dir, "outside");
mkdirSync(outside);
writeFileSync(path.join(outside, "precious.json"), "{}");

function repoWithState(name: string, connection: string, link?: { at: string; to: string }): string {
  const source = path.join(dir, `${name}-src`);
  mkdirSync(path.join(source, "pipelines"), { recursive: true });
  writeFileSync(path.join(source, "package.json"), JSON.stringify({ name: "state-fixture", version: "1.0.0" }));
  writeFileSync(
    path.join(source, "pipelines", "bench_pg.yaml"),
    `pipeline: bench_pg\nstate:\n  backend: file\n  connection: ${JSON.stringify(connection)}\n`,
  );
  const repo = gitRepoFrom(source, path.join(dir, name));
  if (link) {
    symlinkSync(link.to, path.join(repo, link.at));
    commitAll(repo, "a link");
  }
  return repo;
}

function runPipeline(repo: string, extra: string[] = []) {
  const marker = path.join(dir, `built-${Math.random().toString(36).slice(2)}`);
  const run = runCliProcess([
    "run-pipeline",
    "--repo",
    repo,
    "--mode",
    "pr",
    "--pipelines-dir",
    "pipelines",
    "--variants",
    "insert",
    "--build-command",
    `touch ${marker}`,
    "--command",
    "true {pipeline}",
    "--database-url",
    "postgres://bench@127.0.0.1:1/bench",
    "--connect-attempts",
    "1",
    "--output-dir",
    path.join(dir, "out"),
    ...extra,
  ]);
  return { ...run, built: existsSync(marker) };
}

describe("pipeline state paths", () => {
  it.each([
    ["dotdot", "../../outside/precious.json", /must stay inside the workdir/],
    ["absolute", path.join(outside, "precious.json"), /must be a relative path/],
    ["link", "escape/precious.json", /leads outside the workdir through a symbolic link/],
  ])("state.connection %s is refused before anything runs", (name, connection, why) => {
    const repo = repoWithState(name, connection, name === "link" ? { at: "escape", to: outside } : undefined);
    const run = runPipeline(repo);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^lance-bench: error: pipelines\/bench_pg\.yaml: state\.connection "/);
    expect(run.stderr).toMatch(why);
    expect(run.built).toBe(false);
    expect(existsSync(path.join(outside, "precious.json"))).toBe(true);
  });

  it("--state-path out of the workdir is refused the same way", () => {
    const repo = repoWithState("flag", ".state/ok.json");
    const run = runPipeline(repo, ["--state-path", "../outside/precious.json"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/state-paths "\.\.\/outside\/precious\.json" must stay inside the workdir/);
    expect(run.built).toBe(false);
  });

  it("a state path inside the workdir passes the check (and the run goes on to the build)", () => {
    const repo = repoWithState("fine", ".state/ok.json");
    const run = runPipeline(repo);
    expect(run.built).toBe(true);
    expect(run.stderr).not.toMatch(/state\.connection/);
  });
});
