import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, VENV_PYTHON, commitAll, git, gitRepoFrom, runCliProcess, tempDir } from "../support/helpers.js";

/**
 * `lance-bench run-python` on the pytest-benchmark fixture, for real: a fresh venv per run,
 * `pylance` from PyPI, a generated Lance dataset that Lance-style benchmarks scan and take
 * from, and the dataset cache keyed on the generator's sources.
 */
const work = tempDir();
const repo = gitRepoFrom(path.join(ROOT, "fixtures/python-pytest-benchmark"), path.join(work, "repo"));
const db = path.join(work, "db");
const cacheDir = path.join(work, "cache");
const datagenLog = path.join(work, "datagen.log");
const PYLANCE = "pylance==14.0.2";

function runPython(args: string[]) {
  const run = runCliProcess(
    [
      "run-python",
      "--repo",
      repo,
      "--db",
      db,
      "--cache-dir",
      cacheDir,
      "--output-dir",
      path.join(work, "results"),
      "--json",
      // the generator's log: benchmarked code sees only the variables it is given
      "--env-passthrough",
      "DATAGEN_LOG",
      ...args,
    ],
    { DATAGEN_LOG: datagenLog },
  );
  return { ...run, summary: run.code === 0 ? JSON.parse(run.stdout) : undefined };
}

const withDatasets = ["--pip", PYLANCE, "--datagen-command", "python datagen/gen_datasets.py"];
const MB = 1024 * 1024;
const generatorRuns = () => readFileSync(datagenLog, "utf8").trim().split("\n").length;

describe("run-python, for real", () => {
  it("runs the suite with Lance benchmarks over generated datasets, and caches the datasets", () => {
    const first = runPython(withDatasets);
    expect(first.code, first.stderr).toBe(0);
    expect(first.summary.datasets).toBe("generated");
    const names = first.summary.published.benchmarks.map((b: { name: string }) => b.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "tests/test_lance_dataset.py::test_lance_scan",
        "tests/test_lance_dataset.py::test_lance_take",
        "tests/test_benchmarks.py::test_sort[1000]",
      ]),
    );
    const sha = git(repo, ["rev-parse", "HEAD"]).trim();
    expect(first.summary.published.dut.version).toBe(`0.2.0+${sha.slice(0, 7)}`);
    // the pytest run's whole process tree, once (one run): apart from the benchmarks' count
    expect(first.summary.processBenchmark).toBe("pytest");
    expect(first.summary.processes).toEqual([
      expect.objectContaining({ benchmark: "pytest", repetition: 1, wallSeconds: expect.any(Number) }),
    ]);
    expect(first.summary.published.rowsWritten).toBe(first.summary.results + 3);
    const stored = runCliProcess(["export", "--db", db, "--sha", sha])
      .stdout.split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .filter((row) => row.benchmark_name === "pytest");
    const byMetric = Object.fromEntries(stored.map((row) => [row.metric, row]));
    expect(stored).toHaveLength(3);
    expect(byMetric.wall_time).toMatchObject({
      units: "seconds",
      direction: "lower_is_better",
      source_format: "command",
    });
    expect(byMetric.wall_time.values[0]).toBeGreaterThan(0);
    expect(byMetric.cpu_time).toMatchObject({ units: "seconds", direction: "lower_is_better" });
    expect(byMetric.cpu_time.values[0]).toBeGreaterThan(0);
    expect(byMetric.peak_rss).toMatchObject({ units: "bytes", direction: "lower_is_better" });
    expect(byMetric.peak_rss.values[0]).toBeGreaterThan(MB);
    const rssMeta = JSON.parse(byMetric.peak_rss.metadata);
    expect(rssMeta).toMatchObject({ rss_interval_ms: 50, family: "process" });
    expect(rssMeta.rss_samples).toBeGreaterThan(0);
    expect(rssMeta).not.toHaveProperty("repetition"); // one run: no repetition, as its benchmarks
    expect(generatorRuns()).toBe(1);

    const second = runPython(withDatasets);
    expect(second.code, second.stderr).toBe(0);
    expect(second.summary.datasets).toBe("cache hit");
    expect(generatorRuns()).toBe(1); // the generator did not run
    expect(second.summary.results).toBe(first.summary.results);
  }, 600_000);

  it("regenerates when the generator's sources change", () => {
    const script = path.join(repo, "datagen/gen_datasets.py");
    writeFileSync(script, `${readFileSync(script, "utf8")}\n# changed\n`);
    commitAll(repo, "generator changed");
    const run = runPython([...withDatasets, "--mode", "pr"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.summary.datasets).toBe("generated");
    expect(generatorRuns()).toBe(2);
    expect(run.summary.published).toBeUndefined();
    expect(readFileSync(run.summary.resultsFile, "utf8")).toContain('"kind":"lance-bench-results"');
  }, 600_000);
});

describe("run-python profiling", () => {
  it("records a py-spy flamegraph of one benchmark", () => {
    const run = runPython(["--profile", "tests/test_benchmarks.py::test_sort[1000]", "--no-publish"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.summary.profile, JSON.stringify(run.summary.profile)).toMatchObject({ status: "recorded" });
    const svg = readFileSync(run.summary.profile.svg, "utf8");
    expect(svg).toMatch(/<svg/);
    expect(svg).toMatch(/sort_items/); // the fixture's own function
  }, 300_000);
});

describe("run-python, bad input: a clear error and nothing published", () => {
  const countRows = () => runCliProcess(["export", "--db", db]).stdout.split("\n").filter(Boolean).length;

  it.each([
    ["a pytest run that produced no JSON", ["--pytest-arg=--collect-only"], /pytest produced no benchmark JSON/],
    ["markers that select nothing", ["--markers", "no_such_marker"], /pytest collected no benchmarks/],
    ["a failing build", ["--build-command", "python -c 'raise SystemExit(3)'"], /build command failed \(exit 3\)/],
    ["a command that needs a shell", ["--build-command", "make && make install"], /"&&" needs a shell/],
    ["a workdir that does not exist", ["--workdir", "no/such/dir"], /workdir "no\/such\/dir" is not a folder/],
    ["a workdir outside the repository", ["--workdir", "../.."], /must stay inside the repository/],
    [
      "a pip option posing as a package",
      ["--pip", "--index-url=http://example.invalid"],
      /pip: an entry looks like a pip option, not a package/,
    ],
    ["a sha that is not in the repository", ["--sha", "d".repeat(40)], /commit d{40} is not in the repository/],
  ])(
    "%s",
    (_name, args, expected) => {
      const before = countRows();
      const run = runPython(args as string[]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(expected as RegExp);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(countRows()).toBe(before);
    },
    300_000,
  );
});

/**
 * The edge cases Lance's own `python/ci_benchmarks` hit (issue 12), on a second fixture: pytest
 * arguments that start with a dash, a benchmark that fails with an exception, a custom timer,
 * and a dataset generator in a package that imports a sibling module.
 */
const casesRepo = gitRepoFrom(path.join(ROOT, "fixtures/python-pytest-cases"), path.join(work, "cases"));
const casesDb = path.join(work, "cases-db");
const casesCache = path.join(work, "cases-cache");
const casesLog = path.join(work, "cases-datagen.log");

function runCases(args: string[], env: NodeJS.ProcessEnv = {}) {
  const run = runCliProcess(
    [
      "run-python",
      "--repo",
      casesRepo,
      "--db",
      casesDb,
      "--cache-dir",
      casesCache,
      "--output-dir",
      path.join(work, "cases-results"),
      "--json",
      "--env-passthrough",
      "DATAGEN_LOG",
      "CASES_OUT",
      "CASES_SIDE",
      "CASES_DATA_DIR",
      ...args,
    ],
    { DATAGEN_LOG: casesLog, ...env },
  );
  return { ...run, summary: run.code === 0 ? JSON.parse(run.stdout) : undefined };
}

/** pytest's `-k EXPR`, in the form every version of the CLI took. */
const only = (expression: string) => ["--pytest-arg=-k", `--pytest-arg=${expression}`];

describe("run-python: pytest arguments as users type them", () => {
  it("passes everything after -- to pytest, and --pytest-arg values that start with a dash", () => {
    const run = runCases([
      "--no-publish",
      "--pytest-arg=-k",
      "--pytest-arg",
      "fast or iops",
      "--",
      "--benchmark-min-rounds=3",
      "tests/test_cases.py",
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.summary.results).toBe(2);
  }, 300_000);
});

describe("run-python: failing benchmarks", () => {
  const exported = () =>
    runCliProcess(["export", "--db", casesDb])
      .stdout.split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  const selectFailing = only("fast or needs_dataset");

  it("an error names each failed test with its whole exception, and nothing is published", () => {
    const run = runCases(selectFailing);
    expect(run.code).toBe(2);
    // The path is longer than a terminal line: the exception is shown whole, not cut at 80 columns.
    expect(run.stderr).toMatch(
      /FAILED tests\/test_cases\.py::test_needs_dataset - ValueError: Dataset at path \/\S+\/rows\.txt was not found/,
    );
    expect(run.stderr).toMatch(/pytest failed \(exit 1\): 1 test failed/);
    expect(exported()).toEqual([]);
  }, 300_000);

  it("--allow-failures publishes the passing ones, records the failed one with its reason, exits 2", () => {
    const run = runCases(["--allow-failures", ...selectFailing]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr.trim().split("\n").at(-1)).toMatch(
      /^lance-bench: error: 1 benchmark failed and was recorded with status failed: tests\/test_cases\.py::test_needs_dataset$/,
    );
    const rows = exported();
    const byName = new Map(rows.map((row) => [row.benchmark_name, row]));
    const ok = byName.get("tests/test_cases.py::test_fast");
    expect(ok).toMatchObject({ status: "ok", status_reason: null });
    expect(ok.values.length).toBeGreaterThan(0);
    const failed = byName.get("tests/test_cases.py::test_needs_dataset");
    expect(failed).toMatchObject({ status: "failed", values: [], summary: null, source_format: "pytest" });
    expect(failed.status_reason).toMatch(/^ValueError: Dataset at path \/\S+\/rows\.txt was not found$/);
    // the two benchmarks, and pytest's process tree: it ran, whichever of its tests failed
    expect(rows.filter((row) => row.source_format === "pytest")).toHaveLength(2);
    expect(rows.filter((row) => row.benchmark_name === "pytest").map((row) => row.metric)).toEqual(
      expect.arrayContaining(["wall_time", "cpu_time", "peak_rss"]),
    );
    expect(rows).toHaveLength(5);

    // The results file holds both; compare reads the measured one and never judges the failed one.
    const resultsFile = path.join(work, "cases-results", "results-python.jsonl");
    const compared = runCliProcess(["compare", "--base", resultsFile, "--head", resultsFile, "--json"]);
    expect(compared.code, compared.stderr).toBe(0);
    expect(compared.stdout).toContain("test_fast");
    expect(compared.stdout).not.toContain("test_needs_dataset");
  }, 300_000);
});

describe("run-python: the dataset cache holds what the benchmarks read", () => {
  const generator = ["--datagen-command", "python benchdata/gen/gen_all.py"];
  const casesGenerated = () => (existsSync(casesLog) ? readFileSync(casesLog, "utf8").trim().split("\n").length : 0);
  const cacheEntries = () =>
    readdirSync(path.join(casesCache, "entries"), { withFileTypes: true })
      .map((e) => e.name)
      .filter((name) => name.startsWith("lance-bench-datasets"));
  // The generator writes to its own folder unless told otherwise (as Lance's writes under $HOME).
  const ownFolder = path.join(work, "generator-own-folder");
  const datasetDir = path.join(work, "datasets-abs");

  it("a generator that writes nothing into the dataset folder is an error, and nothing is cached", () => {
    const run = runCases([...generator, "--no-publish", ...only("fast")], { CASES_OUT: ownFolder });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /dataset generation wrote nothing into \/\S+\.lance-bench-datasets, so nothing was cached/,
    );
    expect(run.stderr).toMatch(/must write its datasets to the folder named by \$LANCE_BENCH_DATASET_DIR/);
    expect(existsSync(path.join(casesCache, "entries")) ? cacheEntries() : []).toEqual([]);
  }, 300_000);

  it("--dataset-env tells the generator where to write; an absolute --dataset-dir is cached and restored", () => {
    const args = [...generator, "--no-publish", "--dataset-dir", datasetDir, "--dataset-env", "CASES_OUT"];
    rmSync(ownFolder, { recursive: true, force: true });
    const first = runCases(args, { CASES_OUT: ownFolder });
    expect(first.code, first.stderr).toBe(0);
    expect(first.summary).toMatchObject({ datasets: "generated", datasetDir, results: 3 });
    expect(existsSync(ownFolder)).toBe(false);
    const generated = casesGenerated();

    const second = runCases(args, { CASES_OUT: ownFolder });
    expect(second.code, second.stderr).toBe(0);
    expect(second.summary).toMatchObject({ datasets: "cache hit", results: 3 });
    expect(casesGenerated()).toBe(generated);

    // A sibling module of the generator's package changes: the datasets are made again.
    const scale = path.join(casesRepo, "benchdata/scale.py");
    writeFileSync(scale, `${readFileSync(scale, "utf8")}\n# changed\n`);
    commitAll(casesRepo, "the generator's sibling module changed");
    const third = runCases(args, { CASES_OUT: ownFolder });
    expect(third.code, third.stderr).toBe(0);
    expect(third.summary.datasets).toBe("generated");
    expect(casesGenerated()).toBe(generated + 1);

    // Someone's own files in the folder: refused before anything is restored over them.
    mkdirSync(datasetDir, { recursive: true });
    writeFileSync(path.join(datasetDir, "MY_NOTES.txt"), "mine");
    const refused = runCases(args, { CASES_OUT: ownFolder });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--dataset-dir: .* already holds files; .* empty it, or name a folder of its own/);
    expect(readFileSync(path.join(datasetDir, "MY_NOTES.txt"), "utf8")).toBe("mine");
    rmSync(datasetDir, { recursive: true, force: true });
  }, 600_000);

  it("--datagen-env keys the cache on the named variables; a restored cache the benchmarks miss is a cache problem", () => {
    const side = path.join(work, "side");
    const args = [...generator, "--no-publish", "--datagen-env", "CASES_ROWS"];
    const env = { CASES_ROWS: "300", CASES_SIDE: side, CASES_DATA_DIR: side };
    const first = runCases(args, env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.summary.datasets).toBe("generated");

    // The benchmarks read the copy outside the dataset folder; the cache cannot bring that back.
    rmSync(side, { recursive: true, force: true });
    const second = runCases(args, env);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(
      /the datasets came from the cache \(entry lance-bench-datasets-[0-9a-f]{16}, restored to \/\S+\): if the benchmarks read them from elsewhere/,
    );
    expect(second.stderr).toMatch(/ValueError: Dataset at path \S+side\/rows\.txt was not found/);

    const other = runCases(args, { ...env, CASES_ROWS: "400" });
    expect(other.code, other.stderr).toBe(0);
    expect(other.summary.datasets).toBe("generated");
  }, 600_000);
});

describe("run-python and publish: a custom pytest-benchmark timer's unit and direction", () => {
  const iops = "tests/test_cases.py::test_iops";
  const storedIops = (db: string) =>
    runCliProcess(["export", "--db", db])
      .stdout.split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .filter((row) => row.benchmark_name === iops)
      .at(-1);

  it("warns about a timer that is not a clock in seconds, and records the timer", () => {
    const run = runCases([...only("iops")]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/test_iops: pytest-benchmark timer "iops_timer" is not a known clock in seconds/);
    const row = storedIops(casesDb);
    expect(row).toMatchObject({ units: "nanoseconds", direction: "lower_is_better" });
    expect(JSON.parse(row.metadata).timer).toBe("iops_timer");
  }, 300_000);

  it("takes unit, direction and metric from the benchmarked commit's .lance-bench.yml; publish too", () => {
    writeFileSync(
      path.join(casesRepo, ".lance-bench.yml"),
      'metrics:\n  - match: "tests/test_cases.py::test_iops"\n    unit: operations\n    direction: higher_is_better\n    metric: iops\n',
    );
    commitAll(casesRepo, "units of the custom timer");
    const run = runCases([...only("iops")]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/iops_timer/);
    const row = storedIops(casesDb);
    expect(row).toMatchObject({ units: "operations", direction: "higher_is_better", metric: "iops" });
    // The timer's own numbers (perf_counter × 1000 per call here), not multiplied into nanoseconds.
    expect(row.summary.median).toBeLessThan(1_000);

    // publish reads .lance-bench.yml from --repo (else from the current folder).
    const json = path.join(work, "iops.json");
    execFileSync(
      VENV_PYTHON,
      ["-m", "pytest", "-q", "-k", "iops", `--benchmark-json=${json}`, "-p", "no:cacheprovider"],
      { cwd: casesRepo, encoding: "utf8" },
    );
    const publishDb = path.join(work, "publish-iops-db");
    const published = runCliProcess(["publish", json, "--repo", casesRepo, "--db", publishDb, "--json"]);
    expect(published.code, published.stderr).toBe(0);
    expect(storedIops(publishDb)).toMatchObject({ units: "operations", direction: "higher_is_better" });
  }, 300_000);
});

describe("run-python: what --pip installed is recorded", () => {
  it("stores the installed versions in metadata and the fingerprint; the dut version can come from one", () => {
    const sha = git(casesRepo, ["rev-parse", "HEAD"]).trim();
    const plain = runCases(["--no-publish", "--dut-name", "cases", "--dut-version", "1.2.3+told", ...only("fast")]);
    expect(plain.code, plain.stderr).toBe(0);
    const run = runCases([
      "--pip",
      "pluggy>=1",
      "--dut-version-from-package",
      "pluggy",
      "--output-dir",
      path.join(work, "pip-results"),
      ...only("fast"),
    ]);
    expect(run.code, run.stderr).toBe(0);
    const rows = readFileSync(path.join(work, "pip-results", "results-python.jsonl"), "utf8")
      .split("\n")
      .filter((line) => line.includes('"benchmark_name"'))
      .map((line) => JSON.parse(line))
      .filter((row) => row.source_format === "pytest"); // (not the pytest process's own rows)
    expect(rows).toHaveLength(1);
    const metadata = JSON.parse(rows[0].metadata);
    const version = metadata.installed_packages.pluggy;
    expect(version).toMatch(/^\d+\.\d+/);
    expect(metadata.toolchain).toContain(`pluggy ${version}`);
    expect(rows[0].dut.version).toBe(`${version}+${sha.slice(0, 7)}`);
    expect(run.summary.published.dut.version).toBe(`${version}+${sha.slice(0, 7)}`);
    const plainRow = JSON.parse(
      readFileSync(plain.summary.resultsFile, "utf8")
        .split("\n")
        .find((line) => line.includes('"benchmark_name"'))!,
    );
    expect(rows[0].fingerprint).not.toBe(plainRow.fingerprint);
    expect(plainRow.dut).toMatchObject({ name: "cases", version: "1.2.3+told" });
  }, 300_000);

  it("a package that is not installed is an error before any benchmark runs", () => {
    const run = runCases(["--no-publish", "--dut-version-from-package", "no-such-dist", ...only("fast")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/dut-version-from-package: "no-such-dist" is not installed in the venv/);
  }, 300_000);
});
