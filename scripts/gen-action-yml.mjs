// Writes actions/<name>/action.yml and the root action.yml from one description of each
// action, so their inputs and outputs can't drift apart, and the composite actions/prepare
// (checkout, cargo registry, apt packages, Python). The six actions and the root are `node24`
// JavaScript actions that run their bundle: only those get the runner's ACTIONS_RUNTIME_TOKEN,
// ACTIONS_RESULTS_URL and ACTIONS_CACHE_URL (artifacts, GitHub's cache), never a `run:` step.
// Run by `npm run bundle`; CI fails if the committed files differ.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
// Third-party actions, pinned by commit; the tag is written beside each use.
const PINNED = {
  "actions/cache@27d5ce7f107fe9357f9df03efb73ab90386fccae": "v5.0.5",
  "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1": "v7.0.1",
  "actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97": "v7.0.0",
};
const [CACHE_ACTION, CHECKOUT_ACTION, SETUP_PYTHON_ACTION] = Object.keys(PINNED);

const dutVersionInput = {
  description: "Version such as 0.15.0+abc1234 (default: the manifest's version + short sha, else unversioned+<sha7>)",
};
const dbInput = {
  description: "Database: a folder or s3://bucket/path (default: $LANCE_BENCH_URI, else ~/.lance-bench)",
};
const testbedInput = { description: "Machine name (default: the runner's name)" };
const runIdInput = { description: "Identifier of this run (default: the workflow run id and attempt)" };
const envPassthroughInput = {
  description:
    "Environment variables the benchmarked code (builds, benchmarks, generators, pipelines) may see besides the allowlist (PATH, HOME, locale, CARGO_*, RUSTUP_*, RUST*, PYTHON*, …), space-separated; credential-like names are refused",
};
const prNumberInput = {
  description:
    "The pull request this run is for: rows are stored under refs/pull/<n>/head with its number, never in a branch's history, and caches are its own",
};
const repetitionsInput = {
  description:
    "Runs of the head, each published as its own result (default 1); in an A/B, runs of each side (default 10)",
};

const targetInputs = {
  sha: { description: "Full commit sha to benchmark (default: the checkout's HEAD)" },
  path: {
    description: "Where the project is checked out (e.g. by actions/prepare), relative to the workspace",
    default: "lance-bench-target",
  },
};

export const ACTIONS = {
  publish: {
    description: "Parse benchmark results (Criterion, libtest bencher, pytest-benchmark) and store them in LanceDB",
    inputs: {
      files: { description: "Result files or Criterion directories, one per line or comma-separated", required: true },
      format: {
        description:
          "Input format: auto, criterion-json, criterion-dir, bencher, pytest, rapidbyte or lance-bench-results",
        default: "auto",
      },
      db: dbInput,
      "testbed-name": testbedInput,
      "dut-name": {
        description: "Project name (default: from Cargo.toml or pyproject.toml, else the checkout's folder)",
      },
      "dut-version": { description: "Version such as 0.15.0+abc1234 (default: manifest version + short sha)" },
      "dut-timestamp": { description: "Commit time in unix seconds (default: from git)" },
      sha: { description: "Full commit sha (default: HEAD of repo)" },
      repo: { description: "Git checkout of the benchmarked project (default: the workspace)" },
      "run-id": runIdInput,
      ref: {
        description:
          "Record the rows under this ref (main = refs/heads/main, or a full refs/...), not the workflow's: builds a branch's history from elsewhere",
      },
      "pr-number": {
        description:
          "The pull request these results belong to: rows are stored under refs/pull/<n>/head with its number, never in a branch's history",
      },
      config: { description: "Settings file: units of custom metrics (default: .lance-bench.yml in repo)" },
    },
    outputs: {
      count: "Rows written",
      "already-stored": "Rows that were already stored (a re-run)",
      fingerprint: "Environment fingerprint of this test bed and toolchain",
    },
  },
  "run-rust": {
    description:
      "Build a Rust project at a commit and run its Criterion benchmarks crate by crate; publish or upload the results",
    inputs: {
      ...targetInputs,
      crates: { description: "Crate folders, comma-separated (default: every workspace member that declares benches)" },
      benches: { description: "Bench targets to run, comma-separated (default: all)" },
      filter: { description: "Criterion benchmark filter (a regex)" },
      features: { description: "Cargo features" },
      "cargo-args": { description: "Extra cargo arguments, space-separated" },
      runner: { description: "auto (cargo criterion when installed), cargo-criterion or cargo-bench", default: "auto" },
      mode: { description: "main: publish; pr: upload one results artifact per crate", default: "main" },
      publish: { description: "Publish in main mode (true/false)", default: "true" },
      db: dbInput,
      "output-dir": { description: "Where results-<crate>.jsonl files are written", default: "lance-bench-results" },
      "budget-minutes": { description: "Time budget per crate, build included", default: "60" },
      "testbed-name": testbedInput,
      "dut-name": { description: "Project name (default: from Cargo.toml)" },
      "dut-version": dutVersionInput,
      "run-id": runIdInput,
      profile: {
        description: "A benchmark id to record a CPU flamegraph of (perf + inferno), uploaded as an artifact",
      },
      "profile-seconds": { description: "How long to profile it", default: "5" },
      "base-sha": {
        description:
          "Same-runner A/B (mode pr): also build this base commit here and run base and head alternately; the base's results go to <output-dir>/base/",
      },
      repetitions: repetitionsInput,
      "env-passthrough": envPassthroughInput,
      "pr-number": prNumberInput,
    },
    outputs: {
      "results-dir": "Folder holding the results files",
      count: "Rows published",
      "failed-crates": "Crates that failed, comma-separated",
    },
  },
  "run-python": {
    description:
      "Run a project's pytest-benchmark suite at a commit in a fresh venv, with cached datasets; publish or upload",
    inputs: {
      ...targetInputs,
      workdir: { description: "Folder of the Python project, relative to the repository", default: "." },
      "build-command": { description: "Build step run without a shell, e.g. `maturin develop --release`" },
      pip: { description: "Extra packages for the venv, space-separated (their installed versions are recorded)" },
      "dut-version-from-package": {
        description:
          "An installed package (e.g. pylance) whose version is the build's version, as <version>+<short sha>",
      },
      "datagen-command": {
        description: "Dataset generator run without a shell, e.g. `python python/ci_benchmarks/datagen/gen_all.py`",
      },
      "datagen-sources": {
        description: "Files or folders whose content keys the dataset cache (default: the generator script's package)",
      },
      "datagen-env": {
        description: "Environment variables whose values key the dataset cache too (e.g. row counts), one per line",
      },
      "dataset-dir": {
        description:
          "The folder the generator writes and the cache holds, relative to the workdir or absolute (passed as $LANCE_BENCH_DATASET_DIR)",
        default: ".lance-bench-datasets",
      },
      "dataset-env": {
        description: "Also pass the dataset folder as these environment variables, one per line",
      },
      "pytest-args": {
        description: "Extra pytest arguments, one per line (a line is one argument: `-k`, then `not eda`)",
      },
      markers: { description: "pytest -m expression" },
      "allow-failures": {
        description:
          "true: record benchmarks whose tests fail as failed (with the exception), publish the rest, then fail the step",
        default: "false",
      },
      mode: { description: "main: publish; pr: upload the results artifact", default: "main" },
      publish: { description: "Publish in main mode (true/false)", default: "true" },
      db: dbInput,
      "output-dir": { description: "Where results-python.jsonl is written", default: "lance-bench-results" },
      "budget-minutes": { description: "Time budget for the whole run", default: "60" },
      "testbed-name": testbedInput,
      "dut-name": { description: "Project name (default: from pyproject.toml)" },
      "dut-version": dutVersionInput,
      "run-id": runIdInput,
      profile: {
        description: "A benchmark (pytest node id) to record a CPU flamegraph of with py-spy, uploaded as an artifact",
      },
      "base-sha": {
        description:
          "Same-runner A/B (mode pr): also build this base commit here and run base and head alternately; the base's results go to <output-dir>/base/",
      },
      repetitions: repetitionsInput,
      "env-passthrough": envPassthroughInput,
      "pr-number": prNumberInput,
    },
    outputs: {
      "results-dir": "Folder holding the results file",
      count: "Rows published",
      datasets: "generated, cache hit or none",
    },
  },
  "run-pipeline": {
    description:
      "Benchmark a data pipeline against PostgreSQL (rapidbyte's bench harness): variants × row counts × iterations, @@BENCH_JSON@@ results, history; publish or upload",
    inputs: {
      ...targetInputs,
      workdir: { description: "Folder the pipeline runs in, relative to the repository", default: "." },
      "build-command": { description: "Build step run without a shell, e.g. `cargo build --release`" },
      // not `command`: the root action's `command` picks the action
      "pipeline-command": {
        description:
          "The pipeline run, without a shell; placeholders {pipeline} {variant} {rows} {iteration} {aot} {schema}. It must print one @@BENCH_JSON@@ line",
        default: "rapidbyte run {pipeline}",
      },
      "pipelines-dir": {
        description: "Where the variants' pipeline files are, relative to the workdir",
        default: "tests/fixtures/pipelines",
      },
      variants: {
        description:
          "Space-separated: a name (insert, copy, lz4, zstd, or X for bench_pg_X.yaml) or name=file (default: insert copy lz4 zstd)",
      },
      rows: { description: "Row counts to seed and run, space-separated: a matrix sweep (default 10000)" },
      iters: { description: "Iterations per variant and row count", default: "3" },
      aot: {
        description: "Whether the pipeline's modules are AOT-compiled (recorded; {aot} and $BENCH_AOT)",
        default: "true",
      },
      "database-url": {
        description:
          "PostgreSQL URL, e.g. postgres://postgres:postgres@localhost:5432/bench (default: PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE)",
      },
      "dest-schema": {
        description: "The pipeline's destination schema, dropped before every iteration",
        default: "raw",
      },
      "state-paths": {
        description: "State files to delete before every iteration, besides those the pipeline files name",
      },
      mode: { description: "main: publish; pr: upload the results and the history as artifacts", default: "main" },
      publish: { description: "Publish in main mode (true/false)", default: "true" },
      db: dbInput,
      "output-dir": {
        description: "Where pipeline-results.jsonl (the history) and results-pipeline.jsonl are written",
        default: "lance-bench-results",
      },
      "budget-minutes": { description: "Time budget for the whole run", default: "60" },
      "testbed-name": testbedInput,
      "dut-name": { description: "Project name (default: from Cargo.toml or package.json)" },
      "dut-version": dutVersionInput,
      "run-id": runIdInput,
      profile: {
        description:
          "A variant (or true: the first) to record one CPU flamegraph of with perf, uploaded as an artifact",
      },
      "env-passthrough": envPassthroughInput,
      "pr-number": prNumberInput,
    },
    outputs: {
      "results-dir": "Folder holding the history and the results file",
      count: "Rows published",
      "history-file": "The results history (JSON lines, one per iteration)",
    },
  },
  schedule: {
    description:
      "Dispatch the benchmark workflow for commits without results: the newest commit, a backfill of history, or an @bench-bot PR comment",
    inputs: {
      mode: {
        description:
          "latest (the newest commit), backfill (MAX_COMMITS × COMMIT_INTERVAL commits) or comment (an issue_comment event)",
        default: "latest",
      },
      repository: {
        description: "Repository whose commits are benchmarked (owner/name)",
        default: "lance-format/lance",
      },
      branch: { description: "Branch to follow (default: the repository's default branch)" },
      workflow: {
        description: "Benchmark workflow to dispatch: its file name (run-benchmarks.yml) or id",
        required: true,
      },
      "workflow-repository": { description: "Where that workflow lives (default: this repository)" },
      "workflow-ref": { description: "Branch or tag of the workflow", default: "main" },
      inputs: { description: "Extra dispatch inputs, KEY=VALUE, one per line" },
      "sha-input": { description: "Dispatch input that receives the commit sha", default: "git_sha" },
      token: {
        description:
          "Token that may dispatch workflows; the default GITHUB_TOKEN cannot trigger them: pass secrets.SCHEDULER_GITHUB_TOKEN",
        default: "${{ github.token }}",
      },
      db: dbInput,
      "max-commits": { description: "backfill: commits to check (default: $MAX_COMMITS, else 10)" },
      "commit-interval": { description: "backfill: every n-th commit (default: $COMMIT_INTERVAL, else 1)" },
      "max-in-flight": { description: "Dispatched runs running at once", default: "4" },
      wait: {
        description: "Wait for the dispatched runs and fail if one does not succeed (true/false)",
        default: "false",
      },
      "wait-timeout-minutes": { description: "Give up waiting after this long", default: "360" },
      "key-input": { description: "Dispatch input for a unique key, where GitHub does not return run ids" },
      "dry-run": { description: "Report what would be dispatched, dispatch nothing (true/false)", default: "false" },
    },
    outputs: {
      dispatched: "Commits dispatched, space-separated",
      checked: "Commits checked against the store",
    },
  },
};

ACTIONS["compare-pr"] = {
  description:
    "Compare a pull request's benchmarks with a baseline (same-runner A/B files, stored commits or main's history): verdicts with false-discovery control, one sticky PR comment, fail on regression",
  inputs: {
    head: {
      description:
        "The PR's results: lance-bench results files (or tool outputs), one per line; or sha:<commit> in the store",
      required: true,
    },
    base: {
      description:
        "Baseline: results files of the base (e.g. from a same-runner A/B), sha:<commit> in the store, or history[:N] (main's last N results)",
      default: "history",
    },
    db: dbInput,
    config: { description: "Thresholds, mutes and settings (default: .lance-bench.yml in the workspace)" },
    "history-ref": {
      description:
        "Branch whose recent results give each benchmark's noise and the history baseline (main = refs/heads/main)",
      default: "refs/heads/main",
    },
    "pr-repository": { description: "Repository of the pull request (default: this repository)" },
    "pr-number": {
      description:
        "Pull request to comment on (default: the triggering pull_request event's; give it in workflow_run jobs)",
    },
    "expected-head-sha": {
      description:
        "The head that was benchmarked: the PR's head must be this commit, or nothing is written (default in a workflow_run job: the run's head_sha)",
    },
    "expected-head-repository": {
      description:
        "The repository (owner/name) of that head: both or neither (default in a workflow_run job: the run's head_repository)",
    },
    token: { description: "Token with pull-requests: write, for the comment", default: "${{ github.token }}" },
    "comment-author": {
      description:
        "The token's own login: only its comments are edited (empty: asked from GitHub, which GITHUB_TOKEN cannot do)",
      default: "github-actions[bot]",
    },
    comment: { description: "Post or update the PR comment (true/false)", default: "true" },
    "comment-key": {
      description: "Keeps one comment per key: give each suite its own key when several compare on one PR",
      default: "default",
    },
    "fail-on-regression": {
      description: "Fail the step when a regression survives the false-discovery control and the threshold",
      default: "true",
    },
  },
  outputs: {
    regressions: "Benchmarks that regressed (muted ones excluded)",
    improvements: "Benchmarks that improved",
    report: "Path of the comparison as JSON",
    "comment-url": "URL of the PR comment, when one was posted",
  },
};

function inputsFor(inputs, { optional = false } = {}) {
  return Object.fromEntries(
    Object.entries(inputs).map(([name, spec]) => [
      name,
      {
        description: spec.description,
        required: optional ? false : Boolean(spec.required),
        ...(spec.default !== undefined ? { default: spec.default } : {}),
      },
    ]),
  );
}

// A JavaScript action's outputs are the ones its bundle sets (no `value:`).
const outputsFor = (outputs) =>
  Object.fromEntries(Object.entries(outputs).map(([name, description]) => [name, { description }]));

/** What a benchmark action may need before it runs: composing other actions is the point. */
const PREPARE = {
  name: "lance-bench prepare",
  description:
    "Before a lance-bench run action: check out the project to benchmark, restore the cargo registry, install Debian packages, set up Python",
  author: "lance-bench",
  inputs: {
    repository: { description: "Repository to check out into `path` (owner/name); empty: no checkout", default: "" },
    sha: { description: "Commit to check out (default: the repository's default branch)", default: "" },
    path: {
      description: "Where to check it out, relative to the workspace (the run action's `path`)",
      default: "lance-bench-target",
    },
    "fetch-depth": {
      description: "Commits of history to fetch: 0 for all (a same-runner A/B builds base-sha from this checkout)",
      default: "1",
    },
    "cargo-registry": {
      description: "Restore and save the cargo registry, keyed on the Cargo.lock files under `path` (true/false)",
      default: "false",
    },
    "apt-packages": {
      description: "Debian packages the build needs, space-separated (Lance: protobuf-compiler)",
      default: "",
    },
    "python-version": { description: "Python version to set up (default: the runner's python3)", default: "" },
  },
  runs: {
    using: "composite",
    steps: [
      {
        name: "Check out the project to benchmark",
        if: "inputs.repository != ''",
        uses: CHECKOUT_ACTION,
        with: {
          repository: "${{ inputs.repository }}",
          ref: "${{ inputs.sha }}",
          path: "${{ inputs.path }}",
          "fetch-depth": "${{ inputs.fetch-depth }}",
          "persist-credentials": false,
        },
      },
      {
        // The registry is keyed on the project's lockfile; the target folders are cached per
        // crate by run-rust itself (with @actions/cache), keyed on toolchain + lockfile + crate.
        name: "Restore the cargo registry",
        if: "inputs.cargo-registry == 'true'",
        uses: CACHE_ACTION,
        with: {
          path: "~/.cargo/registry/index\n~/.cargo/registry/cache\n~/.cargo/git/db\n",
          key: "lance-bench-cargo-registry-${{ runner.os }}-${{ hashFiles(format('{0}/**/Cargo.lock', inputs.path)) }}",
          "restore-keys": "lance-bench-cargo-registry-${{ runner.os }}-",
        },
      },
      {
        name: "Install the build's Debian packages",
        if: "inputs.apt-packages != ''",
        shell: "bash",
        env: { APT_PACKAGES: "${{ inputs.apt-packages }}" },
        run: [
          "for pkg in $APT_PACKAGES; do",
          '  [[ "$pkg" =~ ^[a-z0-9][a-z0-9.+-]*$ ]] || { echo "::error::not a Debian package name: $pkg"; exit 1; }',
          "done",
          'SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo',
          "$SUDO apt-get update -qq",
          "# shellcheck disable=SC2086 # one word per package, validated above",
          "$SUDO apt-get install -y -qq $APT_PACKAGES",
          "",
        ].join("\n"),
      },
      {
        name: "Set up Python",
        if: "inputs.python-version != ''",
        uses: SETUP_PYTHON_ACTION,
        with: { "python-version": "${{ inputs.python-version }}" },
      },
    ],
  },
};

const header =
  "# Generated by scripts/gen-action-yml.mjs from one description of every action: edit that, then `npm run bundle`.\n";
function write(file, document) {
  let text = stringify(document, { lineWidth: 0, singleQuote: false });
  for (const [use, tag] of Object.entries(PINNED)) text = text.replaceAll(`uses: ${use}\n`, `uses: ${use} # ${tag}\n`);
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), header + text);
}

for (const [name, spec] of Object.entries(ACTIONS)) {
  write(`actions/${name}/action.yml`, {
    name: `lance-bench ${name}`,
    description: spec.description,
    author: "lance-bench",
    inputs: inputsFor(spec.inputs),
    outputs: outputsFor(spec.outputs),
    runs: { using: "node24", main: `../../dist/${name}/index.js` },
  });
}
write("actions/prepare/action.yml", PREPARE);

// Root action: `command:` picks one of the actions (dist/main dispatches on it); it takes the
// union of their inputs (the first description of a shared input wins).
const allInputs = {};
const allOutputs = {};
for (const spec of Object.values(ACTIONS)) {
  for (const [name, input] of Object.entries(spec.inputs)) {
    const first = allInputs[name];
    if (!first) allInputs[name] = input;
    else if (first.default !== input.default && first.default !== undefined) {
      // Commands disagree on this input's default: the root action passes it only when given,
      // and each command applies its own default.
      const { default: _dropped, ...rest } = first;
      allInputs[name] = {
        ...rest,
        description: `${first.description} (meaning and default depend on the command: see actions/<command>/action.yml)`,
      };
    }
  }
  for (const [name, description] of Object.entries(spec.outputs)) allOutputs[name] ??= description;
}
write("action.yml", {
  name: "lance-bench",
  description: "Continuous benchmarking on LanceDB: run, store, compare and report benchmarks",
  author: "lance-bench",
  branding: { icon: "activity", color: "blue" },
  inputs: {
    command: { description: `Which action to run: ${Object.keys(ACTIONS).join(", ")}`, required: true },
    ...inputsFor(allInputs, { optional: true }),
  },
  outputs: outputsFor(allOutputs),
  runs: { using: "node24", main: "dist/main/index.js" },
});
console.log(
  `wrote action.yml, actions/prepare/action.yml and ${Object.keys(ACTIONS)
    .map((n) => `actions/${n}/action.yml`)
    .join(", ")}`,
);
