import { declareCommand, type OptionDeclaration } from "../model/declare.js";
import { OUTPUT_FORMATS } from "../parse/command-formats.js";
import { FORMAT_CHOICES } from "../parse/index.js";

/*
 * Every option of the commands that are both a CLI command and an action, declared once: the
 * CLI (src/cli.ts), the action metadata (scripts/gen-action-yml.mjs) and the action adapters
 * (src/actions/*.ts) read these; test/commands/declarations.test.ts checks all three against the zod
 * schema of each command. Descriptions are the action's; `cli.description` is the CLI's wording.
 */

const DB_CLI = "database (default $LANCE_BENCH_URI, else ~/.lance-bench)";
const db: OptionDeclaration = {
  description: "Database: a folder or s3://bucket/path (default: $LANCE_BENCH_URI, else ~/.lance-bench)",
  value: "uri",
  cli: { description: DB_CLI },
};
const json: OptionDeclaration = {
  description: "print a machine-readable summary",
  type: "boolean",
  only: "cli",
  adapterOnly: true,
};
const testbedName: OptionDeclaration = {
  description: "Machine name (default: the runner's name)",
  value: "name",
  cli: { description: "machine name (default: runner name, else hostname)" },
};
const runId: OptionDeclaration = {
  description: "Identifier of this run (default: the workflow run id and attempt)",
  value: "id",
  cli: { description: "identifier of this run (default: the CI run, else a hash of the results)" },
};
const historyRef: OptionDeclaration = {
  description:
    "Branch whose recent results give each benchmark's noise and the history baseline (main = refs/heads/main)",
  value: "ref",
  default: "refs/heads/main",
  cli: { description: "branch (main = refs/heads/main) or full ref whose recent results give each benchmark's noise" },
};

export const publishDeclaration = declareCommand({
  name: "publish",
  description: "Parse benchmark results and store them in the results table",
  actionDescription: "Parse benchmark results (Criterion, libtest bencher, pytest-benchmark) and store them in LanceDB",
  options: {
    files: {
      description: "Result files or Criterion directories, one per line or comma-separated",
      type: "list",
      split: "comma-newline",
      required: true,
      cliArgument: true,
      cli: { description: "result files or Criterion directories (target/criterion)" },
    },
    format: {
      description:
        "Input format: auto, criterion-json, criterion-dir, bencher, pytest, rapidbyte or lance-bench-results; or a benchmark command output saved to a file (never auto-detected): redis-benchmark-csv, valkey-search-json, stage-model, metrics-json",
      choices: FORMAT_CHOICES,
      default: "auto",
      value: "format",
      cli: { description: "input format" },
    },
    db: {
      ...db,
      cli: { description: "database: a folder or s3://bucket/path (default $LANCE_BENCH_URI, else ~/.lance-bench)" },
    },
    testbedName,
    dutName: {
      description: "Project name (default: from Cargo.toml or pyproject.toml, else the checkout's folder)",
      value: "name",
      cli: { description: "project name (default: from Cargo.toml/pyproject.toml or the checkout's folder)" },
    },
    dutVersion: {
      description: "Version such as 0.15.0+abc1234 (default: manifest version + short sha)",
      value: "version",
      cli: { description: "version, e.g. 0.15.0+abc1234 (default: manifest version + short sha)" },
    },
    dutTimestamp: {
      description: "Commit time in unix seconds (default: from git)",
      type: "number",
      value: "seconds",
      cli: { description: "commit time, unix seconds (default: from git)" },
    },
    sha: {
      description: "Full commit sha (default: HEAD of repo)",
      value: "sha",
      cli: { description: "full commit sha (default: HEAD of --repo)" },
    },
    repo: {
      description: "Git checkout of the benchmarked project (default: the workspace)",
      value: "dir",
      cli: { description: "git checkout of the project the results belong to" },
    },
    runId,
    ref: {
      description:
        "Record the rows under this ref (main = refs/heads/main, or a full refs/...), not the workflow's: builds a branch's history from elsewhere",
      value: "ref",
      cli: {
        description:
          "record the rows under this branch (main = refs/heads/main) or full ref, e.g. to build main's history",
      },
    },
    prNumber: {
      description:
        "The pull request these results belong to: rows are stored under refs/pull/<n>/head with its number, never in a branch's history",
      type: "number",
      value: "n",
      cli: { description: "a pull request's results: stored under refs/pull/<n>/head, never a branch's history" },
    },
    config: {
      description: "Settings file: units of custom metrics (default: .lance-bench.yml in repo)",
      value: "file",
      cli: { description: "settings: units of custom metrics (default: .lance-bench.yml in --repo, else here)" },
    },
    json,
  },
  outputs: {
    count: "Rows written",
    "already-stored": "Rows that were already stored (a re-run)",
    fingerprint: "Environment fingerprint of this test bed and toolchain",
  },
});

/** What the run commands' shared options say differently per command. */
interface RunText {
  results: string;
  budget: string;
  cache: string;
  manifest: string;
  profile: string;
  profileCli: string;
  dutName: string;
  outputDir: string;
  mode: string;
}

/** The options every run command shares (the declaration twin of RunCommonOptions). */
function runCommonOptions(text: RunText) {
  return {
    repo: {
      description: "Where the project is checked out (e.g. by actions/prepare), relative to the workspace",
      value: "dir",
      action: { default: "lance-bench-target" },
      cli: { description: "git checkout of the project", required: true },
    },
    sha: {
      description: "Full commit sha to benchmark (default: the checkout's HEAD)",
      value: "sha",
      cli: { description: "commit to benchmark (default: the checkout's HEAD), built in its own worktree" },
    },
    mode: {
      description: text.mode,
      choices: ["main", "pr"],
      default: "main",
      value: "mode",
      cli: { description: `main: publish; pr: only write ${text.results}` },
    },
    publish: {
      description: "Publish in main mode (true/false)",
      type: "boolean",
      default: true,
      cli: { description: `do not publish (${text.results} still written)` },
    },
    db: { ...db },
    outputDir: {
      description: text.outputDir,
      value: "dir",
      default: "lance-bench-results",
      cli: { description: `where ${text.results} go` },
    },
    budgetMinutes: {
      description: text.budget,
      type: "number",
      value: "n",
      default: "60",
    },
    cacheDir: {
      description: `${text.cache} (default ~/.cache/lance-bench)`,
      value: "dir",
      only: "cli",
    },
    testbedName,
    dutName: {
      description: text.dutName,
      value: "name",
      cli: { description: `project name (default: from ${text.manifest}, else the checkout's folder name)` },
    },
    dutVersion: {
      description:
        "Version such as 0.15.0+abc1234 (default: the manifest's version + short sha, else unversioned+<sha7>)",
      value: "version",
      cli: { description: `version (default: ${text.manifest}'s version + short sha, else unversioned+<sha7>)` },
    },
    runId,
    profile: {
      description: text.profile,
      value: "benchmark",
      cli: { description: `record a CPU flamegraph of ${text.profileCli}` },
    },
    baseSha: {
      description:
        "Same-runner A/B (mode pr): also build this base commit here and run base and head alternately; the base's results go to <output-dir>/base/",
      value: "sha",
      cli: { description: "same-runner A/B (mode pr): also run this base commit, alternating with the head" },
    },
    repetitions: {
      description:
        "Runs of the head, each published as its own result (default 1); in an A/B, runs of each side (default 10)",
      type: "number",
      value: "n",
      cli: { description: "runs of the head, each its own result (default 1); A/B: of each side (default 10)" },
    },
    prNumber: {
      description:
        "The pull request this run is for: rows are stored under refs/pull/<n>/head with its number, never in a branch's history, and caches are its own",
      type: "number",
      value: "n",
      cli: { description: "a pull request's run: rows under refs/pull/<n>/head, never a branch's history" },
    },
    envPassthrough: {
      description:
        "Environment variables the benchmarked code (builds, benchmarks, generators, pipelines) may see besides the allowlist (PATH, HOME, locale, CARGO_*, RUSTUP_*, RUST*, PYTHON*, …), space-separated; credential-like names are refused",
      type: "list",
      split: "any",
      value: "name",
      cli: {
        description: "environment variables the benchmarked code may see besides the allowlist (no credentials)",
      },
    },
    artifact: {
      description:
        "Upload <output-dir> as one artifact of this name for a later job (mode pr: with pull-request.json, for compare-pr's artifact); empty: per-file artifacts in mode pr",
      value: "name",
      only: "action",
      adapterOnly: true,
    },
    json,
  } satisfies Record<string, OptionDeclaration>;
}

export const runRustDeclaration = declareCommand({
  name: "run-rust",
  description: "Build a Rust project at a commit, run its Criterion benchmarks crate by crate, publish or save them",
  actionDescription:
    "Build a Rust project at a commit and run its Criterion benchmarks crate by crate; publish or upload the results",
  options: {
    ...runCommonOptions({
      results: "results-<crate>.jsonl files",
      budget: "Time budget per crate, build included",
      cache: "build cache folder",
      manifest: "Cargo.toml",
      profile: "A benchmark id to record a CPU flamegraph of (perf + inferno), uploaded as an artifact",
      profileCli: "this benchmark id (perf + inferno)",
      dutName: "Project name (default: from Cargo.toml)",
      outputDir: "Where results-<crate>.jsonl files are written",
      mode: "main: publish; pr: upload one results artifact per crate",
    }),
    crates: {
      description: "Crate folders, comma-separated (default: every workspace member that declares benches)",
      type: "list",
      split: "comma-newline",
      value: "path",
      cliAlias: "crate",
      cli: { description: "crate folders relative to the repository (default: every crate with benches)" },
    },
    benches: {
      description: "Bench targets to run, comma-separated (default: all)",
      type: "list",
      split: "comma-newline",
      value: "name",
      cliAlias: "bench",
      cli: { description: "only these bench targets" },
    },
    filter: { description: "Criterion benchmark filter (a regex)", value: "regex" },
    features: { description: "Cargo features", value: "list" },
    cargoArgs: {
      description: "Extra cargo arguments, space-separated",
      type: "list",
      split: "whitespace",
      value: "arg",
      cliAlias: "cargo-arg",
    },
    runner: {
      description: "auto (cargo criterion when installed), cargo-criterion or cargo-bench",
      choices: ["auto", "cargo-criterion", "cargo-bench"],
      default: "auto",
      value: "runner",
      cli: { description: "how to run Criterion" },
    },
    profileSeconds: {
      description: "How long to profile it",
      type: "number",
      default: "5",
      value: "n",
      cli: { description: "how long to profile the --profile benchmark" },
    },
  },
  outputs: {
    "results-dir": "Folder holding the results files",
    count: "Rows published",
    "failed-crates": "Crates that failed, comma-separated",
  },
});

export const runPythonDeclaration = declareCommand({
  name: "run-python",
  description: "Run a project's pytest-benchmark suite at a commit in a fresh venv, publish or save the results",
  actionDescription:
    "Run a project's pytest-benchmark suite at a commit in a fresh venv, with cached datasets; publish or upload",
  options: {
    ...runCommonOptions({
      results: "the results-python.jsonl file",
      budget: "Time budget for the whole run",
      cache: "dataset cache folder",
      manifest: "pyproject.toml",
      profile: "A benchmark (pytest node id) to record a CPU flamegraph of with py-spy, uploaded as an artifact",
      profileCli: "this benchmark, its pytest node id (py-spy)",
      dutName: "Project name (default: from pyproject.toml)",
      outputDir: "Where results-python.jsonl is written",
      mode: "main: publish; pr: upload the results artifact",
    }),
    workdir: { description: "Folder of the Python project, relative to the repository", default: ".", value: "dir" },
    python: { description: "interpreter for the venv", default: "python3", value: "interpreter", only: "cli" },
    buildCommand: {
      description: "Build step run without a shell, e.g. `maturin develop --release`",
      value: "command",
      cli: { description: "build step, e.g. 'maturin develop --release' (run without a shell)" },
    },
    pip: {
      description: "Extra packages for the venv, space-separated (their installed versions are recorded)",
      type: "list",
      split: "whitespace",
      value: "package",
    },
    dutVersionFromPackage: {
      description: "An installed package (e.g. pylance) whose version is the build's version, as <version>+<short sha>",
      value: "name",
    },
    datagenCommand: {
      description: "Dataset generator run without a shell, e.g. `python python/ci_benchmarks/datagen/gen_all.py`",
      value: "command",
      cli: { description: "dataset generator, run when its sources changed (without a shell)" },
    },
    datagenSources: {
      description: "Files or folders whose content keys the dataset cache (default: the generator script's package)",
      type: "list",
      split: "comma-newline",
      value: "path",
    },
    datagenEnv: {
      description: "Environment variables whose values key the dataset cache too (e.g. row counts), one per line",
      type: "list",
      split: "comma-newline",
      value: "name",
    },
    datasetDir: {
      description:
        "The folder the generator writes and the cache holds, relative to the workdir or absolute (passed as $LANCE_BENCH_DATASET_DIR)",
      default: ".lance-bench-datasets",
      value: "dir",
    },
    datasetEnv: {
      description: "Also pass the dataset folder as these environment variables, one per line",
      type: "list",
      split: "comma-newline",
      value: "name",
    },
    pytestArgs: {
      description: "Extra pytest arguments, one per line (a line is one argument: `-k`, then `not eda`)",
      type: "multiline",
      value: "arg",
      cliAlias: "pytest-arg",
      cli: {
        description:
          "one pytest argument, may start with a dash; repeat it (--pytest-args=-k --pytest-args 'not eda'); or after --",
      },
    },
    markers: { description: "pytest -m expression", value: "expr" },
    allowFailures: {
      description:
        "true: record benchmarks whose tests fail as failed (with the exception), publish the rest, then fail the step",
      type: "boolean",
      default: false,
      cli: {
        description: "record benchmarks whose tests fail as failed (with the exception), publish the rest, then exit 2",
      },
    },
  },
  outputs: {
    "results-dir": "Folder holding the results file",
    count: "Rows published",
    datasets: "generated, cache hit or none",
  },
});

const pipelineCommon = runCommonOptions({
  results: "the results history and results-pipeline.jsonl",
  budget: "Time budget for the whole run",
  cache: "scratch folder",
  manifest: "Cargo.toml/package.json",
  profile: "A variant (or true: the first) to record one CPU flamegraph of with perf, uploaded as an artifact",
  profileCli: "one iteration of this variant (or 'true': the first) with perf",
  dutName: "Project name (default: from Cargo.toml or package.json)",
  outputDir: "Where pipeline-results.jsonl (the history) and results-pipeline.jsonl are written",
  mode: "main: publish; pr: upload the results and the history as artifacts",
});

/** Options of run-pipeline that `lance-bench pipeline-compare` shares. */
export const pipelineOptions = {
  workdir: {
    description: "Folder the pipeline runs in, relative to the repository",
    default: ".",
    value: "dir",
  },
  buildCommand: {
    description: "Build step run without a shell, e.g. `cargo build --release`",
    value: "command",
    cli: { description: "build step, e.g. 'cargo build --release' (run without a shell)" },
  },
  // not `command`: the root action's `command` picks the action
  pipelineCommand: {
    description:
      "The pipeline run, without a shell; placeholders {pipeline} {variant} {rows} {iteration} {aot} {schema}. It must print one @@BENCH_JSON@@ line",
    default: "rapidbyte run {pipeline}",
    value: "template",
    cliAlias: "command",
  },
  pipelinesDir: {
    description: "Where the variants' pipeline files are, relative to the workdir",
    default: "tests/fixtures/pipelines",
    value: "dir",
  },
  variants: {
    description:
      "Space-separated: a name (insert, copy, lz4, zstd, or X for bench_pg_X.yaml) or name=file (default: insert copy lz4 zstd)",
    type: "list",
    split: "whitespace",
    value: "variant",
  },
  rows: {
    description: "Row counts to seed and run, space-separated: a matrix sweep (default 10000)",
    type: "list",
    split: "whitespace",
    value: "n",
  },
  iters: { description: "Iterations per variant and row count", type: "number", default: "3", value: "n" },
  aot: {
    description: "Whether the pipeline's modules are AOT-compiled (recorded; {aot} and $BENCH_AOT)",
    type: "boolean",
    default: true,
    cli: { description: "record the runs as not AOT-compiled ({aot} and BENCH_AOT say so to the command)" },
  },
  databaseUrl: {
    description:
      "PostgreSQL URL, e.g. postgres://postgres:postgres@localhost:5432/bench (default: PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE)",
    value: "url",
  },
  destSchema: {
    description: "The pipeline's destination schema, dropped before every iteration",
    default: "raw",
    value: "name",
  },
  statePaths: {
    description: "State files to delete before every iteration, besides those the pipeline files name",
    type: "list",
    split: "comma-newline",
    value: "file",
    cliAlias: "state-path",
  },
  historyFile: {
    description: "results history (default: <output-dir>/pipeline-results.jsonl)",
    value: "file",
    only: "cli",
  },
  connectAttempts: {
    description: "tries to reach PostgreSQL before giving up",
    type: "number",
    default: "6",
    value: "n",
    only: "cli",
  },
  connectBackoffMs: {
    description: "first wait between those tries, doubled each time",
    type: "number",
    default: "500",
    value: "n",
    only: "cli",
  },
} satisfies Record<string, OptionDeclaration>;

export const runPipelineDeclaration = declareCommand({
  name: "run-pipeline",
  description: "Benchmark a data pipeline against PostgreSQL (rapidbyte's bench.sh): seed, reset, run, record",
  actionDescription:
    "Benchmark a data pipeline against PostgreSQL (rapidbyte's bench harness): variants × row counts × iterations, @@BENCH_JSON@@ results, history; publish or upload",
  options: {
    ...pipelineCommon,
    // A same-runner A/B of pipelines is `lance-bench pipeline-compare`; the action runs one commit.
    baseSha: { ...pipelineCommon.baseSha, only: "cli" },
    repetitions: { ...pipelineCommon.repetitions, only: "cli" },
    ...pipelineOptions,
  },
  outputs: {
    "results-dir": "Folder holding the history and the results file",
    count: "Rows published",
    "history-file": "The results history (JSON lines, one per iteration)",
  },
});

const commandCommon = runCommonOptions({
  results: "the results-command.jsonl file",
  budget:
    "Time budget for the whole run, build included; a run still going at its end is killed with its process group and recorded as failed",
  cache: "scratch folder",
  manifest: "Cargo.toml/pyproject.toml/package.json",
  profile: "not supported by run-command yet",
  profileCli: "(not supported by run-command yet)",
  dutName: "Project name (default: from Cargo.toml, pyproject.toml or package.json)",
  outputDir: "Where results-command.jsonl is written",
  mode: "main: publish; pr: upload the results artifact",
});

export const runCommandDeclaration = declareCommand({
  name: "run-command",
  description:
    "Run any benchmark command at a commit, R times: wall time, CPU time and peak RSS of its process tree, stage signals, and its output in a named format",
  actionDescription:
    "Run any benchmark command at a commit (no shell; {placeholders} from params), R times: wall/CPU time, peak RSS of the process tree, stage signals, redis-benchmark CSV, valkey-search JSON, stage model or metrics JSON; skipped runs are not regressions; publish or upload",
  options: {
    ...commandCommon,
    baseSha: { ...commandCommon.baseSha, only: "cli" },
    profile: { ...commandCommon.profile, only: "cli" },
    workdir: { description: "Folder the command runs in, relative to the repository", default: ".", value: "dir" },
    buildCommand: {
      description: "Build step run without a shell before the runs, e.g. `cargo build --release`",
      value: "command",
      cli: { description: "build step, e.g. 'cargo build --release' (run without a shell)" },
    },
    // not `command`: the root action's `command` picks the action
    benchmarkCommand: {
      description:
        "The command to benchmark, run without a shell: split like a shell would (quotes), then each {name} replaced by the param of that name, inside its argument",
      value: "template",
      cliAlias: "command",
      // the CLI's --command spelling fills it too: zod says when neither is given
      action: { required: true },
    },
    param: {
      description: "Values of the command's {placeholders}, name=value, one per line (each value stays one argument)",
      type: "multiline",
      value: "name=value",
      cli: { description: "a value of a {placeholder} of the command, name=value; repeat it" },
    },
    format: {
      description:
        "How to read the command's stdout: none, redis-benchmark-csv (also valkey-benchmark --csv), valkey-search-json (valkey-search's benchmark wrapper), stage-model (benchmark_stage_model_v1) or metrics-json",
      choices: OUTPUT_FORMATS,
      default: "none",
      value: "format",
      cli: { description: "how to read the command's stdout" },
    },
    benchmarkName: {
      description:
        "Benchmark name of wall_time, cpu_time, peak_rss and stage metrics (default: the program's file name)",
      value: "name",
    },
    skipExitCode: {
      description: "Exit code that means the run could not run here: recorded as skipped, never a regression",
      type: "number",
      default: "2",
      value: "code",
    },
    sampleIntervalMs: {
      description: "how often the process tree's RSS is sampled",
      type: "number",
      default: "50",
      value: "ms",
      only: "cli",
    },
    grid: {
      description:
        "Grid search: a parameter's values, name=v1,v2,… one per line (the probes are their cartesian product; needs objective)",
      type: "multiline",
      value: "name=v1,v2",
      cli: { description: "grid search over a {placeholder}'s values, name=v1,v2,…; repeat it (cartesian product)" },
    },
    filter: {
      description: "Grid search: what a probe must meet to count, e.g. `recall_avg >= 0.95`",
      value: "expr",
    },
    search: {
      description: "Binary search over an integer {placeholder}: name=LO..HI, e.g. clients=1..64 (needs constraint)",
      value: "name=LO..HI",
    },
    constraint: {
      description: "Binary search: what a feasible probe meets, e.g. `recall_avg >= 0.9 and latency_p99 <= 5`",
      value: "expr",
    },
    objective: {
      description: "The metric the optimum is best by: max:METRIC or min:METRIC, e.g. max:qps",
      value: "max:metric",
    },
    searchBenchmark: {
      description:
        "Which benchmark of the output gives a probe its bare metric names (default: the only one; every metric is also benchmark/metric)",
      value: "name",
    },
    feasible: {
      description:
        "Binary search: which side of the threshold meets the constraint, below (clients under a p99 bound) or above (nprobes for a recall target)",
      choices: ["below", "above"],
      default: "below",
      value: "side",
    },
    probeTimeoutSeconds: {
      description:
        "Search: a probe still running after this long is killed, recorded as failed, and the search goes on",
      type: "number",
      value: "seconds",
    },
    profileStage: {
      description:
        "Record a CPU flamegraph (perf + inferno) during this stage only: attached at its [STAGE:START], stopped at its [STAGE:END]",
      value: "stage",
    },
    profileProcess: {
      description:
        "The process profiled during profile-stage: a process name (exactly one running, e.g. redis-server) or a pid (default: the command)",
      value: "name|pid",
    },
  },
  outputs: {
    "results-dir": "Folder holding the results file",
    count: "Rows published",
    skipped: "Runs recorded as skipped",
    failed: "Runs recorded as failed",
  },
});

export const scheduleDeclaration = declareCommand({
  name: "schedule",
  description:
    "Dispatch the benchmark workflow for commits without results (token: $SCHEDULER_GITHUB_TOKEN, else $GITHUB_TOKEN)",
  actionDescription:
    "Dispatch the benchmark workflow for commits without results: the newest commit, a backfill of history, or an @bench-bot PR comment",
  options: {
    repository: {
      description: "Repository whose commits are benchmarked (owner/name)",
      value: "owner/name",
      action: { default: "lance-format/lance" },
      cli: { description: "project whose commits are benchmarked", required: true },
    },
    branch: {
      description: "Branch to follow (default: the repository's default branch)",
      value: "name",
    },
    workflow: {
      description: "Benchmark workflow to dispatch: its file name (run-benchmarks.yml) or id",
      required: true,
      value: "file",
      cli: { description: "workflow to dispatch: its file name (bench.yml) or id" },
    },
    workflowRepository: {
      description: "Where that workflow lives (default: this repository)",
      value: "owner/name",
      cli: { description: "where the workflow lives (default: $GITHUB_REPOSITORY, else --repository)" },
    },
    workflowRef: { description: "Branch or tag of the workflow", default: "main", value: "ref" },
    inputs: {
      description: "Extra dispatch inputs, KEY=VALUE, one per line",
      type: "multiline",
      value: "key=value",
      cliAlias: "input",
    },
    shaInput: { description: "Dispatch input that receives the commit sha", default: "git_sha", value: "name" },
    token: {
      description:
        "Token that may dispatch workflows; the default GITHUB_TOKEN cannot trigger them: pass secrets.SCHEDULER_GITHUB_TOKEN",
      default: "${{ github.token }}",
      only: "action",
    },
    db: { ...db },
    mode: {
      description:
        "latest (the newest commit), backfill (MAX_COMMITS × COMMIT_INTERVAL commits) or comment (an issue_comment event)",
      choices: ["latest", "backfill", "comment"],
      default: "latest",
      value: "mode",
      cli: {
        description: "latest: the newest commit; backfill: history (comment: the action only)",
        choices: ["latest", "backfill"],
      },
    },
    maxCommits: {
      description: "backfill: commits to check (default: $MAX_COMMITS, else 10)",
      type: "number",
      value: "n",
    },
    commitInterval: {
      description: "backfill: every n-th commit (default: $COMMIT_INTERVAL, else 1)",
      type: "number",
      value: "n",
    },
    maxInFlight: { description: "Dispatched runs running at once", type: "number", default: "4", value: "n" },
    wait: {
      description: "Wait for the dispatched runs and fail if one does not succeed (true/false)",
      type: "boolean",
      default: false,
      cli: { description: "wait for the dispatched runs and report their conclusions" },
    },
    waitTimeoutMinutes: {
      description: "Give up waiting after this long",
      type: "number",
      default: "360",
      value: "n",
    },
    keyInput: {
      description: "Dispatch input for a unique key, where GitHub does not return run ids",
      value: "name",
    },
    apiUrl: {
      description: "GitHub API (default $GITHUB_API_URL, else https://api.github.com)",
      value: "url",
      only: "cli",
    },
    dryRun: {
      description: "Report what would be dispatched, dispatch nothing (true/false)",
      type: "boolean",
      default: false,
      cli: { description: "print what would be dispatched, dispatch nothing" },
    },
    json,
  },
  outputs: {
    dispatched: "Commits dispatched, space-separated",
    checked: "Commits checked against the store",
  },
});

export const comparePrDeclaration = declareCommand({
  name: "compare-pr",
  description: "compare, then post or update the one lance-bench comment on a pull request (token: $GITHUB_TOKEN)",
  actionDescription:
    "Compare a pull request's benchmarks with a baseline (same-runner A/B files, stored commits or main's history): verdicts with false-discovery control, one sticky PR comment, fail on regression",
  options: {
    head: {
      description:
        "The PR's results: lance-bench results files (or tool outputs), one per line; or sha:<commit> in the store",
      type: "list",
      split: "comma-newline",
      required: true,
      value: "input",
      action: {
        required: false,
        description:
          "The PR's results: lance-bench results files (or tool outputs), one per line; or sha:<commit> in the store (default with artifact: its results-*.jsonl)",
      },
      cli: { description: "result files or folders, or sha:<commit> in the store" },
    },
    base: {
      description:
        "Baseline: results files of the base (e.g. from a same-runner A/B), sha:<commit> in the store, or history[:N] (main's last N results); default: the artifact's base/ results when it has them, else history",
      type: "list",
      split: "comma-newline",
      value: "input",
      cli: {
        description: "result files or folders, sha:<commit> in the store, or history[:N]",
        required: true,
      },
    },
    db: {
      ...db,
      cli: { description: "database for sha:, history and noise (default $LANCE_BENCH_URI, else ~/.lance-bench)" },
    },
    config: {
      description: "Thresholds, mutes and settings (default: .lance-bench.yml in the workspace)",
      value: "file",
      cli: { description: "settings, thresholds and mutes (default ./.lance-bench.yml)" },
    },
    historyRef,
    prRepository: {
      description: "Repository of the pull request (default: this repository)",
      value: "owner/name",
      cliAlias: "repository",
      cli: { description: "repository of the pull request", required: true },
    },
    prNumber: {
      description:
        "Pull request to comment on (default: the triggering pull_request event's; give it in workflow_run jobs)",
      type: "number",
      value: "number",
      cliAlias: "pr",
      cli: { description: "pull request number", required: true },
    },
    expectedHeadSha: {
      description:
        "The head that was benchmarked: the PR's head must be this commit, or nothing is written (default in a workflow_run job: the run's head_sha)",
      value: "sha",
      cli: { description: "comment only when the PR's head is this commit (with --expected-head-repository)" },
    },
    expectedHeadRepository: {
      description:
        "The repository (owner/name) of that head: both or neither (default in a workflow_run job: the run's head_repository)",
      value: "owner/name",
      cli: { description: "comment only when the PR's head is in this repository" },
    },
    artifact: {
      description:
        "Download this results artifact (a run action's artifact): head and base default to its results-*.jsonl and base/results-*.jsonl, pr-number to its pull-request.json",
      value: "name",
      only: "action",
      adapterOnly: true,
    },
    artifactRunId: {
      description:
        "The workflow run that uploaded the artifact (default: the triggering workflow_run's id, else this run)",
      type: "number",
      value: "id",
      only: "action",
      adapterOnly: true,
    },
    token: {
      description: "Token with pull-requests: write, for the comment",
      default: "${{ github.token }}",
      only: "action",
    },
    commentAuthor: {
      description:
        "The token's own login: only its comments are edited (empty: asked from GitHub, which GITHUB_TOKEN cannot do)",
      value: "login",
      action: { default: "github-actions[bot]" },
      cli: { description: "the token's own login: only its comments are edited (default: GET /user)", default: "" },
    },
    comment: {
      description: "Post or update the PR comment (true/false)",
      type: "boolean",
      default: true,
      only: "action",
    },
    commentKey: {
      description: "Keeps one comment per key: give each suite its own key when several compare on one PR",
      default: "default",
      value: "key",
      cli: { description: "one comment per key" },
    },
    apiUrl: {
      description: "GitHub API (default $GITHUB_API_URL, else https://api.github.com)",
      value: "url",
      only: "cli",
    },
    failOnRegression: {
      description: "Fail the step when a regression survives the false-discovery control and the threshold",
      type: "boolean",
      adapterOnly: true,
      action: { default: true },
      cli: { description: "exit 1 when any benchmark regressed" },
    },
  },
  outputs: {
    regressions: "Benchmarks that regressed (muted ones excluded)",
    improvements: "Benchmarks that improved",
    report: "Path of the comparison as JSON",
    "comment-url": "URL of the PR comment, when one was posted",
  },
});

export const reportDeclaration = declareCommand({
  name: "report",
  description:
    "Change points of main's history: report.json, a markdown summary of new regressions, a static dashboard, optionally one GitHub issue per regression (token: $GITHUB_TOKEN)",
  actionDescription:
    "Change points of main's benchmark history: report.json, a job summary of new regressions, a static dashboard (for GitHub Pages), optionally one GitHub issue per regression",
  options: {
    db: { ...db },
    ref: {
      description: "Branch (main = refs/heads/main) or full ref whose history is reported",
      default: "refs/heads/main",
      value: "ref",
    },
    outputDir: {
      description: "Where report.json, summary.md and dashboard/ are written",
      default: "lance-bench-report",
      value: "dir",
    },
    recent: {
      description: "A change point is new when its first bad commit is among this many newest commits",
      type: "number",
      default: "10",
      value: "n",
    },
    dashboard: {
      description: "Write the static dashboard into dashboard/ (true/false)",
      type: "boolean",
      default: true,
      cli: { description: "write the dashboard (--no-dashboard: none)" },
    },
    repository: {
      description: "Repository for compare links, and where regression issues go (owner/name)",
      value: "owner/name",
      action: { default: "${{ github.repository }}" },
      cli: { description: "for compare links, and where regression issues go" },
    },
    serverUrl: {
      description: "GitHub's web root, for links",
      default: "https://github.com",
      value: "url",
      action: { default: "${{ github.server_url }}" },
    },
    dashboardUrl: {
      description: "Where the dashboard is published (GitHub Pages), linked from every issue",
      value: "url",
    },
    issues: {
      description: "Open or update one GitHub issue per new regression commit range (true/false; needs issues: write)",
      type: "boolean",
      default: false,
      cli: { description: "open or update one GitHub issue per new regression commit range" },
    },
    issueLabels: {
      description: "Labels of the regression issues (default: performance-regression); the first one finds them again",
      type: "list",
      split: "comma-newline",
      value: "label",
      cliAlias: "issue-label",
    },
    closeRestored: {
      description: "Close an open regression issue when a later change brings the level back (true/false)",
      type: "boolean",
      default: false,
      cli: { description: "close an open regression issue when a later change brings the level back" },
    },
    token: {
      description: "Token with issues: write, when issues is true",
      default: "${{ github.token }}",
      only: "action",
    },
    apiUrl: {
      description: "GitHub API (default $GITHUB_API_URL, else https://api.github.com)",
      value: "url",
      only: "cli",
    },
    failOnRegression: {
      description: "Fail when there is a new regression (true/false)",
      type: "boolean",
      default: false,
      cli: { description: "exit 1 when there is a new regression" },
    },
    json,
  },
  outputs: {
    report: "Path of report.json",
    summary: "Path of summary.md, the markdown of the new regressions",
    dashboard: "Folder of the static dashboard (empty when dashboard is false)",
    regressions: "New regressions: change points whose first bad commit is among the recent commits",
    issues: "Regression issues created or updated, space-separated numbers",
  },
});

/** The commands that are also actions, in the order the root action lists them. */
export const ACTION_DECLARATIONS = [
  publishDeclaration,
  runRustDeclaration,
  runPythonDeclaration,
  runPipelineDeclaration,
  runCommandDeclaration,
  scheduleDeclaration,
  comparePrDeclaration,
  reportDeclaration,
] as const;
