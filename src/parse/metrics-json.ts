import { z } from "zod";
import { ResultFileError } from "../model/index.js";
import { checkShape } from "./common.js";
import { findJsonObject, skippedRecord, type CommandOutput } from "./command-output.js";

/**
 * lance-bench's own metrics format, for any program (README: "The metrics JSON format"):
 *
 *     {"metrics": [{"name": "rows_per_sec", "value": 123.4, "unit": "rows/s", "direction": "higher_is_better"},
 *                  {"name": "latency", "values": [1.2, 1.3], "unit": "ms", "direction": "lower_is_better",
 *                   "benchmark": "query"}],
 *      "status": "ok"}
 *
 * `value` or `values` (samples of this run); `benchmark` defaults to the command's benchmark
 * name. `"status": "skipped", "reason": …` marks a run that could not run here (no metrics
 * needed).
 */

const MetricName = z
  .string()
  .trim()
  .min(1, "is empty")
  .max(200, "is longer than 200 characters")
  .regex(/^[A-Za-z0-9_./:%-]+$/, "may hold letters, digits and _ . / : % - only");

const MetricEntry = z
  .object({
    name: MetricName,
    value: z.number().finite().optional(),
    values: z.array(z.number().finite()).min(1).optional(),
    unit: z.string().trim().min(1).max(64),
    direction: z.enum(["lower_is_better", "higher_is_better"]),
    benchmark: z.string().trim().min(1).max(2048).optional(),
  })
  .strict()
  .refine((m) => (m.value === undefined) !== (m.values === undefined), "needs value or values (one of them)");

const MetricsDocument = z.object({
  metrics: z.array(MetricEntry).min(1, "is empty: a run that measured nothing reports status skipped"),
  status: z.literal("ok").optional(),
});

export function parseMetricsJson(stdout: string, origin: string): CommandOutput {
  const { value, line } = findJsonObject(stdout, origin);
  const where = `line ${line}`;
  const skipped = skippedRecord(value, origin, where);
  if (skipped) return skipped;
  const document = checkShape(MetricsDocument, value, origin, where);
  const seen = new Set<string>();
  return {
    status: "ok",
    metrics: document.metrics.map((m, index) => {
      const key = `${m.benchmark ?? ""}\u0000${m.name}`;
      if (seen.has(key))
        throw new ResultFileError(origin, `${where}, field metrics[${index}]`, `"${m.name}" appears twice`);
      seen.add(key);
      return {
        ...(m.benchmark === undefined ? {} : { benchmark: m.benchmark }),
        metric: m.name,
        values: m.values ?? [m.value!],
        units: m.unit,
        direction: m.direction,
      };
    }),
  };
}
