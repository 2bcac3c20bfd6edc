/**
 * Synthetic series for the dashboard: medians with noise, an IQR band around them, and
 * change points planted where the level steps (constructed directly, not detected).
 */
import { createHash } from "node:crypto";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { ChangePoint, SeriesPoint, SeriesReport } from "../../src/model/report.js";

export interface Plant {
  index: number;
  /** Relative step of the level, e.g. 0.2 for +20%. */
  step: number;
}

export interface SyntheticSeries {
  benchmark: string;
  metric?: string;
  units?: string;
  testBed?: string;
  direction?: "lower_is_better" | "higher_is_better";
  points: number;
  level?: number;
  noise?: number;
  plants?: Plant[];
}

export const commitSha = (i: number) => createHash("sha1").update(`commit ${i}`).digest("hex");
/** Commit i's time: one commit a day, ending a day before `END`. */
export const END = 1_780_000_000;
export const commitTime = (i: number, total: number) => END - (total - i) * 86_400;

export function syntheticReport(s: SyntheticSeries, total = s.points, seed = 1): SeriesReport {
  const rng = xoroshiro128plus(seed);
  const uniform = () => ((rng.next() >>> 0) + 0.5) / 4294967296;
  const gauss = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const level0 = s.level ?? 100;
  const noise = s.noise ?? 0.01;
  const plants = [...(s.plants ?? [])].sort((a, b) => a.index - b.index);
  const direction = s.direction ?? "lower_is_better";
  const offset = total - s.points;
  const points: SeriesPoint[] = [];
  let level = level0;
  for (let i = 0; i < s.points; i++) {
    for (const p of plants) if (p.index === i) level *= 1 + p.step;
    const median = level * (1 + noise * gauss());
    const spread = level * noise * (0.5 + uniform());
    points.push({
      sha: commitSha(offset + i),
      time: commitTime(offset + i, total),
      version: `0.1.0+${commitSha(offset + i).slice(0, 7)}`,
      median,
      q1: median - spread / 2,
      q3: median + spread / 2,
      n: 10,
    });
  }
  let before = level0;
  const changePoints: ChangePoint[] = plants.map((p) => {
    const after = before * (1 + p.step);
    const worse = direction === "lower_is_better" ? p.step > 0 : p.step < 0;
    const cp: ChangePoint = {
      index: p.index,
      lastGoodSha: points[p.index - 1]!.sha,
      firstBadSha: points[p.index]!.sha,
      before,
      after,
      relativeChange: p.step,
      interval: [Math.min(p.step * 0.8, p.step * 1.2), Math.max(p.step * 0.8, p.step * 1.2)],
      verdict: worse ? "regression" : "improvement",
      pValue: 0.001,
      confidence: 0.999,
    };
    before = after;
    return cp;
  });
  const metric = s.metric ?? "time";
  const testBed = s.testBed ?? "ubuntu-24.04 x64";
  return {
    series: {
      key: `${s.benchmark}\u0000${metric}\u0000${testBed}`,
      benchmark: s.benchmark,
      metric,
      units: s.units ?? "ms",
      direction,
      fingerprint: testBed,
      testBed,
      points,
    },
    changePoints,
  };
}
