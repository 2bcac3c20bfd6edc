import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { runActionBundle } from "../support/action-bundle.js";
import { assertFreshDist } from "../support/fresh-dist.js";
import { Outputs as PublishOutputs } from "../../src/actions/publish.js";
import { Outputs as RunCommandOutputs } from "../../src/actions/run-command.js";
import { Outputs as RunPythonOutputs } from "../../src/actions/run-python.js";
import { Outputs as RunPipelineOutputs } from "../../src/actions/run-pipeline.js";
import { Outputs as RunRustOutputs } from "../../src/actions/run-rust.js";
import { Outputs as ScheduleOutputs } from "../../src/actions/schedule.js";
import {
  ACTION_DECLARATIONS,
  publishDeclaration,
  runCommandDeclaration,
  runPipelineDeclaration,
  runPythonDeclaration,
  runRustDeclaration,
  scheduleDeclaration,
} from "../../src/commands/declarations.js";
import { actionInputs, type CommandDeclaration } from "../../src/model/index.js";
import { ROOT, SHA_A, runCliProcess, sample, tempDir } from "../support/helpers.js";

/** The committed bundles, run the way the runner runs a node24 action (test/support/action-bundle.ts). */
const runAction = (bundle: string, inputs: Record<string, string>, extraEnv: NodeJS.ProcessEnv = {}) =>
  runActionBundle(bundle, tempDir(), inputs, extraEnv);

describe("publish action (dist/publish)", () => {
  const db = path.join(tempDir(), "db");
  const inputs = {
    files: `${sample("cargo-criterion.jsonl")}\n${sample("pytest-benchmark-5.json")}`,
    db,
    sha: SHA_A,
    "dut-version": "0.3.1+aaaaaaa",
    "dut-timestamp": "1700000000",
    "dut-name": "fixture",
  };
  const runnerEnv = {
    GITHUB_ACTIONS: "true",
    GITHUB_RUN_ID: "1234",
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_REPOSITORY: "lance-format/lance",
    GITHUB_REF: "refs/heads/main",
    RUNNER_NAME: "GitHub Actions 3",
  };

  it("publishes, sets outputs and writes a job summary table", async () => {
    const run = await runAction("publish", inputs, runnerEnv);
    expect(run.code, run.stdout).toBe(0);
    const expected = readFileSync(sample("cargo-criterion.jsonl"), "utf8").split('"benchmark-complete"').length - 1 + 4;
    expect(Number(run.outputs.count)).toBe(expected);
    expect(run.outputs["already-stored"]).toBe("0");
    expect(run.outputs.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(run.summary).toContain("| benchmark | median | unit | n |");
    expect(run.summary).toMatch(/\| sort\/1000 \| [\d.]+ \| µs \| 10 \|/);
    expect(run.summary).toContain("tests/test_benchmarks.py::test_sort[100]");
    const exported = runCliProcess(["export", "--db", db, "--benchmark", "sort/1000"]);
    const row = JSON.parse(exported.stdout.trim().split("\n")[0]!);
    expect(row.run).toMatchObject({ provider: "github-actions", run_id: "1234", repository: "lance-format/lance" });
    expect(row.test_bed.name).toBe("GitHub Actions 3");
  });

  it("a re-run of the same workflow run adds nothing", async () => {
    const run = await runAction("publish", inputs, runnerEnv);
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.count).toBe("0");
    expect(Number(run.outputs["already-stored"])).toBeGreaterThan(0);
  });

  it("fails once, with the message, on bad input", async () => {
    const run = await runAction("publish", { ...inputs, sha: "not-a-sha" });
    expect(run.code).toBe(1);
    const errors = run.stdout.split("\n").filter((l) => l.startsWith("::error::"));
    expect(errors).toEqual(['::error::sha must be a full 40-character hex commit sha, got "not-a-sha"']);
  });

  it("masks secrets it was given", async () => {
    const run = await runAction("publish", { ...inputs, sha: "bad" }, { AWS_SECRET_ACCESS_KEY: "hunter2-secret" });
    expect(run.stdout).toContain("::add-mask::hunter2-secret");
    expect(run.stdout.replace("::add-mask::hunter2-secret", "")).not.toContain("hunter2-secret");
  });
});

describe("action metadata", () => {
  // the adapters read exactly their declaration's action inputs (test/commands/declarations.test.ts)
  const inputNames = (declaration: CommandDeclaration) => actionInputs(declaration).map((input) => input.name);
  const load = (file: string) => parseYaml(readFileSync(path.join(ROOT, file), "utf8"));

  it.each([
    ["publish", publishDeclaration, PublishOutputs],
    ["run-rust", runRustDeclaration, RunRustOutputs],
    ["run-python", runPythonDeclaration, RunPythonOutputs],
    ["run-pipeline", runPipelineDeclaration, RunPipelineOutputs],
    ["run-command", runCommandDeclaration, RunCommandOutputs],
    ["schedule", scheduleDeclaration, ScheduleOutputs],
  ] as const)(
    "actions/%s/action.yml declares exactly the inputs and outputs the code reads",
    (name, declaration, outputs) => {
      const yml = load(`actions/${name}/action.yml`);
      expect(Object.keys(yml.inputs).sort()).toEqual(inputNames(declaration).sort());
      expect(Object.keys(yml.outputs).sort()).toEqual(Object.values(outputs).sort());
      expect(yml.runs.using).toBe("node24");
    },
  );

  it("the root action.yml is a stub that names every action and fails when used", () => {
    const yml = load("action.yml");
    expect(yml.inputs).toBeUndefined();
    expect(yml.runs.using).toBe("composite");
    const step = yml.runs.steps[0];
    for (const { name } of ACTION_DECLARATIONS) expect(step.run).toContain(name);
    const ran = spawnSync("bash", ["-e", "-c", step.run], { encoding: "utf8" });
    expect(ran.status).toBe(1);
    expect(ran.stdout).toMatch(
      /^::error::lance-bench has one action per command: uses: lancedb\/lance-bench\/actions\//,
    );
  });

  it("the bundles keep LanceDB and Arrow external, and the runtime pins the same versions", () => {
    const dir = path.join(ROOT, "dist/publish");
    const bundle = readdirSync(dir)
      .filter((f) => f.endsWith(".js"))
      .map((f) => readFileSync(path.join(dir, f), "utf8"))
      .join("\n");
    // Both are loaded on first use (LANCEDB_LOG's default is set before; an action ensures the
    // runtime first): from the project's node_modules, or required from the action's runtime.
    expect(bundle).toMatch(/import\((\/\*[^*]*\*\/ )?"@lancedb\/lancedb"\)/);
    expect(bundle).toMatch(/import\((\/\*[^*]*\*\/ )?"apache-arrow"\)/);
    expect(bundle).not.toMatch(/node_modules\/@lancedb/);
    expect(bundle).not.toMatch(/from "apache-arrow"/);
    const runtime = JSON.parse(readFileSync(path.join(ROOT, "dist/package.json"), "utf8"));
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
    expect(runtime.dependencies).toEqual({
      "@lancedb/lancedb": pkg.dependencies["@lancedb/lancedb"],
      "apache-arrow": pkg.dependencies["apache-arrow"],
    });
    const lock = JSON.parse(readFileSync(path.join(ROOT, "dist/package-lock.json"), "utf8"));
    expect(lock.packages["node_modules/@lancedb/lancedb"].version).toBe(pkg.dependencies["@lancedb/lancedb"]);
  });
});

describe("CLI bundle (dist/cli)", () => {
  it("runs and prints help", () => {
    assertFreshDist();
    const run = spawnSync(process.execPath, [path.join(ROOT, "dist/cli/index.js"), "--help"], { encoding: "utf8" });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/publish \[options\] <files\.\.\.>/);
    expect(run.stdout).toMatch(/has-results/);
    expect(run.stdout).toMatch(/export/);
  });
});
