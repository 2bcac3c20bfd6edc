import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { run as runCommandAction } from "../../src/actions/run-command.js";
import { gitRepoFrom, ROOT, tempDir } from "../helpers.js";

// Its own file: the action sets the LanceDB runtime, which must come before anything loads LanceDB.
const project = gitRepoFrom(path.join(ROOT, "fixtures/command-bench"), path.join(tempDir(), "command-bench"));

describe("the run-command action", () => {
  it("writes the runs and metrics to the job summary, sets its outputs, and fails the step on a failed run only", async () => {
    const dir = tempDir("lance-bench-run-command-action-");
    const summaryFile = path.join(dir, "summary.md");
    const outputFile = path.join(dir, "output.txt");
    const saved = { ...process.env };
    const act = async (inputs: Record<string, string>) => {
      writeFileSync(summaryFile, "");
      writeFileSync(outputFile, "");
      for (const key of Object.keys(process.env)) if (key.startsWith("INPUT_")) delete process.env[key];
      Object.assign(process.env, {
        GITHUB_STEP_SUMMARY: summaryFile,
        GITHUB_OUTPUT: outputFile,
        LANCE_BENCH_RUNTIME_DIR: ROOT,
        LANCE_BENCH_CACHE_DIR: path.join(dir, "cache"),
        ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
      });
      process.exitCode = undefined;
      await runCommandAction();
      const code = process.exitCode;
      process.exitCode = undefined;
      return { code, summary: readFileSync(summaryFile, "utf8"), outputs: readFileSync(outputFile, "utf8") };
    };
    try {
      const common = { repo: project, mode: "pr", "output-dir": path.join(dir, "out") };
      const ok = await act({
        ...common,
        "benchmark-command": "python3 {script} 16",
        param: "script=tree.py",
        format: "metrics-json",
        repetitions: "2",
      });
      expect(ok.code).toBeUndefined();
      expect(ok.summary).toContain("<h3>lance-bench run-command</h3>");
      expect(ok.summary).toContain("| run | status | wall | cpu | peak rss | reason |");
      expect(ok.summary).toMatch(/\| python3 \| stage\/load \| [\d.]+ \| seconds \| lower \| 2 \|/);
      expect(ok.outputs).toMatch(/^skipped<<.*\n0\n/m);
      const skipped = await act({ ...common, "benchmark-command": "./skip_exit.sh" });
      expect(skipped.code).toBeUndefined();
      expect(skipped.summary).toMatch(/\| 1 \| skipped \| .* \| exit code 2: preflight: mode=tor/);
      const failed = await act({ ...common, "benchmark-command": "./garbage.sh", format: "redis-benchmark-csv" });
      expect(failed.code).toBe(1);
      expect(failed.summary).toMatch(/FAILED run 1: run 1 of garbage.sh, redis-benchmark-csv output: line 2/);
      expect(failed.outputs).toMatch(/^failed<<.*\n1\n/m);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  }, 120_000);
});
