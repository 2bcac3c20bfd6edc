import { z } from "zod";
import { ResultFileError, NANOSECONDS_PER, TIME_METRIC, TIME_UNIT, type Measurement } from "../model/index.js";
import { checkSamples, checkShape, parseJson } from "./common.js";
import type { NumberedLine } from "./stream.js";
import { criterionThroughput } from "./throughput.js";

/**
 * `cargo criterion --message-format=json`: one JSON message per line. Only
 * `benchmark-complete` messages carry samples; `group-complete` and others are ignored.
 * `measured_values[i]` is the total time (ns) of `iteration_count[i]` iterations.
 */

const Estimate = z
  .object({ estimate: z.number(), lower_bound: z.number(), upper_bound: z.number(), unit: z.string() })
  .partial()
  .passthrough();

const BenchmarkComplete = z
  .object({
    reason: z.literal("benchmark-complete"),
    id: z.string().min(1),
    report_directory: z.string().optional(),
    iteration_count: z.array(z.number().positive("must be > 0")).min(1, "no samples"),
    measured_values: z.array(z.number()).min(1, "no samples"),
    unit: z.string().optional(),
    throughput: z.array(z.object({ per_iteration: z.number().nonnegative(), unit: z.string() })).optional(),
    typical: Estimate.optional(),
    mean: Estimate.optional(),
    median: Estimate.optional(),
    slope: Estimate.nullish(),
  })
  .passthrough();

const Message = z.object({ reason: z.string() }).passthrough();

export async function parseCriterionJson(
  lines: AsyncIterable<NumberedLine> | Iterable<NumberedLine>,
  file: string,
): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  for await (const [line, lineNumber] of lines) {
    if (line.trim() === "") continue;
    const where = `line ${lineNumber}`;
    const message = checkShape(Message, parseJson(line, file, lineNumber), file, where);
    if (message.reason !== "benchmark-complete") continue;
    const record = checkShape(BenchmarkComplete, message, file, where);
    const { measured_values: totals, iteration_count: iterations } = record;
    if (totals.length !== iterations.length) {
      throw new ResultFileError(
        file,
        `${where}, field measured_values`,
        `has ${totals.length} values but iteration_count has ${iterations.length}`,
      );
    }
    const scale = NANOSECONDS_PER[record.unit ?? "ns"];
    if (scale === undefined) {
      throw new ResultFileError(
        file,
        `${where}, field unit`,
        `"${record.unit}" is not a time unit this parser knows (ns, us, ms, s)`,
      );
    }
    checkSamples(totals, file, `${where}, field measured_values`);
    const { measured_values: _totals, ...raw } = record;
    measurements.push({
      benchmarkName: record.id,
      values: totals.map((total, i) => (total * scale) / iterations[i]!),
      units: TIME_UNIT,
      metric: TIME_METRIC,
      direction: "lower_is_better",
      throughput: record.throughput?.[0]
        ? criterionThroughput(record.throughput[0].unit, record.throughput[0].per_iteration)
        : null,
      params: null,
      sourceFormat: "criterion-json",
      metadata: raw,
      origin: `${file}:${lineNumber}`,
    });
  }
  return measurements;
}
