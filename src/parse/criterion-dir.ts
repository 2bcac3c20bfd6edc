import { readdir } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { ResultFileError, TIME_METRIC, TIME_UNIT, type Measurement } from "../model/index.js";
import { checkSamples, checkShape, parseJson, readText } from "./common.js";
import { criterionThroughput } from "./throughput.js";

/**
 * Criterion's own files after a plain `cargo bench`:
 * `target/criterion/<group>/<bench>[/<param>]/new/{benchmark,sample,estimates}.json`.
 * `sample.json` holds `iters[i]` iterations taking `times[i]` ns in total (0.3 added a
 * `sampling_mode` field; 0.3–0.8 otherwise share the layout). `base/` holds the previous
 * run and `report/` the HTML, so only `new/` is read.
 */

/**
 * Criterion's `Throughput`, one variant and its amount per iteration: `{"Bytes": 4096}`;
 * 0.8 added `{"ElementsAndBytes": {"elements": N, "bytes": M}}`, whose elements are the
 * primary figure (the one Criterion names the benchmark by).
 */
const ThroughputAmount = z.union([
  z.number().nonnegative(),
  z.object({ elements: z.number().nonnegative(), bytes: z.number().nonnegative() }).passthrough(),
]);

const BenchmarkId = z
  .object({
    group_id: z.string(),
    function_id: z.string().nullish(),
    value_str: z.string().nullish(),
    throughput: z.record(z.string(), ThroughputAmount).nullish(),
    full_id: z.string().min(1),
    directory_name: z.string().optional(),
  })
  .passthrough();

const Sample = z
  .object({
    sampling_mode: z.string().optional(),
    iters: z.array(z.number().positive("must be > 0")).min(1, "no samples"),
    times: z.array(z.number()).min(1, "no samples"),
  })
  .passthrough();

const Estimates = z.record(z.string(), z.unknown());

/** Every `new/benchmark.json` below `root`, sorted so results come out in a stable order. */
export async function findCriterionBenchmarks(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true });
  return entries
    .map((entry) => entry.split(path.sep).join("/"))
    .filter((entry) => entry === "new/benchmark.json" || entry.endsWith("/new/benchmark.json"))
    .filter((entry) => !entry.split("/").includes("report"))
    .sort()
    .map((entry) => path.join(root, entry));
}

async function readJsonFile<T extends z.ZodType>(file: string, schema: T): Promise<z.infer<T>> {
  return checkShape(schema, parseJson(await readText(file), file), file);
}

export async function parseCriterionDir(root: string): Promise<Measurement[]> {
  const benchmarkFiles = await findCriterionBenchmarks(root);
  if (benchmarkFiles.length === 0) {
    throw new ResultFileError(
      root,
      undefined,
      "no Criterion results found (expected <name>/new/benchmark.json below it)",
    );
  }
  const measurements: Measurement[] = [];
  for (const benchmarkFile of benchmarkFiles) {
    const dir = path.dirname(benchmarkFile);
    const sampleFile = path.join(dir, "sample.json");
    const id = await readJsonFile(benchmarkFile, BenchmarkId);
    const sample = await readJsonFile(sampleFile, Sample);
    const estimates = await readJsonFile(path.join(dir, "estimates.json"), Estimates);
    if (sample.iters.length !== sample.times.length) {
      throw new ResultFileError(
        sampleFile,
        "field times",
        `has ${sample.times.length} values but iters has ${sample.iters.length}`,
      );
    }
    checkSamples(sample.times, sampleFile, "field times");
    const throughputEntry = id.throughput ? Object.entries(id.throughput)[0] : undefined;
    const { times: _times, ...sampleRaw } = sample;
    measurements.push({
      benchmarkName: id.full_id,
      values: sample.times.map((total, i) => total / sample.iters[i]!),
      units: TIME_UNIT,
      metric: TIME_METRIC,
      direction: "lower_is_better",
      throughput: throughputOf(throughputEntry),
      params: id.value_str ? { parameter: id.value_str } : null,
      sourceFormat: "criterion-dir",
      metadata: { benchmark: id, sample: sampleRaw, estimates },
      origin: benchmarkFile,
    });
  }
  return measurements;
}

function throughputOf(entry: [string, z.infer<typeof ThroughputAmount>] | undefined) {
  if (entry === undefined) return null;
  const [kind, amount] = entry;
  return typeof amount === "number"
    ? criterionThroughput(kind, amount)
    : criterionThroughput("elements", amount.elements);
}
