// Labelled series of run medians shaped like this machine's measured noise
// (bench/noise-profile.json, `npm run bench:noise`): each run's median is one of a fixture
// benchmark's measured run medians (relative to their median), so run-to-run spread and
// bimodality are the real ones, jittered by the run's sampling error; the within-run IQR is the
// measured within-run CV's. Used by bench/report.ts and test/stats/change-points.test.ts.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";
import type { Direction, Series, SeriesPoint } from "../src/model/index.js";

export interface ProfileBenchmark {
  suite: string;
  name: string;
  within_run_cv: number;
  samples_per_run: number;
  relative_run_medians: number[];
}

export interface NoiseProfile {
  measured_at: string;
  runs: number;
  benchmarks: ProfileBenchmark[];
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function loadProfile(): NoiseProfile {
  return JSON.parse(readFileSync(path.join(ROOT, "bench/noise-profile.json"), "utf8")) as NoiseProfile;
}

export function gaussian(rng: RandomGenerator): number {
  // Box-Muller; 1 − u keeps the logarithm finite
  const u = 1 - uniformFloat64(rng);
  const v = uniformFloat64(rng);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A level change planted before point `index`: the level is multiplied by `factor` from there. */
export interface Step {
  index: number;
  factor: number;
}

export const shaOf = (i: number) => i.toString(16).padStart(40, "0");

/** One series of `length` runs with the noise of `shape` and the planted `steps`. */
export function profileSeries(
  rng: RandomGenerator,
  shape: ProfileBenchmark,
  length: number,
  steps: readonly Step[],
  options: { key?: string; level?: number; direction?: Direction } = {},
): Series {
  const level = options.level ?? 1000;
  const samples = Math.max(1, Math.round(shape.samples_per_run));
  const jitter = shape.within_run_cv / Math.sqrt(samples);
  const halfIqr = 0.6745 * shape.within_run_cv;
  const relative = shape.relative_run_medians;
  const points: SeriesPoint[] = [];
  let factor = 1;
  for (let i = 0; i < length; i++) {
    for (const step of steps) if (step.index === i) factor *= step.factor;
    const noise = relative[uniformInt(rng, 0, relative.length - 1)]! * Math.exp(jitter * gaussian(rng));
    const median = level * factor * noise;
    points.push({
      sha: shaOf(i),
      time: 1_700_000_000 + 3600 * i,
      version: `1.0.0+${shaOf(i).slice(-7)}`,
      median,
      q1: median * Math.exp(-halfIqr),
      q3: median * Math.exp(halfIqr),
      n: samples,
    });
  }
  const key = options.key ?? shape.name;
  return {
    key: `${key}\u0000time\u0000bench`,
    benchmark: key,
    metric: "time",
    units: "ns",
    direction: options.direction ?? "lower_is_better",
    fingerprint: "bench",
    testBed: "bench",
    points,
  };
}
