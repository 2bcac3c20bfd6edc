import { outputOrigin, type CommandOutput } from "./command-output.js";
import { parseMetricsJson } from "./metrics-json.js";
import { parseRedisBenchmarkCsv } from "./redis-benchmark.js";
import { parseStageModel } from "./stage-model.js";
import { parseValkeySearchJson } from "./valkey-search.js";

export type { CommandOutput, OutputMetric } from "./command-output.js";
export { StageCollector, parseStageSignal, type StageSignal } from "./stage-signals.js";

/** The formats run-command reads a command's stdout in; `none`: only what the suite measures itself. */
export const OUTPUT_FORMATS = [
  "none",
  "redis-benchmark-csv",
  "valkey-search-json",
  "stage-model",
  "metrics-json",
] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const PARSERS: Record<Exclude<OutputFormat, "none">, (stdout: string, origin: string) => CommandOutput> = {
  "redis-benchmark-csv": parseRedisBenchmarkCsv,
  "valkey-search-json": parseValkeySearchJson,
  "stage-model": parseStageModel,
  "metrics-json": parseMetricsJson,
};

/**
 * Reads what one run printed on stdout in `format`. A run's own skipped record is honoured in
 * every JSON format; bad output throws an `ResultFileError` naming the run, the format and the line.
 */
export function parseCommandOutput(format: OutputFormat, stdout: string, run: string): CommandOutput {
  if (format === "none") return { status: "ok", metrics: [] };
  return PARSERS[format](stdout, outputOrigin(run, format));
}
