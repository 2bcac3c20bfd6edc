// The searches' own cost per probe (run with `npx tsx bench/search-overhead.ts`): running the
// probe wrapper, judging the constraints, aggregating and recording, with a probe that returns
// at once. Against a real benchmark run (seconds) it must be negligible: the target is < 0.1 ms
// per probe, i.e. < 0.005% of a 2-second probe.
import { performance } from "node:perf_hooks";
import { binarySearch, gridSearch, type SearchParams } from "../src/search/index.js";

const TARGET_MS_PER_PROBE = 0.1;
const probe = async (p: SearchParams) => {
  const n = Number(p.clients ?? 1) * Number(p.refine ?? 1);
  return { status: "ok" as const, metrics: { qps: 1000 * n, latency_p99: n / 10, recall_avg: 1 - 1 / (n + 1) } };
};

async function perProbe(label: string, search: () => Promise<{ runCount: number }>) {
  await search(); // warm-up
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < 1000) runs += (await search()).runCount;
  const ms = (performance.now() - start) / runs;
  console.log(
    `${label.padEnd(44)} ${(ms * 1000).toFixed(2).padStart(8)} µs/probe  ${ms < TARGET_MS_PER_PROBE ? "ok" : "SLOW"}`,
  );
  return ms < TARGET_MS_PER_PROBE;
}

const results = [
  await perProbe("grid 50×20, filter, repetitions 3", () =>
    gridSearch(probe, {
      grid: {
        clients: Array.from({ length: 50 }, (_, i) => i + 1),
        refine: Array.from({ length: 20 }, (_, i) => i + 1),
      },
      filter: "recall_avg >= 0.99 and latency_p99 <= 50",
      objective: { metric: "qps", direction: "maximize" },
      repetitions: 3,
    }),
  ),
  await perProbe("binary over [1, 1e9], two constraints", () =>
    binarySearch(probe, {
      parameter: "clients",
      lo: 1,
      hi: 1e9,
      constraints: "recall_avg >= 0.9 and latency_p99 <= 12345",
      objective: { metric: "qps", direction: "maximize" },
    }),
  ),
];
if (results.includes(false)) process.exitCode = 1;
