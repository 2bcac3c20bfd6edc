import { readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compare } from "../../src/commands/compare.js";
import { publish, parsePublishOptions } from "../../src/commands/publish.js";
import type { CompareOutcome } from "../../src/model/index.js";
import { parseInputs } from "../../src/parse/index.js";
import { compareMarkdown, compareText } from "../../src/report/compare-report.js";
import { compareSuite, type ComparisonInput } from "../../src/stats/compare.js";
import { ROOT, tempDir } from "../support/helpers.js";

/**
 * Verdicts on real A/A data: fixtures/aa holds 12 runs of each fixture suite, unchanged code,
 * captured on a loaded 2-core machine (see its README). Any regression or improvement found
 * among them is a false alarm.
 */
const AA = path.join(ROOT, "fixtures/aa");
/** The same suites captured again on the idle machine: 8 runs each. */
const AA_QUIET = path.join(ROOT, "fixtures/aa-quiet");
const SUITES = ["criterion", "pytest"] as const;
const runFiles = (suite: string, root = AA) =>
  readdirSync(path.join(root, suite))
    .filter((f) => f.startsWith("run-"))
    .sort()
    .map((f) => path.join(root, suite, f));
const sha = (suite: string, run: number) => `${suite === "criterion" ? "c" : "d"}${String(run).padStart(39, "0")}`;
const flagged = (outcome: { benchmarks: CompareOutcome["benchmarks"] }) =>
  outcome.benchmarks.filter((b) => b.verdict === "regressed" || b.verdict === "improved").map((b) => b.name);
const config = path.join(tempDir("lance-bench-aa-config-"), "empty.yml");

describe("A/A runs captured on this machine", () => {
  const db = path.join(tempDir("lance-bench-aa-"), "db");

  it("has at least six runs of each suite", () => {
    for (const suite of SUITES) expect(runFiles(suite).length).toBeGreaterThanOrEqual(6);
  });

  // The first six runs of each suite, published as CI on main publishes them (one commit each).
  it.each(SUITES)(
    "%s: each of six runs against the other five published on main flags nothing",
    async (suite) => {
      writeFileSync(config, "");
      const files = runFiles(suite).slice(0, 6);
      const env = { GITHUB_ACTIONS: "true", GITHUB_REF: "refs/heads/main", GITHUB_REPOSITORY: "o/r" };
      for (const [i, file] of files.entries()) {
        const options = parsePublishOptions({
          files: [file],
          db,
          sha: sha(suite, i),
          dutName: `aa-${suite}`,
          dutVersion: "1.0.0",
          dutTimestamp: 1_700_000_000 + i,
          testbedName: "aa-machine",
          runId: `${suite}-${i}`,
          config,
        });
        await publish(options, { env: { ...env, GITHUB_RUN_ID: `${suite}-${i}` }, log: () => {} });
      }
      const alarms: string[] = [];
      for (let head = 0; head < files.length; head++) {
        const outcome = await compare(
          { base: ["history"], head: [`sha:${sha(suite, head)}`], db, config, historyRef: "refs/heads/main" },
          { log: () => {} },
        );
        expect(outcome.benchmarks.every((b) => b.method === "prediction" && b.base!.runs === 5)).toBe(true);
        // six Criterion benchmarks share main's runs: they are paced by each other; pytest's four are too few
        if (suite === "criterion") {
          expect(outcome.runPace).toMatchObject({ runs: 5, benchmarks: 6 });
          for (const report of [compareMarkdown(outcome), compareText(outcome)]) {
            expect(report).toContain("Main's 5 runs were paced across the suite (6 benchmarks");
            expect(report).toContain("runs, at the head run's pace)");
          }
        } else expect(outcome.runPace).toBeNull();
        alarms.push(...flagged(outcome).map((name) => `run ${head + 1}: ${name}`));
      }
      expect(alarms).toEqual([]);
    },
    120_000,
  );

  it.each(SUITES)("%s: any two single runs compared file to file flag nothing", async (suite) => {
    const files = [...runFiles(suite), ...runFiles(suite, AA_QUIET)];
    for (let i = 0; i + 1 < files.length; i++) {
      const outcome = await compare(
        { base: [files[i]!], head: [files[i + 1]!], config, historyRef: "refs/heads/main" },
        {
          env: { LANCE_BENCH_URI: path.join(tempDir("lance-bench-aa-none-"), "none") },
        },
      );
      expect(flagged(outcome)).toEqual([]);
      expect(outcome.benchmarks.every((b) => b.verdict === "inconclusive")).toBe(true);
    }
  });

  // On this loaded capture even the quietest benchmark moves 6% a run, and main's runs show
  // that a run here can land far off: one head run cannot tell +30% from that (inconclusive,
  // with the runs that would), while a 3× slowdown stands out, alone.
  it.each([
    [1.3, "inconclusive"],
    [3, "regressed"],
  ] as const)("pytest: ×%s injected into the quietest benchmark of one run is %s", async (factor, verdict) => {
    const files = runFiles("pytest").slice(0, 6);
    const runs = await Promise.all(files.map((f) => parseInputs([f], "auto")));
    const quietest = "tests/test_benchmarks.py::test_sort[100]"; // 6% run to run over these six runs
    const inputs: ComparisonInput[] = runs[0]!.measurements.map(({ benchmarkName: name }) => {
      const values = (run: number) => runs[run]!.measurements.find((m) => m.benchmarkName === name)!.values;
      return {
        name,
        metric: "time",
        direction: "lower_is_better",
        base: { runs: [1, 2, 3, 4, 5].map(values), units: "nanoseconds" },
        head: { runs: [values(0).map((v) => (name === quietest ? v * factor : v))], units: "nanoseconds" },
        baseIsHistory: true,
      };
    });
    const outcome = compareSuite(inputs, SETTINGS);
    const row = outcome.benchmarks.find((b) => b.name === quietest)!;
    expect(row.verdict).toBe(verdict);
    expect(flagged(outcome)).toEqual(verdict === "regressed" ? [quietest] : []);
    if (verdict === "inconclusive") expect(row.runsNeeded).not.toBeNull();
  });

  // On the idle machine the quietest Criterion benchmark moves 6.9% a run, most of it the run's
  // pace (the whole suite moved 0.89–1.11×): paced by the other five benchmarks, +30% in one run
  // stands out. Unpaced, it is flagged from 1 of these 6 runs.
  it("criterion, idle machine: +30% injected into the quietest benchmark of one run is flagged, alone", async () => {
    const runs = await Promise.all(
      runFiles("criterion", AA_QUIET)
        .slice(0, 6)
        .map((f) => parseInputs([f], "auto")),
    );
    const quietest = "checksum/adler32_4k";
    const names = runs[0]!.measurements.map((m) => m.benchmarkName);
    const values = (run: number, name: string) => runs[run]!.measurements.find((m) => m.benchmarkName === name)!.values;
    const found: string[][] = [];
    for (let head = 0; head < runs.length; head++) {
      const main = [0, 1, 2, 3, 4, 5].filter((r) => r !== head);
      const inputs: ComparisonInput[] = names.map((name) => ({
        name,
        metric: "time",
        direction: "lower_is_better",
        base: { runs: main.map((r) => values(r, name)), runIds: main.map(String), units: "nanoseconds" },
        head: { runs: [values(head, name).map((v) => (name === quietest ? v * 1.3 : v))], units: "nanoseconds" },
        baseIsHistory: true,
      }));
      found.push(flagged(compareSuite(inputs, SETTINGS)));
    }
    // nothing else is ever flagged, and the injection is found from at least 5 of the 6 runs
    expect(found.flat().filter((name) => name !== quietest)).toEqual([]);
    expect(found.filter((names) => names.includes(quietest)).length).toBeGreaterThanOrEqual(5);
  });

  it("across every window of six runs, few leave-one-out suites raise any alarm", async () => {
    let suites = 0;
    let withAlarm = 0;
    for (const [suite, root] of SUITES.flatMap((suite) => [AA, AA_QUIET].map((root) => [suite, root] as const))) {
      const runs = await Promise.all(runFiles(suite, root).map((f) => parseInputs([f], "auto")));
      const names = runs[0]!.measurements.map((m) => m.benchmarkName);
      const values = (run: number, name: string) =>
        runs[run]!.measurements.find((m) => m.benchmarkName === name)!.values;
      for (let start = 0; start + 6 <= runs.length; start++) {
        for (let head = start; head < start + 6; head++) {
          const inputs: ComparisonInput[] = names.map((name) => ({
            name,
            metric: "time",
            direction: "lower_is_better",
            base: {
              runs: [0, 1, 2, 3, 4, 5]
                .map((i) => start + i)
                .filter((r) => r !== head)
                .map((r) => values(r, name)),
              runIds: [0, 1, 2, 3, 4, 5].map((i) => `${start + i}`).filter((r) => r !== `${head}`),
              units: "nanoseconds",
            },
            head: { runs: [values(head, name)], units: "nanoseconds" },
            baseIsHistory: true,
          }));
          const outcome = compareSuite(inputs, SETTINGS);
          suites++;
          if (flagged(outcome).length > 0) withAlarm++;
        }
      }
    }
    // Benjamini-Hochberg at 0.05 allows about 5% of clean suites an alarm (measured here: 8 of 120,
    // all where a five-run history had not yet shown how far a run can land); the within-run
    // test this replaced flagged 61 of 66 Criterion pairs and all 66 pytest pairs of ../aa.
    expect(withAlarm / suites).toBeLessThanOrEqual(0.08);
  });
});

const SETTINGS = {
  fdr: 0.05,
  minSamples: 5,
  confidence: 0.95,
  resamples: 200,
  policyFor: () => ({ threshold: 0.02, muted: false }),
};
