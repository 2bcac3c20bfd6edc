import type { Result } from "../../src/model/index.js";
import { ResultStore } from "../../src/store/results-table.js";
import { SHA_A } from "../support/helpers.js";

/** Short retries: the races staged in these tests are meant to be lost and retried quickly. */
export const RACE_RETRY = { attempts: 6, baseDelayMs: 20 };

/** `count` distinct rows of one publisher (ids are unique across publishers). */
export function rowsOf(publisher: number, count: number): Result[] {
  const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
  return Array.from({ length: count }, (_, i) => ({
    id: `${hex(publisher, 8)}-0000-4000-8000-${hex(i, 12)}`,
    dut: { name: "demo", version: "1.0.0+aaaaaaa", timestamp: 1700000000 },
    test_bed: { name: `runner-${publisher}`, cpu: "cpu", memory_gb: 8, os: "linux", created_at: 1700000000 },
    benchmark_name: `bench_${i}`,
    values: [1000 + i],
    summary: { min: 1, q1: 1, median: 1, q3: 1, max: 1, mean: 1, standard_deviation: 0 },
    units: "nanoseconds",
    throughput: null,
    metadata: "{}",
    timestamp: 1700000000,
    sha: SHA_A,
    metric: "time",
    direction: "lower_is_better",
    params: null,
    source_format: "bencher",
    status: "ok",
    status_reason: null,
    run: {
      provider: "local",
      repository: "",
      workflow: "",
      run_id: `run-${publisher}`,
      run_attempt: 1,
      ref: "",
      pr_number: null,
    },
    fingerprint: `fp-${publisher}`,
  }));
}

/** Every stored id, read back through a fresh store. */
export async function storedIds(uri: string): Promise<string[]> {
  const store = await ResultStore.open({ uri, retry: RACE_RETRY });
  try {
    return (await store.query()).map((row) => String(row.id));
  } finally {
    store.close();
  }
}

/** A one-shot signal; waiting on it gives up after `ms` so a changed request pattern fails, not hangs. */
export function signal(name: string, fired: string[]) {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  let done = false;
  return {
    fire() {
      if (done) return;
      done = true;
      fired.push(name);
      resolve();
    },
    wait: (ms = 20_000) => Promise.race([promise, new Promise<void>((r) => setTimeout(r, ms).unref())]),
  };
}
