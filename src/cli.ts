import { Command, CommanderError, Option } from "commander";
import { writeFile } from "node:fs/promises";
import { compare, parseCompareOptions } from "./commands/compare.js";
import { comparePr, parseComparePrOptions } from "./commands/compare-pr.js";
import { exportResults, parseExportOptions } from "./commands/export.js";
import { hasResults, parseHasResultsOptions } from "./commands/has-results.js";
import {
  doctor,
  doctorText,
  migrate,
  migrateText,
  parseDoctorOptions,
  parseMigrateOptions,
} from "./commands/migrate.js";
import { parsePublishOptions, publish } from "./commands/publish.js";
import { failedBenchmarksError, parseRunPythonOptions, runPython } from "./commands/run-python.js";
import { failedIterationsError, parseRunPipelineOptions, runPipeline } from "./commands/run-pipeline.js";
import {
  parsePipelineCompareOptions,
  parsePipelineResultsOptions,
  pipelineCompare,
  pipelineResults,
} from "./commands/pipeline-results.js";
import { runPipelineTextReport } from "./report/run-summary.js";
import { parseScheduleOptions, schedule } from "./commands/schedule.js";
import { scheduleTextReport } from "./report/schedule-summary.js";
import { failedCratesError, parseRunRustOptions, runRust } from "./commands/run-rust.js";
import { ConfigurationError, LanceBenchError } from "./model/index.js";
import { FORMAT_CHOICES } from "./parse/index.js";
import { compareMarkdown, compareText } from "./report/compare-report.js";
import { publishTextTable } from "./report/publish-summary.js";
import { runPythonTextReport, runRustTextReport } from "./report/run-summary.js";
import { retryPolicyFromEnv } from "./store/retry.js";
import { VERSION } from "./version.js";

/**
 * Exit codes: 0 success (has-results: found), 1 has-results: not found, or compare
 * --fail-on-regression: a regression; 2 any error.
 */
export const EXIT_ERROR = 2;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
};

function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const deps = { env: io.env, retry: retryPolicyFromEnv(io.env), log: (m: string) => io.stderr(`${m}\n`) };
  const program = new Command("lance-bench")
    .description("Continuous benchmarking on LanceDB: publish, query and compare benchmark results.")
    .version(VERSION, "-V, --version", "print the version")
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      outputError: (text, write) => write(usageError(text)),
    })
    .exitOverride();

  program
    .command("publish")
    .description("Parse benchmark results and store them in the results table")
    .argument("<files...>", "result files or Criterion directories (target/criterion)")
    .addOption(new Option("--format <format>", "input format").choices(FORMAT_CHOICES).default("auto"))
    .option("--db <uri>", "database: a folder or s3://bucket/path (default $LANCE_BENCH_URI, else ~/.lance-bench)")
    .option("--testbed-name <name>", "machine name (default: runner name, else hostname)")
    .option("--dut-name <name>", "project name (default: from Cargo.toml/pyproject.toml or the checkout's folder)")
    .option("--dut-version <version>", "version, e.g. 0.15.0+abc1234 (default: manifest version + short sha)")
    .option("--dut-timestamp <seconds>", "commit time, unix seconds (default: from git)")
    .option("--sha <sha>", "full commit sha (default: HEAD of --repo)")
    .option("--repo <dir>", "git checkout of the project the results belong to")
    .option("--run-id <id>", "identifier of this run (default: the CI run, else a hash of the results)")
    .option(
      "--ref <ref>",
      "record the rows under this branch (main = refs/heads/main) or full ref, e.g. to build main's history",
    )
    .option("--pr-number <n>", "a pull request's results: stored under refs/pull/<n>/head, never a branch's history")
    .option("--config <file>", "settings: units of custom metrics (default: .lance-bench.yml in --repo, else here)")
    .option("--json", "print a machine-readable summary")
    .action(async (files: string[], flags: Record<string, unknown>) => {
      const { json, ...rest } = flags;
      const options = parsePublishOptions({ inputs: files, ...rest });
      const summary = await publish(options, deps);
      for (const warning of summary.warnings) io.stderr(`warning: ${warning}\n`);
      if (json) {
        io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
        return;
      }
      io.stdout(`${publishTextTable(summary.benchmarks)}\n\n`);
      io.stdout(
        `published ${summary.rowsWritten} rows (${summary.rowsAlreadyStored} already stored) for ${summary.dut.name} ` +
          `${summary.dut.version} on ${summary.testBed.name} [fingerprint ${summary.fingerprint}] to ${summary.db}\n`,
      );
    });

  program
    .command("has-results")
    .description("Exit 0 when results exist for the commit, 1 when not, 2 on error")
    .requiredOption("--sha <sha>", "full commit sha")
    .option("--db <uri>", "database (default $LANCE_BENCH_URI, else ~/.lance-bench)")
    .action(async (flags: Record<string, unknown>) => {
      const { found, matchedBy } = await hasResults(parseHasResultsOptions(flags), deps);
      const how = matchedBy === "short-sha" ? " (rows of the seed's tools, by the 7-character sha in dut.version)" : "";
      io.stdout(`${found ? "yes" : "no"}${how}\n`);
      setExitCode(found ? 0 : 1);
    });

  program
    .command("doctor")
    .description("Describe the results table: format, columns, indexes, rows, and whether the seed's tools read it")
    .option("--db <uri>", "database (default $LANCE_BENCH_URI, else ~/.lance-bench)")
    .option("--json", "print JSON")
    .action(async (flags: Record<string, unknown>) => {
      const report = await doctor(parseDoctorOptions({ db: flags.db }), deps);
      io.stdout(flags.json ? `${JSON.stringify(report, null, 2)}\n` : doctorText(report));
    });

  program
    .command("migrate")
    .description("Bring a table the seed's Python tools wrote to this suite's schema, in a format both read")
    .option("--db <uri>", "database (default $LANCE_BENCH_URI, else ~/.lance-bench)")
    .option("--apply", "write the migration (default: only say what it would do)")
    .option("--normalize-criterion", "also turn the seed's Criterion rows (raw totals) into per-iteration values")
    .option("--json", "print JSON")
    .action(async (flags: Record<string, unknown>) => {
      const outcome = await migrate(
        parseMigrateOptions({
          db: flags.db,
          apply: flags.apply === true,
          normalizeCriterion: flags.normalizeCriterion === true,
        }),
        deps,
      );
      io.stdout(flags.json ? `${JSON.stringify(outcome, null, 2)}\n` : migrateText(outcome));
    });

  program
    .command("export")
    .description("Print stored rows as JSON lines, every column")
    .option("--db <uri>", "database (default $LANCE_BENCH_URI, else ~/.lance-bench)")
    .option("--benchmark <name>", "only this benchmark (exact name)")
    .option("--sha <sha>", "only this commit (full sha)")
    .action(async (flags: Record<string, unknown>) => {
      const rows = await exportResults(parseExportOptions(flags), deps);
      io.stdout(rows.map((row) => `${JSON.stringify(row)}\n`).join(""));
    });

  program
    .command("compare")
    .description("Compare a base with a head: per-benchmark verdicts with false-discovery control")
    .requiredOption("--base <input...>", "result files or folders, sha:<commit> in the store, or history[:N]")
    .requiredOption("--head <input...>", "result files or folders, or sha:<commit> in the store")
    .option("--db <uri>", "database for sha:, history and noise (default $LANCE_BENCH_URI, else ~/.lance-bench)")
    .option("--config <file>", "settings, thresholds and mutes (default ./.lance-bench.yml)")
    .option(
      "--history-ref <ref>",
      "branch (main = refs/heads/main) or full ref whose recent results give each benchmark's noise",
      "refs/heads/main",
    )
    .option("--markdown <file>", "also write the report as markdown (the PR comment)")
    .option("--json", "print the comparison as JSON")
    .option("--fail-on-regression", "exit 1 when any benchmark regressed")
    .action(async (flags: Record<string, unknown>) => {
      const { json, markdown, failOnRegression, ...rest } = flags;
      const outcome = await compare(parseCompareOptions(rest), deps);
      if (typeof markdown === "string") await writeFile(markdown, compareMarkdown(outcome));
      io.stdout(json ? `${JSON.stringify(outcome, null, 2)}\n` : compareText(outcome));
      if (failOnRegression === true && outcome.counts.regressed > 0) setExitCode(1);
    });

  program
    .command("compare-pr")
    .description("compare, then post or update the one lance-bench comment on a pull request (token: $GITHUB_TOKEN)")
    .requiredOption("--base <input...>", "result files or folders, sha:<commit> in the store, or history[:N]")
    .requiredOption("--head <input...>", "result files or folders, or sha:<commit> in the store")
    .requiredOption("--repository <owner/name>", "repository of the pull request")
    .requiredOption("--pr <number>", "pull request number")
    .option("--db <uri>", "database for sha:, history and noise (default $LANCE_BENCH_URI, else ~/.lance-bench)")
    .option("--config <file>", "settings, thresholds and mutes (default ./.lance-bench.yml)")
    .option(
      "--history-ref <ref>",
      "branch (main = refs/heads/main) or full ref whose recent results give each benchmark's noise",
      "refs/heads/main",
    )
    .option("--comment-key <key>", "one comment per key", "default")
    .option("--comment-author <login>", "the token's own login: only its comments are edited (default: GET /user)", "")
    .option(
      "--expected-head-sha <sha>",
      "comment only when the PR's head is this commit (with --expected-head-repository)",
    )
    .option("--expected-head-repository <owner/name>", "comment only when the PR's head is in this repository")
    .option("--api-url <url>", "GitHub API (default $GITHUB_API_URL, else https://api.github.com)")
    .option("--fail-on-regression", "exit 1 when any benchmark regressed")
    .action(async (flags: Record<string, unknown>) => {
      const { failOnRegression, pr, ...rest } = flags;
      const options = parseComparePrOptions({ ...rest, prNumber: pr, token: io.env.GITHUB_TOKEN ?? "" });
      const { outcome, comment } = await comparePr(options, deps);
      io.stdout(compareText(outcome));
      if (comment) io.stdout(`${comment.action} ${comment.url}\n`);
      if (failOnRegression === true && outcome.counts.regressed > 0) setExitCode(1);
    });

  runCommand(program, "run-rust", {
    description: "Build a Rust project at a commit, run its Criterion benchmarks crate by crate, publish or save them",
    results: "results-<crate>.jsonl files",
    budget: "time budget per crate, build included",
    cache: "build cache folder",
    manifest: "Cargo.toml",
    profile: "this benchmark id (perf + inferno)",
  })
    .option("--crate <path...>", "crate folders relative to the repository (default: every crate with benches)")
    .option("--bench <name...>", "only these bench targets")
    .option("--filter <regex>", "Criterion benchmark filter")
    .option("--features <list>", "cargo features")
    .option("--cargo-arg <arg...>", "extra cargo arguments")
    .addOption(
      new Option("--runner <runner>", "how to run Criterion")
        .choices(["auto", "cargo-criterion", "cargo-bench"])
        .default("auto"),
    )
    .option("--profile-seconds <n>", "how long to profile the --profile benchmark", "5")
    .action(async (flags: Record<string, unknown>) => {
      const { json, crate, bench, cargoArg, ...rest } = flags;
      const options = parseRunRustOptions({ ...rest, crates: crate, benches: bench, cargoArgs: cargoArg });
      const summary = await runRust(options, deps);
      if (json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
      else io.stdout(`${runRustTextReport(summary)}\n`);
      const failure = failedCratesError(summary);
      if (failure) throw failure;
    });

  runCommand(program, "run-python", {
    description: "Run a project's pytest-benchmark suite at a commit in a fresh venv, publish or save the results",
    results: "the results-python.jsonl file",
    budget: "time budget for the whole run",
    cache: "dataset cache folder",
    manifest: "pyproject.toml",
    profile: "this benchmark, its pytest node id (py-spy)",
  })
    .option("--workdir <dir>", "folder of the Python project, relative to the repository", ".")
    .option("--python <interpreter>", "interpreter for the venv", "python3")
    .option("--build-command <command>", "build step, e.g. 'maturin develop --release' (run without a shell)")
    .option("--pip <package...>", "extra packages to install into the venv (their installed versions are recorded)")
    .option(
      "--dut-version-from-package <name>",
      "the version of this installed package (e.g. pylance) is the build's, as <version>+<short sha>",
    )
    .option("--datagen-command <command>", "dataset generator, run when its sources changed (without a shell)")
    .option(
      "--datagen-sources <path...>",
      "files or folders whose content keys the dataset cache (default: the package of the generator script)",
    )
    .option("--datagen-env <name...>", "environment variables whose values key the dataset cache too (e.g. row counts)")
    .option(
      "--dataset-dir <dir>",
      "the folder the generator writes and the cache holds, relative to the workdir or absolute ($LANCE_BENCH_DATASET_DIR)",
      ".lance-bench-datasets",
    )
    .option("--dataset-env <name...>", "also pass the dataset folder as these environment variables")
    .argument("[pytest-args...]", "pytest arguments, after -- when they start with a dash: -- -k 'not eda' tests/")
    .option(
      "--pytest-arg <arg>",
      "one pytest argument, may start with a dash; repeat it (--pytest-arg=-k --pytest-arg 'not eda')",
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option("--markers <expr>", "pytest -m expression")
    .option(
      "--allow-failures",
      "record benchmarks whose tests fail as failed (with the exception), publish the rest, then exit 2",
    )
    .action(async (trailing: string[], flags: Record<string, unknown>) => {
      const { json, pytestArg, ...rest } = flags;
      const pytestArgs = [...((pytestArg as string[] | undefined) ?? []), ...trailing];
      const summary = await runPython(
        parseRunPythonOptions({ ...rest, pytestArgs, allowFailures: rest.allowFailures === true }),
        deps,
      );
      if (json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
      else io.stdout(`${runPythonTextReport(summary)}\n`);
      const failure = failedBenchmarksError(summary);
      if (failure) throw failure;
    });

  /** Options of run-pipeline that pipeline-compare shares. */
  const pipelineOptions = (command: Command) =>
    command
      .option("--workdir <dir>", "folder the pipeline runs in, relative to the repository", ".")
      .option("--build-command <command>", "build step, e.g. 'cargo build --release' (run without a shell)")
      .option(
        "--command <template>",
        "pipeline run; placeholders {pipeline} {variant} {rows} {iteration} {aot} {schema}",
        "rapidbyte run {pipeline}",
      )
      .option(
        "--pipelines-dir <dir>",
        "where the variants' pipeline files are, relative to the workdir",
        "tests/fixtures/pipelines",
      )
      .option("--variants <variant...>", "name or name=file (default: insert copy lz4 zstd)")
      .option("--rows <n...>", "row counts to seed and run, a matrix sweep (default 10000)")
      .option("--iters <n>", "iterations per variant and row count", "3")
      .option("--no-aot", "record the runs as not AOT-compiled ({aot} and BENCH_AOT say so to the command)")
      .option(
        "--database-url <url>",
        "PostgreSQL, postgres://user@host:port/db (default: PGHOST, PGPORT, … or localhost)",
      )
      .option("--dest-schema <name>", "the pipeline's destination schema, dropped before every iteration", "raw")
      .option(
        "--state-path <file...>",
        "state files to delete before every iteration (besides the pipeline files' state)",
      )
      .option("--history-file <file>", "results history (default: <output-dir>/pipeline-results.jsonl)")
      .option("--connect-attempts <n>", "tries to reach PostgreSQL before giving up", "6")
      .option("--connect-backoff-ms <n>", "first wait between those tries, doubled each time", "500");

  pipelineOptions(
    runCommand(program, "run-pipeline", {
      description: "Benchmark a data pipeline against PostgreSQL (rapidbyte's bench.sh): seed, reset, run, record",
      results: "the results history and results-pipeline.jsonl",
      budget: "time budget for the whole run",
      cache: "scratch folder",
      manifest: "Cargo.toml/package.json",
      profile: "one iteration of this variant (or 'true': the first) with perf",
    }),
  ).action(async (flags: Record<string, unknown>) => {
    const { json, statePath, ...rest } = flags;
    const summary = await runPipeline(parseRunPipelineOptions({ ...rest, statePaths: statePath }), deps);
    io.stdout(json ? `${JSON.stringify(summary, null, 2)}\n` : `${runPipelineTextReport(summary)}\n`);
    const failure = failedIterationsError(summary);
    if (failure) throw failure;
  });

  pipelineOptions(
    program
      .command("pipeline-compare")
      .description("Benchmark two git refs' pipelines in their own worktrees and show the change per metric")
      .argument("<ref-a>", "the reference (e.g. main)")
      .argument("<ref-b>", "the candidate (e.g. my-feature)")
      .requiredOption("--repo <dir>", "git checkout of the project (left untouched)")
      .option("--output-dir <dir>", "where the history and each ref's results files go", "lance-bench-results")
      .option("--budget-minutes <n>", "time budget for each ref", "60")
      .option("--testbed-name <name>", "machine name (default: runner name, else hostname)")
      .option("--json", "print a machine-readable summary"),
  ).action(async (refA: string, refB: string, flags: Record<string, unknown>) => {
    const { json, statePath, ...rest } = flags;
    const summary = await pipelineCompare(
      parsePipelineCompareOptions({ ...rest, refA, refB, statePaths: statePath }),
      deps,
    );
    io.stdout(json ? `${JSON.stringify(summary, null, 2)}\n` : `${summary.text}\n`);
    for (const { summary: run } of summary.runs) {
      const failure = failedIterationsError(run);
      if (failure) throw failure;
    }
  });

  program
    .command("pipeline-results")
    .description("Compare pipeline runs in the results history by commit (rapidbyte's bench_compare.py)")
    .option("--history <file>", "results history", "lance-bench-results/pipeline-results.jsonl")
    .option("--last <n>", "the last N commits in the history", "2")
    .option("--sha <sha...>", "these commits (sha prefixes, or refs with --repo)")
    .option("--rows <n>", "only runs at this row count")
    .option("--repo <dir>", "git checkout to resolve refs in")
    .option("--markdown", "print markdown tables")
    .option("--json", "print a machine-readable summary")
    .action(async (flags: Record<string, unknown>) => {
      const { json, markdown, sha, ...rest } = flags;
      const summary = await pipelineResults(parsePipelineResultsOptions({ ...rest, shas: sha ?? [] }));
      io.stdout(json ? `${JSON.stringify(summary, null, 2)}\n` : `${markdown ? summary.markdown : summary.text}\n`);
    });

  program
    .command("schedule")
    .description(
      "Dispatch the benchmark workflow for commits without results (token: $SCHEDULER_GITHUB_TOKEN, else $GITHUB_TOKEN)",
    )
    .requiredOption("--repository <owner/name>", "project whose commits are benchmarked")
    .option("--branch <name>", "branch to follow (default: the repository's default branch)")
    .requiredOption("--workflow <file>", "workflow to dispatch: its file name (bench.yml) or id")
    .option(
      "--workflow-repository <owner/name>",
      "where the workflow lives (default: $GITHUB_REPOSITORY, else --repository)",
    )
    .option("--workflow-ref <ref>", "branch or tag of the workflow", "main")
    .option("--input <key=value...>", "extra dispatch inputs")
    .option("--sha-input <name>", "dispatch input that receives the commit sha", "git_sha")
    .addOption(
      new Option("--mode <mode>", "latest: the newest commit; backfill: history")
        .choices(["latest", "backfill"])
        .default("latest"),
    )
    .option("--max-commits <n>", "backfill: how many commits to check (default $MAX_COMMITS, else 10)")
    .option("--commit-interval <n>", "backfill: every n-th commit (default $COMMIT_INTERVAL, else 1)")
    .option("--max-in-flight <n>", "dispatched runs running at once", "4")
    .option("--wait", "wait for the dispatched runs and report their conclusions")
    .option("--wait-timeout-minutes <n>", "give up waiting after this long", "360")
    .option("--key-input <name>", "dispatch input for a unique key, where GitHub does not return run ids")
    .option("--db <uri>", "database (default $LANCE_BENCH_URI, else ~/.lance-bench)")
    .option("--api-url <url>", "GitHub API (default $GITHUB_API_URL, else https://api.github.com)")
    .option("--dry-run", "print what would be dispatched, dispatch nothing")
    .option("--json", "print a machine-readable summary")
    .action(async (flags: Record<string, unknown>) => {
      const { json, input, ...rest } = flags;
      const options = parseScheduleOptions({
        ...rest,
        inputs: input ?? [],
        maxCommits: rest.maxCommits ?? io.env.MAX_COMMITS,
        commitInterval: rest.commitInterval ?? io.env.COMMIT_INTERVAL,
        wait: rest.wait === true,
        dryRun: rest.dryRun === true,
        token: io.env.SCHEDULER_GITHUB_TOKEN ?? io.env.GITHUB_TOKEN ?? "",
      });
      const summary = await schedule(options, deps);
      io.stdout(json ? `${JSON.stringify(summary, null, 2)}\n` : `${scheduleTextReport(summary)}\n`);
    });

  // A usage mistake is one line plus where to read more, not the whole help (which hides the line).
  program.showHelpAfterError("see lance-bench --help");
  for (const command of program.commands) command.showHelpAfterError(`see lance-bench ${command.name()} --help`);
  return program;
}

/** An error as the CLI words it: options are named as flags (`--budget-minutes`), not action inputs. */
function cliMessage(error: LanceBenchError): string {
  if (error instanceof ConfigurationError && error.input !== undefined) return `--${error.input}: ${error.problem}`;
  return error.message;
}

/** Commander's "error: unknown option '--x'" in the CLI's own shape: "lance-bench: error: …". */
function usageError(text: string): string {
  return `lance-bench: ${text.trimEnd()}\n`;
}

/** A run command with the options every run command shares (CLI twin of RunCommonOptions). */
function runCommand(
  program: Command,
  name: string,
  text: { description: string; results: string; budget: string; cache: string; manifest: string; profile: string },
): Command {
  return program
    .command(name)
    .description(text.description)
    .requiredOption("--repo <dir>", "git checkout of the project")
    .option("--sha <sha>", "commit to benchmark (default: the checkout's HEAD), built in its own worktree")
    .addOption(
      new Option("--mode <mode>", `main: publish; pr: only write ${text.results}`)
        .choices(["main", "pr"])
        .default("main"),
    )
    .option("--no-publish", `do not publish (${text.results} still written)`)
    .option("--db <uri>", "database (default $LANCE_BENCH_URI, else ~/.lance-bench)")
    .option("--output-dir <dir>", `where ${text.results} go`, "lance-bench-results")
    .option("--budget-minutes <n>", text.budget, "60")
    .option("--cache-dir <dir>", `${text.cache} (default ~/.cache/lance-bench)`)
    .option("--testbed-name <name>", "machine name (default: runner name, else hostname)")
    .option("--dut-name <name>", `project name (default: from ${text.manifest}, else the checkout's folder name)`)
    .option(
      "--dut-version <version>",
      `version (default: ${text.manifest}'s version + short sha, else unversioned+<sha7>)`,
    )
    .option("--run-id <id>", "identifier of this run (default: the CI run, else a hash of the results)")
    .option("--profile <benchmark>", `record a CPU flamegraph of ${text.profile}`)
    .option("--base-sha <sha>", "same-runner A/B (mode pr): also run this base commit, alternating with the head")
    .option("--repetitions <n>", "runs of the head, each its own result (default 1); A/B: of each side (default 10)")
    .option("--pr-number <n>", "a pull request's run: rows under refs/pull/<n>/head, never a branch's history")
    .option(
      "--env-passthrough <name...>",
      "environment variables the benchmarked code may see besides the allowlist (no credentials)",
    )
    .option("--json", "print a machine-readable summary");
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with code 0; usage errors were already printed.
      return error.exitCode === 0 ? 0 : EXIT_ERROR;
    }
    if (error instanceof LanceBenchError) {
      io.stderr(`lance-bench: error: ${cliMessage(error)}\n`);
    } else {
      io.stderr(`lance-bench: internal error (please report): ${(error as Error)?.stack ?? String(error)}\n`);
    }
    return EXIT_ERROR;
  }
}
