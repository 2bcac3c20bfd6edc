import { ResultFileError, TIME_METRIC, TIME_UNIT, type Measurement } from "../model/index.js";
import { checkSamples } from "./common.js";
import type { NumberedLine } from "./stream.js";

/**
 * libtest's bencher lines, as `cargo bench -- --output-format bencher` prints them for both
 * `#[bench]` and Criterion:
 *
 *     test sort/100 ... bench:       1,234 ns/iter (+/- 56)
 *     test parse    ... bench:         567.89 ns/iter (+/- 1.2) = 800 MB/s
 *
 * Each line holds one number (the median over libtest's samples) and its spread (max − min),
 * so a record has a single value; the spread is kept in `metadata`.
 *
 * Both patterns use the `s` flag: lines are already split on "\n", and without it `.` stops at
 * U+2028/U+2029, which are legal in a benchmark name (found by the fuzz test).
 */
const BENCH_LINE =
  /^test (\S(?:.*\S)?)\s+\.\.\. bench:\s+([\d,]+(?:\.\d+)?) ns\/iter \(\+\/- ([\d,]+(?:\.\d+)?)\)(?: = ([\d,]+(?:\.\d+)?) MB\/s)?\s*$/s;
/** A line that claims to be a bench result; if it does not match BENCH_LINE it is corrupt. */
export const LOOKS_LIKE_BENCH = /^test \S.*\s\.\.\. bench:/s;

/** Whether captured output holds any bench line (format detection, `cargo bench` output). */
export const hasBenchLines = (text: string): boolean => text.split("\n").some((line) => LOOKS_LIKE_BENCH.test(line));

const toNumber = (text: string): number => Number(text.replaceAll(",", ""));

export async function parseBencher(
  lines: AsyncIterable<NumberedLine> | Iterable<NumberedLine>,
  file: string,
): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  for await (const [line, lineNumber] of lines) {
    if (!LOOKS_LIKE_BENCH.test(line)) continue;
    const match = BENCH_LINE.exec(line);
    if (!match) {
      throw new ResultFileError(
        file,
        `line ${lineNumber}`,
        `malformed bench line (expected "test NAME ... bench: N ns/iter (+/- D)"): ${line.slice(0, 200)}`,
      );
    }
    const [, name, median, deviation, megabytesPerSecond] = match;
    checkSamples([toNumber(median!)], file, `line ${lineNumber}, ns/iter`);
    measurements.push({
      benchmarkName: name!,
      values: [toNumber(median!)],
      units: TIME_UNIT,
      metric: TIME_METRIC,
      direction: "lower_is_better",
      throughput: null,
      params: null,
      sourceFormat: "bencher",
      metadata: {
        line: line.trim(),
        ns_per_iter: toNumber(median!),
        deviation_ns: toNumber(deviation!),
        ...(megabytesPerSecond ? { mb_per_s: toNumber(megabytesPerSecond) } : {}),
      },
      origin: `${file}:${lineNumber}`,
    });
  }
  if (measurements.length === 0) {
    throw new ResultFileError(
      file,
      undefined,
      'no bench lines found (expected "test NAME ... bench: N ns/iter (+/- D)")',
    );
  }
  return measurements;
}
