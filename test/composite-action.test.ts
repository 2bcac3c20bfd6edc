import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { ROOT, SHA_A, cleanEnv, gitRepoFrom, sample, tempDir } from "./helpers.js";

/**
 * Runs a composite action.yml the way the runner does, step by step, from a copy of the
 * action's files outside this checkout (so nothing resolves from our node_modules): the
 * runtime install must make the bundle work on its own. `uses:` steps (the cache) are
 * skipped, as on a cache miss. Only the expressions our action.yml files use are supported,
 * and an unknown one fails the test.
 */
interface Step {
  id?: string;
  if?: string;
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
}

function runComposite(actionDir: string, inputs: Record<string, string>, baseEnv: NodeJS.ProcessEnv) {
  const spec = parseYaml(readFileSync(path.join(actionDir, "action.yml"), "utf8"));
  const stepOutputs: Record<string, Record<string, string>> = {};
  const inputValue = (name: string) => inputs[name] ?? spec.inputs[name]?.default ?? "";
  const evaluate = (text: string) =>
    text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
      let m: RegExpExecArray | null;
      if (expr === "github.action_path") return actionDir;
      if ((m = /^inputs\.([\w-]+)$/.exec(expr))) return inputValue(m[1]!);
      if ((m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr))) return stepOutputs[m[1]!]?.[m[2]!] ?? "";
      throw new Error(`expression not supported by this test runner: ${expr}`);
    });
  // The conditions our action.yml files use: comparisons of inputs joined by &&.
  const condition = (expression: string | undefined): boolean =>
    expression === undefined ||
    expression.split("&&").every((part) => {
      const m = /^\s*\(?\s*inputs\.([\w-]+)\s*(==|!=)\s*'([^']*)'\s*\)?\s*$/.exec(part);
      if (!m) throw new Error(`condition not supported by this test runner: ${part}`);
      return (inputValue(m[1]!) === m[3]) === (m[2] === "==");
    });
  const work = tempDir("composite-");
  const log: string[] = [];
  for (const [index, step] of (spec.runs.steps as Step[]).entries()) {
    if (!condition(step.if)) {
      log.push(`skipped (if: ${step.if}) ${step.name}`);
      continue;
    }
    if (step.uses) {
      log.push(`skipped ${step.uses}`);
      continue;
    }
    expect(step.shell).toBe("bash");
    const outputFile = path.join(work, `output-${index}`);
    writeFileSync(outputFile, "");
    const env: NodeJS.ProcessEnv = { ...baseEnv, GITHUB_OUTPUT: outputFile, RUNNER_OS: "Linux", RUNNER_ARCH: "X64" };
    for (const [key, value] of Object.entries(step.env ?? {})) env[key] = evaluate(String(value));
    const run = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", evaluate(step.run!)], {
      env,
      encoding: "utf8",
      timeout: 300_000,
    });
    log.push(`${step.name}: exit ${run.status}\n${run.stdout}${run.stderr}`);
    if (run.status !== 0) return { ok: false, log: log.join("\n"), outputs: {} };
    const outputs: Record<string, string> = {};
    const text = readFileSync(outputFile, "utf8");
    for (const m of text.matchAll(/^([\w-]+)=(.*)$/gm)) outputs[m[1]!] = m[2]!;
    for (const m of text.matchAll(/^([\w-]+)<<(.+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]!] = m[3]!;
    if (step.id) stepOutputs[step.id] = outputs;
  }
  const actionOutputs: Record<string, string> = {};
  for (const [name, output] of Object.entries(spec.outputs as Record<string, { value: string }>)) {
    actionOutputs[name] = evaluate(output.value);
  }
  return { ok: true, log: log.join("\n"), outputs: actionOutputs };
}

describe("composite actions, run step by step from a copy outside the checkout", () => {
  const copy = path.join(tempDir("action-copy-"), "lance-bench");
  mkdirSync(copy);
  for (const item of ["action.yml", "actions", "scripts"])
    cpSync(path.join(ROOT, item), path.join(copy, item), { recursive: true });
  cpSync(path.join(ROOT, "dist"), path.join(copy, "dist"), {
    recursive: true,
    filter: (src) => !src.includes(`${path.sep}node_modules`),
  });
  const db = path.join(tempDir(), "db");
  const summary = path.join(tempDir(), "summary.md");
  writeFileSync(summary, "");
  const env = { ...cleanEnv(), GITHUB_STEP_SUMMARY: summary, GITHUB_WORKSPACE: ROOT };
  const inputs = {
    files: sample("pytest-benchmark-5.json"),
    db,
    sha: SHA_A,
    "dut-version": "0.2.0+aaaaaaa",
    "dut-timestamp": "1700000000",
    "dut-name": "fixture",
  };

  it("actions/publish: installs the LanceDB runtime into dist/, then publishes with it", () => {
    const result = runComposite(path.join(copy, "actions/publish"), inputs, env);
    expect(result.ok, result.log).toBe(true);
    expect(result.log).toContain("lance-bench runtime: installed into");
    expect(result.log).toMatch(/skipped actions\/cache@[0-9a-f]{40}/);
    expect(result.outputs.count).toBe("4");
    expect(result.outputs.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(readFileSync(summary, "utf8")).toContain("test_sort[1000]");
    // The bundle loaded LanceDB from the action's own dist/node_modules.
    execFileSync("test", ["-d", path.join(copy, "dist/node_modules/@lancedb/lancedb")]);
  }, 600_000);

  it("the root action: same run through `command`, runtime already installed, re-run adds nothing", () => {
    const result = runComposite(copy, { ...inputs, command: "publish" }, env);
    expect(result.ok, result.log).toBe(true);
    expect(result.log).toContain("lance-bench runtime: up to date");
    expect(result.outputs.count).toBe("0");
    expect(result.outputs["already-stored"]).toBe("4");
  });

  it("actions/run-rust: builds and benchmarks a checkout, caching in a local folder without GitHub's cache service", () => {
    const repo = gitRepoFrom(path.join(ROOT, "fixtures/rust-criterion"), path.join(tempDir(), "repo"));
    const result = runComposite(
      path.join(copy, "actions/run-rust"),
      {
        repository: "",
        path: repo,
        runner: "cargo-bench",
        db,
        "output-dir": path.join(tempDir(), "results"),
        "testbed-name": "composite-test",
      },
      { ...env, LANCE_BENCH_CACHE_DIR: path.join(ROOT, "test-output/run-rust-cache") },
    );
    expect(result.ok, result.log).toBe(true);
    expect(result.log).toContain("skipped (if: inputs.repository != '') Check out the project to benchmark");
    expect(result.log).toContain("caching builds in a local folder");
    expect(Number(result.outputs.count)).toBeGreaterThanOrEqual(5);
    expect(result.outputs["failed-crates"]).toBe("");
    expect(readFileSync(summary, "utf8")).toContain("lance-bench run-rust");
  }, 900_000);

  it("actions/run-python: a fresh venv, the suite, published", () => {
    const repo = gitRepoFrom(path.join(ROOT, "fixtures/python-pytest-benchmark"), path.join(tempDir(), "repo"));
    const result = runComposite(
      path.join(copy, "actions/run-python"),
      { repository: "", path: repo, db, "output-dir": path.join(tempDir(), "results") },
      env,
    );
    expect(result.ok, result.log).toBe(true);
    expect(result.log).toContain("skipped (if: inputs.python-version != '') Set up Python");
    expect(Number(result.outputs.count)).toBeGreaterThanOrEqual(4);
    expect(result.outputs.datasets).toBe("none");
    expect(readFileSync(summary, "utf8")).toContain("lance-bench run-python");
  }, 600_000);

  it("the root action refuses an unknown command", () => {
    const result = runComposite(copy, { ...inputs, command: "rm -rf /" }, env);
    expect(result.ok).toBe(false);
    expect(result.log).toContain("::error::unknown command 'rm -rf /'");
  });
});
