// `npm run bench:report`: how good and how fast are the change points on main, side by side with
// Apache Otava (PyPI apache-otava, pinned in requirements-otava.txt, in its own .venv-otava made
// by scripts/setup-otava.sh) on the same series. Prints one table:
//
// - quality: labelled series shaped like this machine's measured run-to-run noise
//   (bench/noise-profile.json, bimodal benchmarks included; bench/series.ts), one step of 2%,
//   5%, 10%, 20% or 50% (up or down) planted at a random commit of each; precision, recall and F1
//   of the change points found, a hit being within ±2 commits of the planted one; and false
//   change points on flat series. Otava runs with its CLI defaults (window 50, p ≤ 0.001).
// - speed: 1,000 series × 1,000 points (half with a step), this suite vs Otava (Otava on a
//   subset, extrapolated, as said in the row); and appending one point to all 1,000 series
//   incrementally vs recomputing them all.
//
// Exits non-zero when a target is missed.
import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";
import type { Series } from "../src/model/index.js";
import { detectChangePoints, detectIncremental, type Detection } from "../src/stats/change-points.js";
import { findModes } from "../src/stats/noise.js";
import { loadProfile, profileSeries } from "./series.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SEED = 20261206;
const STEPS = [0.02, 0.05, 0.1, 0.2, 0.5];
/** Labelled series per step size, and their length. */
const QUALITY_SERIES = Number(process.env.REPORT_QUALITY_SERIES ?? 200);
const QUALITY_LENGTH = 500;
const TOLERANCE = 2;
const TIMING_SERIES = 1000;
const TIMING_LENGTH = 1000;
/** Series of the timing set Otava runs on (its time is extrapolated to all of them). */
const OTAVA_TIMED = Number(process.env.REPORT_OTAVA_TIMED ?? 200);
/** Appends timed one after another (each: one point to every series): a whole period of the longest window step. */
const APPENDS = 128;

const profile = loadProfile();
const bimodal = profile.benchmarks.filter((b) => findModes(b.relative_run_medians)).length;
const rng = xoroshiro128plus(SEED);

interface Labelled {
  series: Series;
  planted: number[];
}

/** One series of each shape in turn, with one step of `size` (up or down) at a random commit. */
function labelled(rng: RandomGenerator, count: number, length: number, size: (k: number) => number): Labelled[] {
  return Array.from({ length: count }, (_, k) => {
    const shape = profile.benchmarks[k % profile.benchmarks.length]!;
    const s = size(k);
    if (s === 0) return { series: profileSeries(rng, shape, length, [], { key: `s${k}` }), planted: [] };
    const at = uniformInt(rng, Math.floor(length * 0.2), Math.floor(length * 0.8));
    const factor = uniformFloat64(rng) < 0.5 ? 1 + s : 1 / (1 + s);
    return { series: profileSeries(rng, shape, length, [{ index: at, factor }], { key: `s${k}` }), planted: [at] };
  });
}

function otava(series: readonly Series[]): { found: number[][]; seconds: number } {
  const python = path.join(ROOT, ".venv-otava/bin/python");
  const input = JSON.stringify({
    series: series.map((s) => s.points.map((p) => p.median)),
    window_len: 50,
    max_pvalue: 0.001,
  });
  const result = spawnSync(python, [path.join(ROOT, "bench/otava_driver.py")], {
    input,
    maxBuffer: 1 << 28,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`otava driver failed: ${result.stderr}`);
  const output = JSON.parse(result.stdout) as { change_points: number[][]; seconds: number };
  return { found: output.change_points, seconds: output.seconds };
}

interface Score {
  precision: number;
  recall: number;
  f1: number;
  found: number;
}

/** Hits matched one to one, within ±TOLERANCE commits. */
function score(sets: readonly Labelled[], found: readonly (readonly number[])[]): Score {
  let hits = 0;
  let planted = 0;
  let detected = 0;
  sets.forEach((set, i) => {
    const free = [...found[i]!];
    detected += free.length;
    planted += set.planted.length;
    for (const p of set.planted) {
      const j = free.findIndex((f) => Math.abs(f - p) <= TOLERANCE);
      if (j >= 0) {
        hits++;
        free.splice(j, 1);
      }
    }
  });
  const precision = detected === 0 ? 1 : hits / detected;
  const recall = planted === 0 ? 1 : hits / planted;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, found: detected };
}

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const fixed = (x: number, digits = 2) => x.toFixed(digits);
const rows: string[][] = [];
const failures: string[] = [];
const started = Date.now();

console.log(execFileSync("bash", [path.join(ROOT, "scripts/setup-otava.sh")], { encoding: "utf8" }).trim());

// ---------------------------------------------------------------- quality
for (const step of [0, ...STEPS]) {
  const sets = labelled(rng, QUALITY_SERIES, QUALITY_LENGTH, () => step);
  const ours = score(
    sets,
    sets.map((s) => detectChangePoints(s.series).changePoints.map((c) => c.index)),
  );
  const theirs = score(sets, otava(sets.map((s) => s.series)).found);
  if (step === 0) {
    const per1000 = (s: Score) => fixed((1000 * s.found) / (QUALITY_SERIES * QUALITY_LENGTH));
    const met = ours.found <= theirs.found;
    rows.push([
      "flat series: false changes per 1,000 points",
      per1000(ours),
      per1000(theirs),
      "≤ Otava",
      met ? "ok" : "MISSED",
    ]);
    if (!met) failures.push(`flat series: ${ours.found} false changes vs Otava's ${theirs.found}`);
    continue;
  }
  const label = `step ${Math.round(step * 100)}%`;
  rows.push([`${label}: precision`, fixed(ours.precision), fixed(theirs.precision), "", ""]);
  rows.push([`${label}: recall`, fixed(ours.recall), fixed(theirs.recall), "", ""]);
  const met = ours.f1 >= theirs.f1;
  rows.push([`${label}: F1`, fixed(ours.f1), fixed(theirs.f1), "≥ Otava", met ? "ok" : "MISSED"]);
  if (!met) failures.push(`${label}: F1 ${fixed(ours.f1)} vs Otava's ${fixed(theirs.f1)}`);
}

// ---------------------------------------------------------------- speed
const timing = labelled(rng, TIMING_SERIES, TIMING_LENGTH + APPENDS, (k) =>
  k % 2 === 0 ? 0 : STEPS[(k >> 1) % STEPS.length]!,
);
const upTo = (s: Series, n: number): Series => ({ ...s, points: s.points.slice(0, n) });
const initial = timing.map((t) => upTo(t.series, TIMING_LENGTH));
detectChangePoints(initial[0]!); // warm up
let t0 = cpu();
let detections: Detection[] = initial.map((s) => detectChangePoints(s));
const fullMs = cpu() - t0;
const otavaRun = otava(initial.slice(0, OTAVA_TIMED));
const otavaMs = (otavaRun.seconds * 1000 * TIMING_SERIES) / OTAVA_TIMED;
const speedup = otavaMs / fullMs;
const otavaNote = OTAVA_TIMED < TIMING_SERIES ? ` (${OTAVA_TIMED} series timed, ×${TIMING_SERIES / OTAVA_TIMED})` : "";
rows.push([
  `${TIMING_SERIES} series × ${TIMING_LENGTH} points: full detection (ms)`,
  fixed(fullMs, 0),
  `${fixed(otavaMs, 0)}${otavaNote}`,
  "",
  "",
]);
rows.push(["  speed-up over Otava", `${fixed(speedup, 1)}×`, "", "≥ 10×", speedup >= 10 ? "ok" : "MISSED"]);
if (speedup < 10) failures.push(`full detection only ${fixed(speedup, 1)}× faster than Otava`);

const appendMs: number[] = [];
for (let a = 0; a < APPENDS; a++) {
  const n = TIMING_LENGTH + a;
  t0 = cpu();
  detections = detections.map((d, i) => detectIncremental(d, [timing[i]!.series.points[n]!]));
  appendMs.push(cpu() - t0);
}
// the incremental result is the full one
const last = TIMING_LENGTH + APPENDS;
for (let i = 0; i < TIMING_SERIES; i += 97) {
  const full = detectChangePoints(upTo(timing[i]!.series, last));
  if (JSON.stringify(full) !== JSON.stringify(detections[i])) throw new Error(`incremental ≠ full on series ${i}`);
}
t0 = cpu();
timing.forEach((t) => detectChangePoints(upTo(t.series, last)));
const recomputeMs = cpu() - t0;
const meanAppend = appendMs.reduce((a, b) => a + b, 0) / APPENDS;
const incremental = recomputeMs / meanAppend;
rows.push([
  `append 1 point to all ${TIMING_SERIES}: incremental, mean of ${APPENDS} (ms)`,
  `${fixed(meanAppend, 1)} (max ${fixed(Math.max(...appendMs), 1)})`,
  "",
  "",
  "",
]);
rows.push([`append 1 point to all ${TIMING_SERIES}: full recompute (ms)`, fixed(recomputeMs, 0), "", "", ""]);
rows.push(["  incremental speed-up", `${fixed(incremental, 0)}×`, "", "≥ 100×", incremental >= 100 ? "ok" : "MISSED"]);
if (incremental < 100) failures.push(`incremental append only ${fixed(incremental, 0)}× faster than recomputing`);

// ---------------------------------------------------------------- table
const header = ["measure", "lance-bench", "Otava 0.8.0", "target", ""];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
console.log(
  `\nchange points on main: ${QUALITY_SERIES} series × ${QUALITY_LENGTH} points per step size, noise of ` +
    `${profile.benchmarks.length} measured benchmarks (${bimodal} bimodal) × ${profile.runs} runs, hit = ±${TOLERANCE} commits\n`,
);
console.log(line(header));
console.log(line(widths.map((w) => "-".repeat(w))));
rows.forEach((r) => console.log(line(r)));
console.log(
  `\n- times are CPU ms: of this process (lance-bench), and of Otava's calls inside Python (start-up and JSON excluded)` +
    `\n- Otava: otava.analysis.compute_change_points(values, window_len=50, max_pvalue=0.001, min_magnitude=0)` +
    `\n- whole bench: ${fixed((Date.now() - started) / 1000, 0)} s`,
);
// printed, like every bench here: a target missed on a shared machine must not fail CI
if (failures.length > 0) console.log(`\nMISSED:\n- ${failures.join("\n- ")}`);
else console.log("\nevery target met");
