import { z } from "zod";
import { Direction } from "./metric.js";

/**
 * `.lance-bench.yml` in the target repository: comparison settings that are reviewed in pull
 * requests like code, instead of living in a server. Unknown keys are errors (a typo such as
 * `treshold` must not silently fall back to the default).
 *
 *     compare:
 *       threshold: 2%          # smallest change worth flagging (or 0.02)
 *       fdr: 0.05              # Benjamini-Hochberg level across the suite
 *       min-samples: 5         # runs a side from which the rank test replaces the t test
 *       history: 20            # recent main results used for noise and the history baseline
 *       benchmarks:            # later rules override earlier ones, field by field
 *         - match: "sort/**"   # a glob over benchmark names; `**` also crosses "/"
 *           threshold: 5%
 *         - match: "json_dumps*"
 *           mute: true
 *           reason: bimodal on shared runners
 *     metrics:                 # what a benchmark's samples are, when not seconds (same rules)
 *       - match: "python/ci_benchmarks/benchmarks/test_random_access.py::*"
 *         unit: operations     # pytest-benchmark's custom timer counts operations
 *         direction: higher_is_better
 *         metric: iops         # optional (default: time for a time unit, else the unit)
 */

/** `2%`, `0.5 %` or a plain fraction such as `0.02`. */
const Fraction = z.union([
  z.number().min(0).max(10),
  z
    .string()
    .regex(/^\s*\d+(?:\.\d+)?\s*%\s*$/, 'must be a percentage such as "2%" or a fraction such as 0.02')
    .transform((text) => Number(text.trim().replace("%", "").trim()) / 100),
]);

export const BenchmarkRule = z.strictObject({
  match: z.string().min(1),
  threshold: Fraction.optional(),
  mute: z.boolean().optional(),
  reason: z.string().max(500).optional(),
});
export type BenchmarkRule = z.infer<typeof BenchmarkRule>;

export const CompareConfig = z.strictObject({
  threshold: Fraction.default(0.02),
  fdr: z.number().gt(0).lt(1).default(0.05),
  "min-samples": z.number().int().min(3).max(10_000).default(5),
  confidence: z.number().gt(0.5).lt(1).default(0.95),
  // 1,000 resamples: enough for a 95% percentile interval (Efron & Tibshirani), and half the time of 2,000
  "bootstrap-resamples": z.number().int().min(100).max(100_000).default(1000),
  history: z.number().int().min(0).max(1000).default(20),
  benchmarks: z.array(BenchmarkRule).default([]),
});
export type CompareConfig = z.infer<typeof CompareConfig>;

/**
 * What the samples of matching benchmarks are. `unit` is the unit the tool's numbers are in
 * (pytest-benchmark: the unit of the benchmark's timer); a time unit (ns, us, ms, s, …) is
 * stored in nanoseconds, any other unit as it is.
 */
export const MetricRule = z.strictObject({
  match: z.string().min(1),
  unit: z.string().trim().min(1).max(64).optional(),
  direction: Direction.optional(),
  metric: z.string().trim().min(1).max(64).optional(),
});
export type MetricRule = z.infer<typeof MetricRule>;

export const RepoConfig = z.strictObject({
  compare: CompareConfig.default(CompareConfig.parse({})),
  metrics: z.array(MetricRule).default([]),
});
export type RepoConfig = z.infer<typeof RepoConfig>;

export const DEFAULT_CONFIG: RepoConfig = RepoConfig.parse({});
