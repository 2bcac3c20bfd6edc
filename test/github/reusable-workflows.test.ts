import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { ROOT, tempDir } from "../helpers.js";

/*
 * The reusable workflows check out lance-bench at `lance-bench-ref` and run its actions: a
 * branch name there would make the caller's pin of the workflow pin nothing. Each job's first
 * step refuses anything but a full commit sha, before any lance-bench code runs; the value
 * reaches that bash script only through `env:`, never spliced into its text.
 */
interface Step {
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
}
interface Workflow {
  on: { workflow_call: { inputs: Record<string, { required?: boolean; default?: unknown }> } };
  jobs: Record<string, { steps: Step[] }>;
}

const WORKFLOWS = ["pr-benchmarks.yml", "pr-comment.yml"];
const read = (file: string) => parseYaml(readFileSync(path.join(ROOT, ".github/workflows", file), "utf8")) as Workflow;

function runGuard(step: Step, ref: string, cwd: string) {
  return spawnSync("bash", ["-e", "-c", step.run!], {
    cwd,
    env: { PATH: process.env.PATH, LANCE_BENCH_REF: ref },
    encoding: "utf8",
  });
}

describe.each(WORKFLOWS)("%s", (file) => {
  const workflow = read(file);

  it("requires lance-bench-ref, with no default", () => {
    const input = workflow.on.workflow_call.inputs["lance-bench-ref"]!;
    expect(input.required).toBe(true);
    expect(input.default).toBeUndefined();
  });

  describe.each(Object.keys(workflow.jobs))("job %s", (job) => {
    const steps = workflow.jobs[job]!.steps;
    const guard = steps[0]!;

    it("checks the ref in its first step, through env only, before lance-bench is used", () => {
      expect(guard.shell).toBe("bash");
      expect(guard.env).toEqual({ LANCE_BENCH_REF: "${{ inputs.lance-bench-ref }}" });
      expect(guard.run).not.toContain("${{");
      const firstLanceBench = steps.findIndex(
        (s) => (s.uses ?? "").includes(".lance-bench") || JSON.stringify(s).includes("lance-bench-ref"),
      );
      expect(firstLanceBench).toBe(0);
    });

    it.each([
      ["main", false],
      ["$(touch pwned)", false],
      ["`touch pwned`", false],
      [`${"a".repeat(40)}\ntouch pwned`, false],
      ["0123456789abcdef0123456789abcdef0123456", false], // 39 hex digits
      [`${"a".repeat(40)}0`, false], // 41
      ["g".repeat(40), false],
      ["", false],
      ["0123456789abcdef0123456789abcdef01234567", true],
      ["0123456789ABCDEF0123456789ABCDEF01234567", true],
    ])("%j → accepted: %s", (ref, ok) => {
      const dir = tempDir("lance-bench-ref-guard-");
      const result = runGuard(guard, ref, dir);
      expect(result.status).toBe(ok ? 0 : 1);
      if (!ok) expect(result.stdout).toMatch(/^::error::lance-bench-ref must be a full lance-bench commit sha/);
      expect(result.stdout).not.toContain("pwned");
      expect(existsSync(path.join(dir, "pwned"))).toBe(false);
    });
  });
});
