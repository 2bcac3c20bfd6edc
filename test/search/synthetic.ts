// Synthetic probes for the search tests: deterministic functions of the parameters, and noisy
// ones drawing from a seeded generator so a "random" test gives the same numbers every run.
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";
import type { Probe, ProbeOutcome, SearchParams } from "../../src/search/index.js";

/**
 * A probe from a plain function returning an outcome or just the metrics, counting its calls.
 * (The loose return type lets a test write `cond ? { status: "failed", … } : { qps }` inline.)
 */
export function countingProbe(
  metrics: (params: SearchParams) => ProbeOutcome | Readonly<Record<string, number | string | undefined>>,
) {
  const calls: SearchParams[] = [];
  const probe: Probe = async (params) => {
    calls.push(params);
    const result = metrics(params);
    return "status" in result && typeof result.status === "string"
      ? (result as ProbeOutcome)
      : { status: "ok", metrics: result as Record<string, number> };
  };
  return { probe, calls };
}

/** Standard normal draws (Box–Muller) from a seeded generator. */
export function gaussian(rng: RandomGenerator): number {
  const u = 1 - uniformFloat64(rng);
  const v = uniformFloat64(rng);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function seeded(seed: number): RandomGenerator {
  return xoroshiro128plus(seed);
}

/**
 * A load test over `clients`: p99 grows linearly with load, QPS saturates, recall is fixed by
 * the index (noise-free). Multiplicative noise of `sigma` on the timing metrics (Gaussian, or
 * uniform within ±sigma).
 */
export function loadModel(options: { sigma: number; seed: number; recall?: number; uniform?: boolean }) {
  const rng = seeded(options.seed);
  // Uniform noise is bounded by sigma (a worst case a tolerance can cover); Gaussian has tails.
  const error = () => (options.uniform ? 2 * uniformFloat64(rng) - 1 : gaussian(rng));
  const truth = (clients: number) => ({
    qps: 2000 * Math.min(clients, 150) - 2 * clients,
    latency_p99: 2 + 0.08 * clients,
    recall_avg: options.recall ?? 0.97,
  });
  const noisy = (clients: number) => {
    const t = truth(clients);
    return {
      qps: t.qps * (1 + options.sigma * error()),
      latency_p99: t.latency_p99 * (1 + options.sigma * error()),
      recall_avg: t.recall_avg,
    };
  };
  return { truth, ...countingProbe((p) => noisy(Number(p.clients))) };
}
