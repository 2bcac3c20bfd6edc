import { markdownTable, scaleMeasurement, textTable } from "./format.js";

export interface PublishedBenchmark {
  name: string;
  metric: string;
  /** Null for a benchmark that failed (recorded without samples). */
  median: number | null;
  units: string;
  n: number;
  status?: "failed" | "skipped";
  reason?: string;
}

const HEADER = ["benchmark", "median", "unit", "n"];

function rows(benchmarks: readonly PublishedBenchmark[]): string[][] {
  return benchmarks.map((b) =>
    b.median === null
      ? [b.name, b.status ?? "failed", (b.reason ?? "").split("\n")[0]!.slice(0, 120), "0"]
      : [b.name, ...scaleMeasurement(b.median, b.units), String(b.n)],
  );
}

export function publishText(benchmarks: readonly PublishedBenchmark[]): string {
  return textTable(HEADER, rows(benchmarks));
}

export function publishMarkdown(benchmarks: readonly PublishedBenchmark[]): string {
  return markdownTable(HEADER, rows(benchmarks));
}
