import type { Throughput } from "../model/index.js";

/**
 * Criterion's throughput kinds mapped onto the Python lance-bench's struct: `multiplier` is the amount
 * processed per iteration, `name` what is counted (the Python lance-bench stores cargo-criterion's `unit`
 * there), `unit_system` how a report scales it: "binary" (KiB, MiB) or "decimal" (KB, K
 * elements) — the two values of its `UnitSystem` enum.
 */
const KINDS: Readonly<Record<string, { name: string; unit_system: string }>> = {
  bytes: { name: "bytes", unit_system: "binary" },
  bytesdecimal: { name: "bytes", unit_system: "decimal" },
  bytes_decimal: { name: "bytes", unit_system: "decimal" },
  elements: { name: "elements", unit_system: "decimal" },
  bits: { name: "bits", unit_system: "decimal" },
};

/** `kind` as Criterion spells it (`Bytes`, `BytesDecimal`, `Elements`, or cargo-criterion's lower case). */
export function criterionThroughput(kind: string, perIteration: number): Throughput {
  const known = KINDS[kind.toLowerCase()] ?? { name: kind.toLowerCase(), unit_system: "decimal" };
  return { multiplier: perIteration, ...known };
}
