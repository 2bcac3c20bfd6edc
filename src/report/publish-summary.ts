import { markdownTable, scaleMeasurement, textTable } from "./format.js";

export interface PublishedBenchmark {
  name: string;
  metric: string;
  median: number;
  units: string;
  n: number;
}

const HEADER = ["benchmark", "median", "unit", "n"];

function rows(benchmarks: readonly PublishedBenchmark[]): string[][] {
  return benchmarks.map((b) => [b.name, ...scaleMeasurement(b.median, b.units), String(b.n)]);
}

export function publishTextTable(benchmarks: readonly PublishedBenchmark[]): string {
  return textTable(HEADER, rows(benchmarks));
}

export function publishMarkdownTable(benchmarks: readonly PublishedBenchmark[]): string {
  return markdownTable(HEADER, rows(benchmarks));
}
