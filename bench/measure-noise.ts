// `npx tsx bench/measure-noise.ts [--runs N] [--save-raw DIR]`: how noisy are REAL repeated runs
// of the two benchmark fixtures on this machine? Runs fixtures/rust-criterion (`cargo bench`) and
// fixtures/python-pytest-benchmark (`pytest --benchmark-json`) alternately N times (default 8),
// reads every run's per-sample data, and writes bench/noise-profile.json:
//
//   within_run_cv         median over runs of stddev/mean of one run's samples
//   run_to_run_cv         stddev/mean of the N run medians
//   relative_run_medians  run medians / median(run medians)
//
// Criterion samples: <target>/criterion/<id>/new/sample.json, times[i]/iters[i] (ns per iteration).
// pytest-benchmark samples: benchmarks[].stats.data (s per iteration).
// Standard deviations are sample standard deviations (n - 1).
//
// --save-raw DIR keeps every run's raw tool output as an A/A fixture (same code, run after run):
// the Criterion fixture then runs through `cargo criterion --message-format=json` instead of
// `cargo bench`, and its stdout is saved as DIR/criterion/run-NN.jsonl; pytest-benchmark's JSON
// is saved as DIR/pytest/run-NN.json. The noise profile of those same runs goes to
// DIR/noise-profile.json, leaving bench/noise-profile.json as it is. Earlier run-* files in
// those two folders are deleted first. (fixtures/aa/ was made this way; see its README.)
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as prettier from "prettier";
import { cv, mean, median, stddev } from "./noise-stats.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RUST_FIXTURE = path.join(ROOT, "fixtures/rust-criterion");
const PY_FIXTURE = path.join(ROOT, "fixtures/python-pytest-benchmark");
/** Only the self-contained benchmarks: tests/test_lance_dataset.py needs pylance and a datagen dataset. */
const PY_TESTS = ["tests/test_benchmarks.py"];
const OUT_FILE = path.join(ROOT, "bench/noise-profile.json");
/** Kept across invocations so the Criterion build (~2 min from scratch) is paid once per machine. */
const WORK = path.join(os.tmpdir(), "lance-bench-measure-noise");
const CARGO_TARGET = path.join(WORK, "target");
const PY_VENV = path.join(WORK, "venv");
const STEP_TIMEOUT_MS = 15 * 60 * 1000;

type Suite = "criterion" | "pytest";

interface BenchmarkNoise {
  suite: Suite;
  name: string;
  samples_per_run: number;
  within_run_cv: number;
  run_medians: number[];
  run_to_run_cv: number;
  relative_run_medians: number[];
}

interface NoiseProfile {
  measured_at: string;
  machine: { cpus: number; cpu_model: string; memory_gb: number };
  command: string;
  runs: number;
  /** The 1-minute load average after each run (Criterion + pytest), in run order. */
  load_after_run?: number[];
  benchmarks: BenchmarkNoise[];
}

/** One benchmark's samples from one run, per iteration (ns for Criterion, s for pytest). */
type RunSamples = Map<string, number[]>;

// ---------------------------------------------------------------------------------------------
// Arguments

const USAGE = "usage: npx tsx bench/measure-noise.ts [--runs N] [--save-raw DIR]   (N >= 2, default 8)";

interface Options {
  runs: number;
  /** Where to keep each run's raw output (see the top of this file), if anywhere. */
  saveRaw?: string;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { runs: 8 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "-h" || arg === "--help") {
      console.log(USAGE);
      process.exit(0);
    }
    const match = /^(--runs|--save-raw)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument ${JSON.stringify(arg)} (${USAGE})`);
    const value = match[2] ?? argv[++i];
    if (match[1] === "--runs") {
      if (value === undefined || !/^\d+$/.test(value) || Number(value) < 2) {
        throw new Error(`--runs needs an integer >= 2, got ${JSON.stringify(value)}`);
      }
      options.runs = Number(value);
    } else {
      if (!value) throw new Error("--save-raw needs a folder");
      options.saveRaw = path.resolve(value);
    }
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// Processes

interface Finished {
  stdout: string;
  stderr: string;
  ms: number;
}

function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Finished> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: STEP_TIMEOUT_MS,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const ms = performance.now() - started;
      if (code === 0) return resolve({ stdout, stderr, ms });
      const tail = (stderr || stdout).trimEnd().split("\n").slice(-30).join("\n");
      reject(new Error(`${command} ${args.join(" ")} exited with ${code ?? signal} after ${fmtSeconds(ms)}\n${tail}`));
    });
  });
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const fmtSeconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

// ---------------------------------------------------------------------------------------------
// Criterion

const cargoEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, CARGO_TARGET_DIR: CARGO_TARGET };
  // Keep the benchmark set to the default one (see fixtures/rust-criterion/README.md).
  delete env.BENCH_FIXTURE_BYTES_DECIMAL;
  return env;
};
const cargoArgs = ["bench", "--manifest-path", path.join(RUST_FIXTURE, "Cargo.toml"), "--bench", "fixture"];

/** Builds the fixture once and returns the benchmark ids its harness lists. */
async function buildCriterion(): Promise<string[]> {
  log(`building the Criterion fixture into ${CARGO_TARGET} ...`);
  const { ms } = await run("cargo", [...cargoArgs, "--no-run"], { cwd: RUST_FIXTURE, env: cargoEnv() });
  log(`  built in ${fmtSeconds(ms)}`);
  // The bench harness must accept Criterion's own flags (it does: `harness = false`, and the lib
  // target has `bench = false`), or `-- --noplot` below would fail. `--list` runs nothing.
  const list = await run("cargo", [...cargoArgs, "--", "--noplot", "--list"], { cwd: RUST_FIXTURE, env: cargoEnv() });
  return [...list.stdout.matchAll(/^(.+): benchmark$/gm)].map((m) => m[1] as string).sort();
}

interface CriterionSample {
  iters: number[];
  times: number[];
}

function readCriterionSamples(criterionDir: string): RunSamples {
  const found: RunSamples = new Map();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const sub = path.join(dir, entry.name);
      if (entry.name === "new") {
        const bench = JSON.parse(readFileSync(path.join(sub, "benchmark.json"), "utf8")) as { full_id: string };
        const sample = JSON.parse(readFileSync(path.join(sub, "sample.json"), "utf8")) as CriterionSample;
        if (sample.iters.length !== sample.times.length || sample.iters.length === 0) {
          throw new Error(`${sub}/sample.json: iters and times differ in length or are empty`);
        }
        found.set(
          bench.full_id,
          sample.times.map((t, i) => t / (sample.iters[i] as number)),
        );
      } else if (entry.name !== "base" && entry.name !== "change" && entry.name !== "report") {
        walk(sub);
      }
    }
  };
  walk(criterionDir);
  return found;
}

async function runCriterion(expectedIds: string[]): Promise<{ samples: RunSamples; ms: number }> {
  const criterionDir = path.join(CARGO_TARGET, "criterion");
  // A clean slate each run: no stale benchmark ids, and only this run's `new` data is read.
  rmSync(criterionDir, { recursive: true, force: true });
  const { ms } = await run("cargo", [...cargoArgs, "--", "--noplot"], { cwd: RUST_FIXTURE, env: cargoEnv() });
  const samples = readCriterionSamples(criterionDir);
  const missing = expectedIds.filter((id) => !samples.has(id));
  if (missing.length)
    throw new Error(`cargo bench wrote no ${criterionDir}/<id>/new/sample.json for ${missing.join(", ")}`);
  return { samples, ms };
}

// `cargo criterion` runs the same bench binary, with cargo-criterion doing the analysis.
const cargoCriterionArgs = [
  "criterion",
  "--manifest-path",
  path.join(RUST_FIXTURE, "Cargo.toml"),
  "--bench",
  "fixture",
  "--plotting-backend",
  "disabled",
];

interface BenchmarkComplete {
  reason: "benchmark-complete";
  id: string;
  iteration_count: number[];
  measured_values: number[];
  unit: string;
  change: unknown;
}

/** One `cargo criterion --message-format=json` run; its stdout is saved to `rawFile` as it is. */
async function runCargoCriterion(expectedIds: string[], rawFile: string): Promise<{ samples: RunSamples; ms: number }> {
  // A clean slate each run, so no run is compared with (or reports a `change` from) another.
  rmSync(path.join(CARGO_TARGET, "criterion"), { recursive: true, force: true });
  const { stdout, ms } = await run("cargo", [...cargoCriterionArgs, "--message-format=json"], {
    cwd: RUST_FIXTURE,
    env: cargoEnv(),
  });
  const samples: RunSamples = new Map();
  for (const line of stdout.split("\n")) {
    if (!line.trim()) continue;
    const message = JSON.parse(line) as { reason: string };
    if (message.reason !== "benchmark-complete") continue;
    const b = message as BenchmarkComplete;
    if (b.unit !== "ns") throw new Error(`cargo criterion: ${b.id} is in ${b.unit}, not ns`);
    if (b.change !== null) throw new Error(`cargo criterion: ${b.id} was compared with an earlier run`);
    if (b.iteration_count.length !== b.measured_values.length || b.iteration_count.length === 0) {
      throw new Error(`cargo criterion: ${b.id}: iteration_count and measured_values differ in length or are empty`);
    }
    samples.set(
      b.id,
      b.measured_values.map((t, i) => t / (b.iteration_count[i] as number)),
    );
  }
  const missing = expectedIds.filter((id) => !samples.has(id));
  if (missing.length) throw new Error(`cargo criterion printed no benchmark-complete for ${missing.join(", ")}`);
  writeFileSync(rawFile, stdout);
  return { samples, ms };
}

// ---------------------------------------------------------------------------------------------
// pytest-benchmark

async function canRunPytestBenchmark(python: string): Promise<boolean> {
  if (!existsSync(python)) return false;
  try {
    await run(python, ["-c", "import pytest, pytest_benchmark"], { cwd: ROOT });
    return true;
  } catch {
    return false;
  }
}

/** The project's .venv when it has pytest-benchmark; otherwise a separate venv under the tmp dir. */
async function pythonWithPytestBenchmark(): Promise<string> {
  const projectPython = path.join(ROOT, ".venv/bin/python");
  if (await canRunPytestBenchmark(projectPython)) return projectPython;
  const tmpPython = path.join(PY_VENV, "bin/python");
  if (await canRunPytestBenchmark(tmpPython)) return tmpPython;
  log(`${projectPython} lacks pytest-benchmark; creating ${PY_VENV} ...`);
  // Same versions as requirements-dev.txt pins, when it pins them.
  const reqs = readFileSync(path.join(ROOT, "requirements-dev.txt"), "utf8");
  const pin = (name: string) => reqs.match(new RegExp(`^${name}==\\S+`, "m"))?.[0] ?? name;
  rmSync(PY_VENV, { recursive: true, force: true });
  await run(process.env.PYTHON ?? "python3", ["-m", "venv", PY_VENV], { cwd: ROOT });
  await run(
    tmpPython,
    ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "-q", pin("pytest"), pin("pytest-benchmark")],
    { cwd: ROOT },
  );
  return tmpPython;
}

interface PytestBenchmarkJson {
  benchmarks: { fullname: string; stats: { data?: number[] } }[];
}

async function runPytest(python: string, rawFile?: string): Promise<{ samples: RunSamples; ms: number }> {
  const jsonFile = path.join(WORK, "pytest-benchmark.json");
  rmSync(jsonFile, { force: true });
  const { ms } = await run(
    python,
    ["-m", "pytest", "-q", "--benchmark-only", `--benchmark-json=${jsonFile}`, "-p", "no:cacheprovider", ...PY_TESTS],
    { cwd: PY_FIXTURE, env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } },
  );
  const report = JSON.parse(readFileSync(jsonFile, "utf8")) as PytestBenchmarkJson;
  const samples: RunSamples = new Map();
  for (const b of report.benchmarks) {
    if (!b.stats.data?.length) throw new Error(`${jsonFile}: ${b.fullname} has no stats.data`);
    samples.set(b.fullname, b.stats.data);
  }
  if (rawFile) copyFileSync(jsonFile, rawFile);
  return { samples, ms };
}

// ---------------------------------------------------------------------------------------------
// Statistics

/** Six significant digits: plenty for noise figures, and keeps the JSON readable. */
const round = (x: number) => Number(x.toPrecision(6));

function summarize(suite: Suite, name: string, perRun: number[][]): BenchmarkNoise {
  const runMedians = perRun.map(median);
  const mid = median(runMedians);
  return {
    suite,
    name,
    samples_per_run: median(perRun.map((s) => s.length)),
    within_run_cv: round(median(perRun.map(cv))),
    run_medians: runMedians.map(round),
    run_to_run_cv: round(cv(runMedians)),
    relative_run_medians: runMedians.map((m) => round(m / mid)),
  };
}

/**
 * Do the run medians sit at two levels? Splits the sorted relative medians in two where the
 * within-group sum of squares is least (each side at least two runs and 5% of them) and computes
 * Ashman's D = sqrt(2) |mean_high - mean_low| / sqrt(var_low + var_high). Splitting unimodal
 * Gaussian noise this way gives D above 7.2 / 4.6 / 3.5 in 1% of cases for 8 / 20 / 60 runs
 * (simulated), so the threshold depends on the run count; the levels must also differ by 10%.
 */
function twoLevels(relative: number[]): string | undefined {
  const sorted = [...relative].sort((a, b) => a - b);
  const n = sorted.length;
  const minSide = Math.max(2, Math.ceil(n * 0.05));
  const sse = (xs: number[]) => {
    const m = mean(xs);
    return xs.reduce((s, x) => s + (x - m) ** 2, 0);
  };
  let best: { cost: number; at: number } | undefined;
  for (let i = minSide; i <= n - minSide; i++) {
    const cost = sse(sorted.slice(0, i)) + sse(sorted.slice(i));
    if (!best || cost < best.cost) best = { cost, at: i };
  }
  if (!best) return undefined;
  const low = sorted.slice(0, best.at);
  const high = sorted.slice(best.at);
  const d = (Math.SQRT2 * (mean(high) - mean(low))) / Math.sqrt(stddev(low) ** 2 + stddev(high) ** 2 || 1e-18);
  const threshold = n >= 40 ? 4 : n >= 20 ? 5 : 7.5;
  if (d < threshold || median(high) < 1.1 * median(low)) return undefined;
  return `two levels: ${median(low).toFixed(2)}x (${low.length} runs) / ${median(high).toFixed(2)}x (${high.length} runs)`;
}

/** Runs whose median is more than 10% off the median of medians, and whether they form a level. */
function note(relative: number[]): string {
  const slow = relative.filter((r) => r > 1.1).length;
  const fast = relative.filter((r) => r < 1 / 1.1).length;
  const notes = [twoLevels(relative), slow ? `${slow} runs >1.1x` : "", fast ? `${fast} runs <0.91x` : ""];
  return notes.filter(Boolean).join("; ");
}

// ---------------------------------------------------------------------------------------------
// Output

function printTable(profile: NoiseProfile): void {
  const rows = profile.benchmarks.map((b) => {
    const rel = b.relative_run_medians;
    return [
      `${b.suite}: ${b.name}`,
      String(b.samples_per_run),
      (b.within_run_cv * 100).toFixed(2),
      (b.run_to_run_cv * 100).toFixed(2),
      `${Math.min(...rel).toFixed(3)}..${Math.max(...rel).toFixed(3)}`,
      (Math.max(...rel) / Math.min(...rel)).toFixed(3),
      note(rel),
    ];
  });
  const header = [
    "benchmark",
    "samples",
    "within-run CV %",
    "run-to-run CV %",
    "relative run medians",
    "max/min",
    "note",
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) =>
        i === 0 || i === cells.length - 1 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number),
      )
      .join("  ")
      .trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) console.log(line(r));
}

async function main(): Promise<void> {
  const { runs, saveRaw } = parseArgs(process.argv.slice(2));
  mkdirSync(WORK, { recursive: true });
  const started = performance.now();

  const criterionIds = await buildCriterion();
  log(`  benchmarks: ${criterionIds.join(", ")}`);
  const rawFile = (suite: Suite, r: number) =>
    path.join(
      saveRaw ?? "",
      suite,
      `run-${String(r).padStart(Math.max(2, String(runs).length), "0")}.${suite === "criterion" ? "jsonl" : "json"}`,
    );
  if (saveRaw) {
    for (const suite of ["criterion", "pytest"] as const) {
      const dir = path.join(saveRaw, suite);
      mkdirSync(dir, { recursive: true });
      for (const name of readdirSync(dir)) if (/^run-\d+\.jsonl?$/.test(name)) rmSync(path.join(dir, name));
    }
    // Built here, so that the first run's time is not the build's.
    const { ms } = await run("cargo", [...cargoCriterionArgs, "--no-run"], { cwd: RUST_FIXTURE, env: cargoEnv() });
    log(`  cargo criterion --no-run: ${fmtSeconds(ms)}; raw output goes to ${saveRaw}`);
  }
  const python = await pythonWithPytestBenchmark();
  log(`python: ${python}`);

  const criterionRuns: RunSamples[] = [];
  const pytestRuns: RunSamples[] = [];
  const rustMs: number[] = [];
  const pyMs: number[] = [];
  const loads: number[] = [];
  for (let r = 1; r <= runs; r++) {
    const rust = saveRaw
      ? await runCargoCriterion(criterionIds, rawFile("criterion", r))
      : await runCriterion(criterionIds);
    criterionRuns.push(rust.samples);
    rustMs.push(rust.ms);
    const py = await runPytest(python, saveRaw ? rawFile("pytest", r) : undefined);
    pytestRuns.push(py.samples);
    pyMs.push(py.ms);
    // Other work on the machine is the usual cause of a slow run; the 1-minute load average shows it.
    const load = os.loadavg()[0] ?? 0;
    loads.push(load);
    log(
      `run ${r}/${runs}: ${saveRaw ? "cargo criterion" : "cargo bench"} ${fmtSeconds(rust.ms)}, pytest ${fmtSeconds(py.ms)}, load ${load.toFixed(2)}`,
    );
  }

  const collect = (suite: Suite, perRun: RunSamples[]): BenchmarkNoise[] => {
    const names = [...(perRun[0]?.keys() ?? [])].sort();
    if (names.length === 0) throw new Error(`${suite}: no benchmarks found`);
    return names.map((name) =>
      summarize(
        suite,
        name,
        perRun.map((samples, i) => {
          const s = samples.get(name);
          if (!s) throw new Error(`${suite}: ${name} is missing from run ${i + 1}`);
          return s;
        }),
      ),
    );
  };

  const cpus = os.cpus();
  const profile: NoiseProfile = {
    measured_at: new Date().toISOString(),
    machine: {
      cpus: cpus.length,
      cpu_model: cpus[0]?.model.trim() ?? "unknown",
      memory_gb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    },
    command:
      `npx tsx bench/measure-noise.ts --runs ${runs}` +
      (saveRaw ? ` --save-raw ${path.relative(ROOT, saveRaw) || "."}` : ""),
    runs,
    load_after_run: loads.map(round),
    benchmarks: [...collect("criterion", criterionRuns), ...collect("pytest", pytestRuns)],
  };

  // Formatted as `prettier --check .` wants it, since the file is committed.
  const outFile = saveRaw ? path.join(saveRaw, "noise-profile.json") : OUT_FILE;
  const config = (await prettier.resolveConfig(outFile)) ?? {};
  writeFileSync(outFile, await prettier.format(JSON.stringify(profile), { ...config, filepath: outFile }));

  printTable(profile);
  const range = (ms: number[]) =>
    `median ${fmtSeconds(median(ms))} (${fmtSeconds(Math.min(...ms))}..${fmtSeconds(Math.max(...ms))})`;
  console.log(
    `\none run: ${saveRaw ? "cargo criterion" : "cargo bench"} ${range(rustMs)}, pytest ${range(pyMs)}; total ${fmtSeconds(performance.now() - started)}`,
  );
  console.log(
    `1-minute load average after each run: median ${median(loads).toFixed(2)} (${Math.min(...loads).toFixed(2)}..${Math.max(...loads).toFixed(2)}) on ${profile.machine.cpus} CPUs`,
  );
  console.log(`wrote ${path.relative(process.cwd(), outFile) || outFile}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
