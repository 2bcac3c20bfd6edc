// `npm run bench`: the suite's own speed, printed as a table. Targets are checked here (as
// ratios to a baseline measured in the same run where the machine's noise matters), never
// in timed unit tests. The timings are then published with the suite's own publish path
// (dog-food) into LANCE_BENCH_URI, else bench/output/db.
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import * as lancedb from "@lancedb/lancedb";
import * as arrow from "apache-arrow";
import { ResultStore } from "../lib/store/results-table.js";
import { toArrowTable } from "../lib/store/convert.js";
import { resultsSchema } from "../lib/store/schema.js";
import { summarize } from "../lib/stats/summary.js";
import { compare } from "../lib/commands/compare.js";
import { parseInputs, writeResultsFile } from "../lib/parse/index.js";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const cli = path.join(root, "lib/entries/cli.js");
const out = path.join(root, "bench/output");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const quick = process.argv.includes("--quick");

const rows = [];
/** Samples (ms) of each measurement, for the dog-food publish. */
const samples = new Map();
function record(name, valuesMs, target, verdict) {
  samples.set(name, valuesMs);
  const s = summarize(valuesMs);
  rows.push([name, s.median.toFixed(2), s.min.toFixed(2), String(valuesMs.length), target, verdict]);
}
const time = async (fn) => {
  const start = performance.now();
  await fn();
  return performance.now() - start;
};
const fakeSha = (i) => i.toString(16).padStart(8, "0").repeat(5);

// ---------------------------------------------------------------- publish 500 × 100
function criterionJsonLines(benchmarks, samplesPer) {
  const lines = [];
  for (let b = 0; b < benchmarks; b++) {
    const iteration_count = Array.from({ length: samplesPer }, (_, i) => (i + 1) * 10);
    const measured_values = iteration_count.map((n) => n * (1000 + b) * (1 + Math.random() * 0.05));
    lines.push(
      JSON.stringify({
        reason: "benchmark-complete",
        id: `bench/${b}`,
        iteration_count,
        measured_values,
        unit: "ns",
        throughput: [],
      }),
    );
  }
  return `${lines.join("\n")}\n`;
}
const publishInput = path.join(out, "publish-500x100.jsonl");
writeFileSync(publishInput, criterionJsonLines(500, 100));
const cliCalls = [];
const writeOnly = [];
for (let i = 0; i < (quick ? 2 : 5); i++) {
  const db = path.join(out, `publish-db-${i}`);
  cliCalls.push(
    await time(() =>
      execFileSync(
        process.execPath,
        [
          cli,
          "publish",
          publishInput,
          "--db",
          db,
          "--sha",
          fakeSha(i + 1),
          "--dut-version",
          "0.0.0",
          "--dut-timestamp",
          "0",
          "--dut-name",
          "bench",
        ],
        { stdio: "ignore" },
      ),
    ),
  );
  // The write alone: the same 500 rows into another fresh table, in process.
  const store = await ResultStore.open({ uri: path.join(out, `write-db-${i}`) });
  const source = await ResultStore.open({ uri: db });
  const stored = await source.query({});
  source.close();
  const results = stored.map((r) => ({ ...r }));
  writeOnly.push(await time(() => store.write(results)));
  store.close();
}
const cliMedian = summarize(cliCalls).median;
record("publish 500×100: whole CLI call (ms)", cliCalls, "≤ 3000 ms", cliMedian <= 3000 ? "ok" : "MISSED");
record("publish 500×100: write alone (ms)", writeOnly, "", "");
rows.push(["publish 500×100: rows/s (whole call)", (500 / (cliMedian / 1000)).toFixed(0), "", "", "", ""]);

// ---------------------------------------------------------------- compare 1,000 × 10 runs × 100
// A same-runner A/B of 1,000 benchmarks: 10 runs a side of 100 samples each, one lance-bench
// results file per run (read through a pattern, as results/base/results-*.jsonl), a tenth of
// the head 10% slower. The baseline is reading and parsing the same files with the parser
// compare uses (parseInputs, one file at a time, as compare reads them); compare adds pairing
// and the statistics (run medians, the rank test, a bootstrap interval per benchmark).
// history: 0, so no store is opened.
{
  const dir = path.join(out, "compare");
  const [benchmarks, runs, perRun] = [1000, 10, 100];
  const template = {
    test_bed: { name: "bench", cpu: "cpu", memory_gb: 24, os: "linux", created_at: 0 },
    units: "nanoseconds",
    throughput: null,
    timestamp: 0,
    metric: "time",
    direction: "lower_is_better",
    params: null,
    source_format: "criterion-json",
    status: "ok",
    status_reason: null,
    run: { provider: "local", repository: "", workflow: "", run_id: "bench", run_attempt: 1, ref: "", pr_number: null },
    fingerprint: "f",
  };
  const files = { base: [], head: [] };
  for (const [side, sha] of [
    ["base", fakeSha(1)],
    ["head", fakeSha(2)],
  ]) {
    mkdirSync(path.join(dir, side), { recursive: true });
    for (let r = 1; r <= runs; r++) {
      const results = [];
      for (let b = 0; b < benchmarks; b++) {
        // run-to-run noise of about 1%, within-run noise of 5%
        const level = (1000 + b) * (side === "head" && b % 10 === 0 ? 1.1 : 1) * (1 + (Math.random() - 0.5) * 0.03);
        const values = Array.from({ length: perRun }, () => level * (1 + Math.random() * 0.05));
        results.push({
          ...template,
          id: `${sha.slice(0, 4)}${String(r).padStart(4, "0")}-0000-4000-8000-${String(b).padStart(12, "0")}`,
          dut: { name: "bench", version: `0.1.0+${sha.slice(0, 7)}`, timestamp: 0 },
          benchmark_name: `bench/${b}`,
          values,
          summary: summarize(values),
          metadata: JSON.stringify({ ab_repetition: r, ab_role: side }),
          sha,
        });
      }
      const file = path.join(dir, side, `results-run${String(r).padStart(2, "0")}.jsonl`);
      await writeResultsFile(file, results, "bench");
      files[side].push(file);
    }
  }
  const config = path.join(dir, "lance-bench.yml");
  writeFileSync(config, "compare:\n  history: 0\n");
  const parseOnly = async () => {
    for (const file of [...files.base, ...files.head]) await parseInputs([file], "auto");
  };
  let outcome;
  const wholeCompare = async () => {
    outcome = await compare(
      {
        base: [path.join(dir, "base/results-*.jsonl")],
        head: [path.join(dir, "head/results-*.jsonl")],
        config,
        historyRef: "refs/heads/main",
      },
      { env: {}, cwd: dir },
    );
  };
  await parseOnly(); // warm
  await wholeCompare();
  const parsed = [];
  const compared = [];
  for (let i = 0; i < (quick ? 2 : 5); i++) {
    parsed.push(await time(parseOnly));
    compared.push(await time(wholeCompare));
  }
  // every benchmark tested by the rank test, the shifted tenth found
  const tested = outcome.benchmarks.filter((b) => b.method === "rank-test").length;
  if (tested !== benchmarks || outcome.counts.regressed < benchmarks / 10) {
    throw new Error(`compare bench: unexpected verdicts ${JSON.stringify(outcome.counts)}, ${tested} rank tests`);
  }
  record("compare 1000×10 runs×100: parse alone (ms)", parsed, "baseline", "");
  record("compare 1000×10 runs×100: whole compare (ms)", compared, "", "");
  const ratio = summarize(compared).median / summarize(parsed).median;
  rows.push(["compare / parse alone", `${ratio.toFixed(2)}×`, "", "", "≤ 3×", ratio <= 3 ? "ok" : "MISSED"]);
}

// ---------------------------------------------------------------- has-results on 1M rows
const commits = quick ? 1000 : 10_000;
const perCommit = 100;
const bigDb = path.join(out, "has-results-db");
{
  const conn = await lancedb.connect(bigDb);
  const table = await conn.createEmptyTable("results", resultsSchema(arrow), { mode: "overwrite" });
  const template = {
    dut: { name: "lance", version: "", timestamp: 0 },
    test_bed: { name: "bench", cpu: "cpu", memory_gb: 24, os: "linux", created_at: 0 },
    values: [1, 2, 3],
    summary: { min: 1, q1: 1.5, median: 2, q3: 2.5, max: 3, mean: 2, standard_deviation: 1 },
    units: "nanoseconds",
    throughput: null,
    metadata: "{}",
    metric: "time",
    direction: "lower_is_better",
    params: null,
    source_format: "criterion-json",
    status: "ok",
    status_reason: null,
    run: { provider: "local", repository: "", workflow: "", run_id: "bench", run_attempt: 1, ref: "", pr_number: null },
    fingerprint: "f",
  };
  const chunkCommits = 1000;
  for (let c0 = 0; c0 < commits; c0 += chunkCommits) {
    const batch = [];
    for (let c = c0; c < c0 + chunkCommits; c++) {
      const sha = fakeSha(c + 1);
      for (let b = 0; b < perCommit; b++) {
        batch.push({
          ...template,
          id: `${sha.slice(0, 8)}-0000-4000-8000-${String(b).padStart(12, "0")}`,
          dut: { ...template.dut, version: `0.1.0+${sha.slice(0, 7)}`, timestamp: c },
          benchmark_name: `bench/${b}`,
          timestamp: c,
          sha,
        });
      }
    }
    await table.add(toArrowTable(arrow, batch));
  }
  await table.createIndex("sha", { config: lancedb.Index.btree() });
  await table.createIndex("benchmark_name", { config: lancedb.Index.btree() });
  conn.close();
}
const store = await ResultStore.open({ uri: bigDb });
const conn = await lancedb.connect(bigDb);
const table = await conn.openTable("results");
const total = await table.countRows();
const reps = quick ? 5 : 21;
const hitSha = fakeSha(commits - 3);
const missSha = "f".repeat(40);
const measure = async (fn) => {
  await fn(); // warm
  const values = [];
  for (let i = 0; i < reps; i++) values.push(await time(fn));
  return values;
};
const indexedMiss = await measure(async () => {
  if (await store.hasResultsForCommit(missSha)) throw new Error("miss expected");
});
const indexedHit = await measure(async () => {
  if (!(await store.hasResultsForCommit(hitSha))) throw new Error("hit expected");
});
const like = (sha) =>
  table
    .query()
    .where(`dut.version LIKE '%${sha.slice(0, 7)}%'`)
    .select(["id"])
    .limit(1)
    .toArray();
const likeMiss = await measure(async () => {
  if ((await like(missSha)).length) throw new Error("miss expected");
});
const likeHit = await measure(async () => {
  if (!(await like(hitSha)).length) throw new Error("hit expected");
});
store.close();
conn.close();
const med = (v) => summarize(v).median;
const label = `${(total / 1e6).toFixed(total >= 1e6 ? 0 : 1)}M rows`;
record(
  `has-results ${label}: indexed sha, miss (ms)`,
  indexedMiss,
  "≤ 50 ms",
  med(indexedMiss) <= 50 ? "ok" : "MISSED",
);
record(`has-results ${label}: indexed sha, hit (ms)`, indexedHit, "≤ 50 ms", med(indexedHit) <= 50 ? "ok" : "MISSED");
record(`has-results ${label}: seed LIKE, miss (ms)`, likeMiss, "baseline", "");
record(`has-results ${label}: seed LIKE, hit (ms)`, likeHit, "baseline", "");
const ratio = med(likeMiss) / med(indexedMiss);
rows.push([
  `has-results ${label}: LIKE miss / indexed miss`,
  `${ratio.toFixed(1)}×`,
  "",
  "",
  "≥ 20×",
  ratio >= 20 ? "ok" : "MISSED",
]);

// ---------------------------------------------------------------- schedule: backfill planning
// 1,000 commits of history from a local GitHub (checked against GitHub's OpenAPI description)
// against the table above, dry run (dispatches excluded). In TypeScript, to reuse that server.
{
  const plan = JSON.parse(
    execFileSync(
      path.join(root, "node_modules/.bin/tsx"),
      [path.join(root, "bench/schedule-plan.ts"), bigDb, String(commits), quick ? "3" : "7"],
      { encoding: "utf8" },
    ),
  );
  const planMedian = summarize(plan.wallMs).median;
  record(
    `schedule backfill plan, 1000 commits vs ${label} (ms)`,
    plan.wallMs,
    "≤ 2000 ms",
    planMedian <= 2000 ? "ok" : "MISSED",
  );
  rows.push([
    "schedule backfill plan: store queries",
    String(plan.storeQueries),
    "",
    "",
    "1 (one batch)",
    plan.storeQueries === 1 ? "ok" : "MISSED",
  ]);
  rows.push(["schedule backfill plan: GitHub API calls", String(plan.apiCalls), "", "", "1 + 10 pages", ""]);
}

// ---------------------------------------------------------------- run-rust overhead
// `lance-bench run-rust` on the Criterion fixture (warm build cache) against the bare
// `cargo bench` it wraps, run the way CI runs it: in a fresh checkout of the commit with a
// warm target folder. Alternated, so drift on this shared machine hits both alike.
{
  const work = path.join(out, "run-rust");
  const repo = path.join(work, "repo");
  mkdirSync(work, { recursive: true });
  cpSync(path.join(root, "fixtures/rust-criterion"), repo, {
    recursive: true,
    filter: (src) => !src.includes("/target"),
  });
  const git = (...args) => execFileSync("git", ["-C", repo, ...args], { encoding: "utf8" });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "fixture");
  const cacheDir = path.join(root, "test-output/run-rust-cache");
  const bareTarget = path.join(root, "test-output/cargo-target-bare");
  const runRust = () =>
    execFileSync(
      process.execPath,
      [
        cli,
        "run-rust",
        "--repo",
        repo,
        "--runner",
        "cargo-bench",
        "--cache-dir",
        cacheDir,
        "--db",
        path.join(work, "db"),
        "--output-dir",
        path.join(work, "results"),
      ],
      { stdio: "ignore" },
    );
  const bareCargoBench = () => {
    const checkout = path.join(work, "bare-checkout");
    rmSync(checkout, { recursive: true, force: true });
    git("worktree", "prune");
    git("worktree", "add", "-q", "--detach", checkout, "HEAD");
    const started = performance.now();
    execFileSync("cargo", ["bench"], {
      cwd: checkout,
      stdio: "ignore",
      env: { ...process.env, CARGO_TARGET_DIR: bareTarget, CRITERION_HOME: path.join(work, "criterion") },
    });
    return performance.now() - started;
  };
  runRust(); // warm the build cache
  bareCargoBench(); // warm the bare target folder
  const wrapped = [];
  const bare = [];
  for (let i = 0; i < (quick ? 2 : 5); i++) {
    wrapped.push(await time(runRust));
    bare.push(bareCargoBench());
  }
  record("run-rust on the fixture, warm (ms)", wrapped, "", "");
  record("bare cargo bench it wraps, warm (ms)", bare, "baseline", "");
  const ratio = summarize(wrapped).median / summarize(bare).median;
  rows.push(["run-rust / bare cargo bench", `${ratio.toFixed(3)}×`, "", "", "≤ 1.05", ratio <= 1.05 ? "ok" : "MISSED"]);
}

// ---------------------------------------------------------------- run-pipeline overhead
// What the suite adds to each pipeline iteration (dropping the destination schema and the
// state, parsing @@BENCH_JSON@@, appending the history line) against the pipeline's own
// duration_secs, at 100,000 rows of COPY (the faster variant: the harder case), in one run
// against a real PostgreSQL started here.
{
  const { startPostgres } = await import("../scripts/postgres-server.mjs");
  const pg = await startPostgres();
  try {
    const work = path.join(out, "run-pipeline");
    const repo = path.join(work, "repo");
    mkdirSync(work, { recursive: true });
    cpSync(path.join(root, "fixtures/pipeline"), repo, { recursive: true });
    const git = (...args) => execFileSync("git", ["-C", repo, ...args], { encoding: "utf8" });
    git("init", "-q", "-b", "main");
    git("add", "-A");
    git("-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "fixture");
    const summary = JSON.parse(
      execFileSync(
        process.execPath,
        [
          cli,
          "run-pipeline",
          "--repo",
          repo,
          "--command",
          "node pipeline.cjs run {pipeline}",
          "--pipelines-dir",
          "pipelines",
          "--variants",
          "copy",
          "--rows",
          "100000",
          "--iters",
          quick ? "3" : "7",
          "--database-url",
          pg.url,
          "--output-dir",
          path.join(work, "results"),
          "--db",
          path.join(work, "db"),
          "--json",
        ],
        {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
          env: { ...process.env, NODE_PATH: path.join(root, "node_modules") },
        },
      ),
    );
    const overhead = summary.iterations.map((i) => i.overheadMs);
    const durations = summary.iterations.map((i) => i.durationSecs * 1000);
    record("run-pipeline: suite overhead per iteration (ms)", overhead, "", "");
    record("pipeline duration_secs, COPY 100,000 rows (ms)", durations, "baseline", "");
    const ratio = summarize(overhead).median / summarize(durations).median;
    rows.push([
      "pipeline overhead / duration_secs",
      `${(ratio * 100).toFixed(1)}%`,
      "",
      "",
      "≤ 10%",
      ratio <= 0.1 ? "ok" : "MISSED",
    ]);
  } finally {
    await pg.stop();
  }
}

// ---------------------------------------------------------------- run-command overhead
// What run-command adds to each probe of a search (spawn with its own process group, sampling
// the process tree's RSS every 50 ms, reading its CPU time, parsing, recording, the search's
// bookkeeping) against the probe's own duration: a fixed-work CPU-bound program of about 2 s.
// Per probe = (whole call with 4 probes - whole call with 1 probe) / 3, so the per-invocation
// costs (Node start, checkout, the results file) cancel; the baseline is the same program run
// bare, interleaved with the searches so both see the same machine.
{
  const work = path.join(out, "run-command");
  const repo = path.join(work, "repo");
  mkdirSync(repo, { recursive: true });
  cpSync(path.join(root, "bench/probe_work.py"), path.join(repo, "probe_work.py"));
  const git = (...args) => execFileSync("git", ["-C", repo, ...args], { encoding: "utf8" });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "fixture");
  const bare = (n) => time(() => execFileSync("python3", [path.join(repo, "probe_work.py"), String(n), "1"]));
  // calibrate the work to about 2 s on this machine
  const probeN = Math.round((2_000_000 / (await bare(2_000_000))) * 2_000);
  // in process (lib/, as built): the per-invocation costs then vary less than a Node start does
  const { parseRunCommandOptions, runCommand } = await import("../lib/commands/run-command.js");
  /** One search of `probes` identical probes: the whole call's time and the probes' own wall times. */
  const search = async (probes) => {
    let summary;
    const ms = await time(async () => {
      summary = await runCommand(
        parseRunCommandOptions({
          repo,
          benchmarkCommand: "python3 probe_work.py {n} {i}",
          param: [`n=${probeN}`],
          grid: [`i=${Array.from({ length: probes }, (_, i) => i + 1).join(",")}`],
          objective: "min:wall_time",
          mode: "pr",
          outputDir: path.join(work, `results-${probes}`),
          cacheDir: path.join(work, "cache"),
          publish: false,
        }),
        { log: () => undefined },
      );
    });
    const runs = summary.runs;
    if (runs.length !== probes || runs.some((r) => r.status !== "ok"))
      throw new Error(`run-command: ${JSON.stringify(runs)}`);
    return { ms, walls: runs.map((r) => r.wallSeconds * 1000) };
  };
  await search(1); // warm: the checkout cache, Node's and Python's file caches
  const bareRuns = [];
  const probeWalls = [];
  const between = [];
  for (let round = 0; round < (quick ? 1 : 3); round++) {
    bareRuns.push(await bare(probeN), await bare(probeN));
    const one = await search(1);
    bareRuns.push(await bare(probeN), await bare(probeN));
    const four = await search(4);
    probeWalls.push(...one.walls, ...four.walls);
    // the suite's time outside the probes' own processes, per added probe: the probes' wall
    // times are subtracted exactly, so their noise cancels
    const outside = (s) => s.ms - s.walls.reduce((a, b) => a + b, 0);
    between.push((outside(four) - outside(one)) / 3);
  }
  record("the probe run bare (ms)", bareRuns, "baseline", "");
  record("the probe under run-command: spawn, RSS sampling (ms)", probeWalls, "", "");
  // a difference of two timings, noise included, can be negative: a table row, not a dog-food
  // sample (publish rightly refuses a negative time)
  rows.push([
    "run-command between probes: parse, record, search (ms)",
    summarize(between).median.toFixed(2),
    summarize(between).min.toFixed(2),
    String(between.length),
    "",
    "",
  ]);
  const overhead = (summarize(probeWalls).median + summarize(between).median) / summarize(bareRuns).median - 1;
  rows.push([
    "run-command per-probe overhead / 2 s probe",
    `${(overhead * 100).toFixed(1)}%`,
    "",
    "",
    "≤ 5%",
    overhead <= 0.05 ? "ok" : "MISSED",
  ]);

  // Binary search cost in probes: noisy p99 (3% run to run) over clients 1..100,000.
  const { binarySearch } = await import("../lib/search/index.js");
  let seed = 7;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return (seed / 2 ** 31 - 0.5) * 0.06;
  };
  const lo = 1;
  const hi = 100_000;
  const result = await binarySearch(
    async (p) => ({ status: "ok", metrics: { latency_p99: 0.001 * Number(p.clients) * (1 + noise()), qps: 1000 } }),
    { parameter: "clients", lo, hi, constraints: "latency_p99 <= 37.5" },
  );
  const bound = Math.log2(hi - lo + 1) + 3;
  rows.push([
    `binary search over [${lo}, ${hi}], 3% noise: probes (${result.runCount} runs)`,
    String(result.probes.length),
    "",
    "1",
    `≤ log2(range) + 3 = ${bound.toFixed(1)}`,
    result.probes.length <= bound ? "ok" : "MISSED",
  ]);
}

// ---------------------------------------------------------------- LanceDB runtime
// What each action pays to have LanceDB (src/runtime/): cold, an `npm ci` of the runtime
// lockfile into an empty tool cache (from npm's local cache: no registry download counted);
// restore + verify, the folder copied back from a cache service (a local folder here, where
// GitHub's is a download) and hashed against the manifest; warm, the folder already in the
// tool cache, hashed. The ratio is warm / cold.
{
  const { ensureRuntime } = await import("../lib/runtime/ensure.js");
  const dist = path.join(root, "dist");
  const work = path.join(out, "runtime");
  const store = path.join(work, "cache-service");
  const cache = {
    async restore(dir, key) {
      const entry = path.join(store, key);
      if (!existsSync(entry)) return false;
      cpSync(entry, dir, { recursive: true, verbatimSymlinks: true });
      return true;
    },
    async save(dir, key) {
      rmSync(path.join(store, key), { recursive: true, force: true });
      cpSync(dir, path.join(store, key), { recursive: true, verbatimSymlinks: true });
    },
  };
  const [cold, restored, warm] = [[], [], []];
  for (let i = 0; i < (quick ? 2 : 3); i++) {
    const toolCache = path.join(work, `tool-cache-${i}`);
    rmSync(toolCache, { recursive: true, force: true });
    cold.push(await time(() => ensureRuntime({ distDir: dist, toolCache })));
    warm.push(await time(() => ensureRuntime({ distDir: dist, toolCache })));
    if (i === 0) await ensureRuntime({ distDir: dist, toolCache: path.join(work, "seed"), cache });
    const fresh = path.join(work, `restore-${i}`);
    rmSync(fresh, { recursive: true, force: true });
    restored.push(await time(() => ensureRuntime({ distDir: dist, toolCache: fresh, cache })));
    rmSync(toolCache, { recursive: true, force: true });
    rmSync(fresh, { recursive: true, force: true });
  }
  rmSync(work, { recursive: true, force: true });
  record("LanceDB runtime: cold install (ms)", cold, "baseline", "");
  record("LanceDB runtime: restore + verify (ms)", restored, "", "");
  record("LanceDB runtime: warm, verify in tool cache (ms)", warm, "", "");
  const ratio = summarize(warm).median / summarize(cold).median;
  rows.push([
    "LanceDB runtime: warm / cold",
    `${ratio.toFixed(2)}×`,
    "",
    "",
    "≤ 0.25×",
    ratio <= 0.25 ? "ok" : "MISSED",
  ]);
}

// ---------------------------------------------------------------- migrate a seed table
// `lance-bench migrate --apply` on a table the Python lance-bench wrote (format 2.0, ten
// columns; bench/seed_table.py on its locked stack): the whole CLI call, and its peak
// memory (the child's maximum resident set, from getrusage(RUSAGE_CHILDREN) in a Python wrapper).
{
  const seedPython = path.join(root, ".venv-seed/bin/python");
  const seedRows = quick ? 100_000 : 1_000_000;
  if (!existsSync(seedPython)) {
    rows.push(["migrate seed table: skipped (no seed stack: bash scripts/setup-seed-python.sh)", "", "", "", "", ""]);
  } else {
    const measure = [
      "import resource, subprocess, sys, time",
      "start = time.monotonic()",
      "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)",
      "print(time.monotonic() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
    ].join("\n");
    /** Writes a seed table of `count` rows at `db`, migrates it, and records the call. */
    const migrateSeedTable = (where, db, count, env, targets) => {
      const what = `migrate seed table, ${count / 1e6}M rows, ${where}`;
      execFileSync(seedPython, [path.join(root, "bench/seed_table.py"), db, String(count)], {
        stdio: ["ignore", "ignore", "inherit"],
        env: { ...process.env, ...env, RUST_LOG: "error" },
      });
      const [seconds, peakKb] = execFileSync(
        "python3",
        ["-c", measure, process.execPath, cli, "migrate", "--db", db, "--apply"],
        { encoding: "utf8", env: { ...process.env, ...env } },
      )
        .trim()
        .split(" ")
        .map(Number);
      samples.set(`${what}: whole call (ms)`, [seconds * 1000]);
      const peakMiB = peakKb / 1024;
      const verdict = (ok) => (targets ? (ok ? "ok" : "MISSED") : "");
      rows.push([
        `${what}: whole call (s)`,
        seconds.toFixed(1),
        "",
        "1",
        targets ? "≤ 30 s" : "",
        verdict(seconds <= 30),
      ]);
      rows.push([
        `${what}: peak memory (MiB)`,
        peakMiB.toFixed(0),
        "",
        "1",
        targets ? "≤ 1024 MiB" : "",
        verdict(peakMiB <= 1024),
      ]);
    };
    const db = path.join(out, "seed-table");
    migrateSeedTable("local", db, seedRows, {}, true);
    rmSync(db, { recursive: true, force: true });
    // The same on an S3-compatible server (moto, from the project's venv, on 127.0.0.1): a tenth
    // of the rows, printed only (the server itself sets the pace here).
    const moto = path.join(root, ".venv/bin/moto_server");
    if (existsSync(moto)) {
      const port = 20000 + Math.floor(Math.random() * 20000);
      const endpoint = `http://127.0.0.1:${port}`;
      // its request log is not read: a pipe nobody drains would stall it
      const server = spawn(moto, ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
      try {
        for (let tries = 0; ; tries++) {
          const up = await globalThis.fetch(`${endpoint}/moto-api/`).then(
            (r) => r.ok,
            () => false,
          );
          if (up) break;
          if (tries > 150) throw new Error(`moto_server did not start on ${endpoint}`);
          await sleep(200);
        }
        await globalThis.fetch(`${endpoint}/bench`, { method: "PUT" });
        const s3 = {
          AWS_ACCESS_KEY_ID: "testing",
          AWS_SECRET_ACCESS_KEY: "testing-secret-key",
          AWS_REGION: "us-east-1",
          AWS_ENDPOINT_URL_S3: endpoint,
        };
        migrateSeedTable("S3 (moto)", "s3://bench/seed-table", seedRows / 10, s3, false);
      } finally {
        server.kill();
      }
    }
  }
}

// ---------------------------------------------------------------- table
const header = ["measurement", "median", "min", "n", "target", "verdict"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
console.log(`\n${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n${rows.map(line).join("\n")}\n`);

// ---------------------------------------------------------------- dog-food
// The timings as cargo-criterion messages (one iteration per sample, in ns), published
// through the suite's own CLI like any other benchmark results.
const dogfood = path.join(out, "lance-bench-bench.jsonl");
writeFileSync(
  dogfood,
  [...samples]
    .map(([name, valuesMs]) =>
      JSON.stringify({
        reason: "benchmark-complete",
        id: name,
        unit: "ns",
        iteration_count: valuesMs.map(() => 1),
        measured_values: valuesMs.map((ms) => ms * 1e6),
        throughput: [],
      }),
    )
    .join("\n"),
);
const dogfoodDb = process.env.LANCE_BENCH_URI || path.join(out, "db");
execFileSync(
  process.execPath,
  [cli, "publish", dogfood, "--repo", root, "--dut-name", "lance-bench", "--db", dogfoodDb],
  {
    stdio: ["ignore", "ignore", "inherit"],
  },
);
console.log(`published these timings to ${dogfoodDb} (lance-bench's own results)`);
const missed = rows.filter((r) => r[5] === "MISSED").length;
if (missed > 0) console.log(`${missed} target(s) missed on this machine`);
