import { describe, expect, it } from "vitest";
import { resolveResultsContext, toFailedResults, toResults } from "../../src/commands/results-context.js";
import { runRole } from "../../src/commands/run-common.js";
import { parseInputs } from "../../src/parse/index.js";
import { SHA_A, sample } from "../support/helpers.js";

const CI = { GITHUB_ACTIONS: "true", GITHUB_RUN_ID: "77", GITHUB_REPOSITORY: "o/r", GITHUB_REF: "refs/heads/main" };

async function measured() {
  const parsed = await parseInputs([sample("cargo-criterion.jsonl")]);
  const context = await resolveResultsContext(
    { sha: SHA_A, dutVersion: "0.3.1+aaaaaaa", dutTimestamp: 1700000000, dutName: "fixture", testbedName: "bench-1" },
    parsed.measurements,
    parsed.toolchain,
    CI,
  );
  return { measurements: parsed.measurements, context };
}

describe("result ids of repeated runs", () => {
  it("gives each repetition of the head its own id; the first keeps a single run's", async () => {
    const { measurements, context } = await measured();
    const ids = (role: ReturnType<typeof runRole>) => toResults(measurements, context, role).map((r) => r.id);
    const plan = { repetitions: 3 };
    expect(runRole({ repetitions: 1 }, 1, "head")).toBeUndefined();
    const single = ids(undefined);
    const runs = [1, 2, 3].map((r) => ids(runRole(plan, r, "head")));
    expect(runs[0]).toEqual(single);
    expect(new Set(runs.flat()).size).toBe(3 * single.length);
    // deterministic: the same run measured again has the same ids
    expect(ids(runRole(plan, 2, "head"))).toEqual(runs[1]);
    const metadata = toResults(measurements, context, runRole(plan, 2, "head")).map((r) => JSON.parse(r.metadata));
    expect(metadata.every((m) => m.repetition === 2 && m.ab_role === undefined)).toBe(true);
    // a single run's metadata says nothing of repetitions
    expect(JSON.parse(toResults(measurements, context)[0]!.metadata).repetition).toBeUndefined();
  });

  it("keeps a same-runner A/B's ids and metadata as they were: every repetition numbered, sides apart", async () => {
    const { measurements, context } = await measured();
    const plan = { baseSha: SHA_A, repetitions: 3 };
    const head1 = toResults(measurements, context, runRole(plan, 1, "head"));
    expect(head1.map((r) => r.id)).not.toEqual(toResults(measurements, context).map((r) => r.id));
    expect(JSON.parse(head1[0]!.metadata)).toMatchObject({ ab_repetition: 1, ab_role: "head" });
  });

  it("numbers failed records the same way, apart from measured ones", async () => {
    const { context } = await measured();
    const failure = {
      benchmarkName: "t::x",
      reason: "boom",
      metric: "time",
      units: "nanoseconds",
      direction: "lower_is_better" as const,
      sourceFormat: "pytest" as const,
      metadata: {},
    };
    const ids = [1, 2].map((r) => toFailedResults([failure], context, runRole({ repetitions: 2 }, r, "head"))[0]!.id);
    expect(ids[0]).toBe(toFailedResults([failure], context)[0]!.id);
    expect(ids[1]).not.toBe(ids[0]);
  });
});
