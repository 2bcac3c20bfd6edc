import { writeFileSync } from "node:fs";

/*
 * The tests' one generator of cargo-criterion output (`cargo criterion --message-format=json`):
 * a `benchmark-complete` message per benchmark, `samples` samples of 1, 2, … iterations, each
 * sample's per-iteration time `level × (1 + noise(i))` nanoseconds.
 */

export interface CriterionOptions {
  /** Samples per benchmark (default 20). */
  samples?: number;
  /** The relative noise of sample `i` (default none). Called in order, benchmark after benchmark. */
  noise?: (sample: number) => number;
  /** The benchmark's level in this run, called once per benchmark before its samples (default: as given). */
  runLevel?: (level: number) => number;
}

/** One benchmark's message, as one JSON line. */
export function criterionMessage(id: string, level: number, options: CriterionOptions = {}): string {
  const { samples = 20, noise = () => 0, runLevel = (l: number) => l } = options;
  const iterations = Array.from({ length: samples }, (_, i) => i + 1);
  const at = runLevel(level);
  return JSON.stringify({
    reason: "benchmark-complete",
    id,
    iteration_count: iterations,
    measured_values: iterations.map((n, i) => n * at * (1 + noise(i))),
    unit: "ns",
  });
}

/** A file of one message per benchmark (`levels`: id → ns per iteration); returns its path. */
export function writeCriterionFile(
  file: string,
  levels: Record<string, number>,
  options: CriterionOptions = {},
): string {
  const lines = Object.entries(levels).map(([id, level]) => criterionMessage(id, level, options));
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}
