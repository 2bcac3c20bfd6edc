import { Command, CommanderError, Option } from "commander";
import { writeFile } from "node:fs/promises";
import path from "node:path";
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
import { parseReportOptions, report } from "./commands/report.js";
import { historyText, newRegressions } from "./report/history-report.js";
import { failedBenchmarksError, parseRunPythonOptions, runPython } from "./commands/run-python.js";
import { failedIterationsError, parseRunPipelineOptions, runPipeline } from "./commands/run-pipeline.js";
import { failedRunsError, parseRunCommandOptions, runCommand } from "./commands/run-command.js";
import {
  parsePipelineCompareOptions,
  parsePipelineResultsOptions,
  pipelineCompare,
  pipelineResults,
} from "./commands/pipeline-results.js";
import { searchText } from "./report/search-report.js";
import { parseScheduleOptions, schedule } from "./commands/schedule.js";
import { scheduleText } from "./report/schedule-summary.js";
import { failedCratesError, parseRunRustOptions, runRust } from "./commands/run-rust.js";
import {
  comparePrDeclaration,
  pipelineOptions,
  publishDeclaration,
  runCommandDeclaration,
  runPipelineDeclaration,
  runPythonDeclaration,
  runRustDeclaration,
  reportDeclaration,
  scheduleDeclaration,
} from "./commands/declarations.js";
import { ConfigurationError, LanceBenchError, cliOptions, type CommandDeclaration } from "./model/index.js";
import { compareMarkdown, compareText } from "./report/compare-report.js";
import { publishText } from "./report/publish-summary.js";
import { runCommandText, runPipelineText, runPythonText, runRustText } from "./report/run-summary.js";
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

export function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
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

  declaredOptions(
    program
      .command("publish")
      .description(publishDeclaration.description)
      .argument("<files...>", publishDeclaration.options.files.cli.description),
    publishDeclaration,
  ).action(async (files: string[], flags: Record<string, unknown>) => {
    const { json, ...rest } = flags;
    const options = parsePublishOptions({ files, ...rest });
    const summary = await publish(options, deps);
    for (const warning of summary.warnings) io.stderr(`warning: ${warning}\n`);
    if (json) {
      io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
      return;
    }
    io.stdout(`${publishText(summary.benchmarks)}\n\n`);
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
      const how =
        matchedBy === "short-sha"
          ? " (rows of the Python lance-bench's tools, by the 7-character sha in dut.version)"
          : "";
      io.stdout(`${found ? "yes" : "no"}${how}\n`);
      setExitCode(found ? 0 : 1);
    });

  program
    .command("doctor")
    .description(
      "Describe the results table: format, columns, indexes, rows, and whether the Python lance-bench's tools read it",
    )
    .option("--db <uri>", "database (default $LANCE_BENCH_URI, else ~/.lance-bench)")
    .option("--json", "print JSON")
    .action(async (flags: Record<string, unknown>) => {
      const report = await doctor(parseDoctorOptions({ db: flags.db }), deps);
      io.stdout(flags.json ? `${JSON.stringify(report, null, 2)}\n` : doctorText(report));
    });

  program
    .command("migrate")
    .description("Bring a table the Python lance-bench wrote to this suite's schema, in a format both read")
    .option("--db <uri>", "database (default $LANCE_BENCH_URI, else ~/.lance-bench)")
    .option("--apply", "write the migration (default: only say what it would do)")
    .option(
      "--normalize-criterion",
      "also turn the Python lance-bench's Criterion rows (raw totals) into per-iteration values",
    )
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

  declaredOptions(program.command("report").description(reportDeclaration.description), reportDeclaration).action(
    async (flags: Record<string, unknown>) => {
      const { json, ...rest } = flags;
      const summary = await report(
        parseReportOptions({
          ...rest,
          issues: rest.issues === true,
          closeRestored: rest.closeRestored === true,
          failOnRegression: rest.failOnRegression === true,
          token: io.env.GITHUB_TOKEN ?? "",
        }),
        deps,
      );
      const filed = summary.issues;
      const issueLines = filed
        ? [
            `issues: ${filed.created.length} created, ${filed.updated.length} updated, ${filed.unchanged.length} unchanged, ${filed.closed.length} closed`,
            ...filed.failed.map((f) => `could not file ${f.range}: ${f.error}`),
          ]
        : [];
      io.stdout(
        json
          ? `${JSON.stringify(summary, null, 2)}\n`
          : [
              historyText(summary.report),
              "",
              `report: ${summary.reportFile}`,
              ...(summary.dashboard ? [`dashboard: ${path.join(summary.dashboard.dir, "index.html")}`] : []),
              ...issueLines,
              "",
            ].join("\n"),
      );
      if (filed && filed.failed.length > 0) setExitCode(EXIT_ERROR);
      else if (flags.failOnRegression === true && newRegressions(summary.report).length > 0) setExitCode(1);
    },
  );

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

  declaredOptions(
    program.command("compare-pr").description(comparePrDeclaration.description),
    comparePrDeclaration,
  ).action(async (flags: Record<string, unknown>) => {
    const { failOnRegression, ...rest } = flags;
    const options = parseComparePrOptions({ ...rest, token: io.env.GITHUB_TOKEN ?? "" });
    const { outcome, comment } = await comparePr(options, deps);
    io.stdout(compareText(outcome));
    if (comment) io.stdout(`${comment.action} ${comment.url}\n`);
    if (failOnRegression === true && outcome.counts.regressed > 0) setExitCode(1);
  });

  declaredOptions(program.command("run-rust").description(runRustDeclaration.description), runRustDeclaration).action(
    async (flags: Record<string, unknown>) => {
      const { json, ...rest } = flags;
      const options = parseRunRustOptions(rest);
      const summary = await runRust(options, deps);
      if (json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
      else io.stdout(`${runRustText(summary)}\n`);
      const failure = failedCratesError(summary);
      if (failure) throw failure;
    },
  );

  declaredOptions(program.command("run-python").description(runPythonDeclaration.description), runPythonDeclaration)
    .argument("[pytest-args...]", "pytest arguments, after -- when they start with a dash: -- -k 'not eda' tests/")
    .action(async (trailing: string[], flags: Record<string, unknown>) => {
      const { json, ...rest } = flags;
      const pytestArgs = [...((rest.pytestArgs as string[] | undefined) ?? []), ...trailing];
      const summary = await runPython(
        parseRunPythonOptions({ ...rest, pytestArgs, allowFailures: rest.allowFailures === true }),
        deps,
      );
      if (json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
      else io.stdout(`${runPythonText(summary)}\n`);
      const failure = failedBenchmarksError(summary);
      if (failure) throw failure;
    });

  declaredOptions(
    program.command("run-pipeline").description(runPipelineDeclaration.description),
    runPipelineDeclaration,
  ).action(async (flags: Record<string, unknown>) => {
    const { json, ...rest } = flags;
    const summary = await runPipeline(parseRunPipelineOptions(rest), deps);
    io.stdout(json ? `${JSON.stringify(summary, null, 2)}\n` : `${runPipelineText(summary)}\n`);
    const failure = failedIterationsError(summary);
    if (failure) throw failure;
  });

  declaredOptions(
    program.command("run-command").description(runCommandDeclaration.description),
    runCommandDeclaration,
  ).action(async (flags: Record<string, unknown>) => {
    const { json, ...rest } = flags;
    const summary = await runCommand(parseRunCommandOptions(rest), deps);
    const chart = summary.chartFile ? `\nchart: ${summary.chartFile}` : "";
    const search = summary.search ? `\n\n${searchText(summary.search)}${chart}` : "";
    io.stdout(json ? `${JSON.stringify(summary, null, 2)}\n` : `${runCommandText(summary)}${search}\n`);
    const failure = failedRunsError(summary);
    if (failure) throw failure;
  });

  declaredOptions(
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
    { name: "pipeline-compare", description: "", options: pipelineOptions, outputs: {} },
  ).action(async (refA: string, refB: string, flags: Record<string, unknown>) => {
    const { json, ...rest } = flags;
    const summary = await pipelineCompare(parsePipelineCompareOptions({ ...rest, refA, refB }), deps);
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

  declaredOptions(program.command("schedule").description(scheduleDeclaration.description), scheduleDeclaration).action(
    async (flags: Record<string, unknown>) => {
      const { json, ...rest } = flags;
      const options = parseScheduleOptions({
        ...rest,
        inputs: rest.inputs ?? [],
        maxCommits: rest.maxCommits ?? io.env.MAX_COMMITS,
        commitInterval: rest.commitInterval ?? io.env.COMMIT_INTERVAL,
        wait: rest.wait === true,
        dryRun: rest.dryRun === true,
        token: io.env.SCHEDULER_GITHUB_TOKEN ?? io.env.GITHUB_TOKEN ?? "",
      });
      const summary = await schedule(options, deps);
      io.stdout(json ? `${JSON.stringify(summary, null, 2)}\n` : `${scheduleText(summary)}\n`);
    },
  );

  // A usage mistake is one line plus where to read more, not the whole help (which hides the line).
  program.showHelpAfterError("see lance-bench --help");
  for (const command of program.commands) command.showHelpAfterError(`see lance-bench ${command.name()} --help`);
  return program;
}

/** Adds a command's declared options (src/commands/declarations.ts) to its commander command. */
function declaredOptions(command: Command, declaration: CommandDeclaration, skip: readonly string[] = []): Command {
  for (const option of cliOptions(declaration)) {
    const { declaration: spec } = option;
    if (spec.cliArgument || skip.includes(option.key)) continue;
    const value = spec.value ?? "value";
    const flags =
      option.type === "boolean"
        ? option.default === true
          ? `--no-${option.name}`
          : `--${option.name}`
        : option.type === "list"
          ? `--${option.name} <${value}...>`
          : `--${option.name} <${value}>`;
    const created = new Option(flags, option.description);
    const choices = spec.cli?.choices ?? spec.choices;
    if (choices) created.choices(choices);
    if (option.type === "multiline") created.argParser(collect);
    if (option.required) created.makeOptionMandatory();
    if (option.default !== undefined && option.type !== "boolean" && option.default !== "")
      created.default(option.default);
    else if (option.default === "") created.default("");
    command.addOption(created);
    if (spec.cliAlias) {
      const alias = new Option(
        option.type === "list" ? `--${spec.cliAlias} <${value}...>` : `--${spec.cliAlias} <${value}>`,
      ).hideHelp();
      if (option.type === "multiline") alias.argParser(collect);
      command.addOption(alias);
      // the old spelling fills the declared key
      command.hook("preAction", (_, actionCommand) => {
        const aliasKey = camelCase(spec.cliAlias!);
        const given = actionCommand.getOptionValue(aliasKey) as unknown;
        if (given === undefined) return;
        const current = actionCommand.getOptionValue(option.key) as unknown;
        const merged = isArray(given) ? [...(isArray(current) ? current : []), ...given] : given;
        actionCommand.setOptionValue(option.key, merged);
        actionCommand.setOptionValue(aliasKey, undefined);
      });
    }
  }
  return command;
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];
const isArray = (value: unknown): value is unknown[] => Array.isArray(value);
const camelCase = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** An error as the CLI words it: options are named as flags (`--budget-minutes`), not action inputs. */
function cliMessage(error: LanceBenchError): string {
  if (error instanceof ConfigurationError && error.input !== undefined) return `--${error.input}: ${error.problem}`;
  return error.message;
}

/** Commander's "error: unknown option '--x'" in the CLI's own shape: "lance-bench: error: …". */
function usageError(text: string): string {
  return `lance-bench: ${text.trimEnd()}\n`;
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
