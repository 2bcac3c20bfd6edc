// `npx tsx bench/aa-summary.ts [DIR]`: reads the A/A fixtures that
// `npx tsx bench/measure-noise.ts --save-raw DIR` wrote (default fixtures/aa), each run file
// through lance-bench's own parser (so this also checks that every file parses), and prints,
// per benchmark, how far the run medians spread from run to run next to how noisy the samples
// are within one run, as the markdown tables in fixtures/aa/README.md.
//
//   within-run CV          median over runs of stddev/mean of one run's samples
//   within-run robust CV   median over runs of 1.4826 MAD/median (not swayed by a few outliers)
//   iid median CV          1.2533 robust CV / sqrt(samples): how much one run's median would
//                          vary if every sample were an independent draw from one distribution
//   run-to-run CV          stddev/mean of the run medians
//   max/min                largest run median / smallest run median
//   excess                 run-to-run CV / iid median CV
//
// and, per run, the suite's level next to the load average measure-noise recorded.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseInputs } from "../src/parse/index.js";
import { cv, median, robustCv } from "./noise-stats.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dir = path.resolve(process.argv[2] ?? path.join(ROOT, "fixtures/aa"));

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Benchmark name -> one sample array per run, in run order. */
async function readSuite(suite: string): Promise<{ files: string[]; runs: Map<string, number[][]> }> {
  const suiteDir = path.join(dir, suite);
  const files = readdirSync(suiteDir)
    .filter((f) => /^run-\d+\.jsonl?$/.test(f))
    .sort()
    .map((f) => path.join(suiteDir, f));
  const runs = new Map<string, number[][]>();
  for (const [i, file] of files.entries()) {
    const parsed = await parseInputs([file]);
    if (parsed.warnings.length) console.error(`${file}: ${parsed.warnings.join("; ")}`);
    if (i > 0 && parsed.measurements.length !== runs.size) {
      throw new Error(`${file} has ${parsed.measurements.length} benchmarks, the first run ${runs.size}`);
    }
    for (const m of parsed.measurements) {
      const perRun = runs.get(m.benchmarkName) ?? [];
      if (perRun.length !== i) throw new Error(`${file}: ${m.benchmarkName} is not in every earlier run`);
      perRun.push(m.values);
      runs.set(m.benchmarkName, perRun);
    }
  }
  return { files, runs };
}

const header = [
  "benchmark",
  "samples/run",
  "within-run CV",
  "within-run robust CV",
  "iid median CV",
  "run-to-run CV of medians",
  "max/min of medians",
  "excess",
];

/** Per suite, per run: geometric mean over benchmarks of (run median / median of run medians). */
const levels = new Map<string, number[]>();

for (const suite of ["criterion", "pytest"]) {
  const { files, runs } = await readSuite(suite);
  const logs = files.map(() => 0);
  console.log(`### ${suite} (${files.length} runs, ${runs.size} benchmarks, all parsed by lance-bench)\n`);
  console.log(`| ${header.join(" | ")} |`);
  console.log(`|${header.map((_, i) => (i === 0 ? " --- " : " ---: ")).join("|")}|`);
  for (const [name, perRun] of [...runs].sort(([a], [b]) => a.localeCompare(b))) {
    const medians = perRun.map(median);
    const samples = median(perRun.map((s) => s.length));
    const robust = median(perRun.map(robustCv));
    const iid = (1.2533 * robust) / Math.sqrt(samples);
    const runToRun = cv(medians);
    const mid = median(medians);
    medians.forEach((m, i) => (logs[i] = (logs[i] as number) + Math.log(m / mid) / runs.size));
    const cells = [
      `\`${name}\``,
      String(samples),
      pct(median(perRun.map(cv))),
      pct(robust),
      pct(iid),
      pct(runToRun),
      (Math.max(...medians) / Math.min(...medians)).toFixed(2),
      `${(runToRun / iid).toFixed(1)}x`,
    ];
    console.log(`| ${cells.join(" | ")} |`);
  }
  console.log();
  levels.set(suite, logs.map(Math.exp));
}

// Each run's level: the geometric mean over the suite's benchmarks of run median / median of
// the run medians, next to the 1-minute load average measure-noise recorded after that run.
const profileFile = path.join(dir, "noise-profile.json");
const loads = existsSync(profileFile)
  ? ((JSON.parse(readFileSync(profileFile, "utf8")) as { load_after_run?: number[] }).load_after_run ?? [])
  : [];
const suites = [...levels.keys()];
console.log("### Per run: geometric mean of run median / median of run medians\n");
console.log(`| run | ${suites.join(" | ")} | 1-min load after the run |`);
console.log(`| ---: | ${suites.map(() => "---:").join(" | ")} | ---: |`);
const count = Math.max(...[...levels.values()].map((l) => l.length));
for (let r = 0; r < count; r++) {
  const cells = suites.map((suite) => levels.get(suite)?.[r]?.toFixed(3) ?? "");
  console.log(`| ${String(r + 1).padStart(2, "0")} | ${cells.join(" | ")} | ${loads[r]?.toFixed(2) ?? ""} |`);
}
