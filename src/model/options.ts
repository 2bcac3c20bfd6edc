import type { z } from "zod";
import { ConfigurationError } from "./errors.js";

/** `dutVersion` → `dut-version`: the spelling of both the CLI flag and the action input. */
export const inputName = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * Validates raw options (CLI flags or action inputs) once, at the edge. The first problem
 * becomes a `ConfigurationError` naming the input and the offending value.
 */
export function parseOptions<T extends z.ZodType>(schema: T, raw: Record<string, unknown>): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const key = issue.path[0];
  const value = typeof key === "string" ? raw[key] : undefined;
  const shown = value === undefined ? "" : `, got ${JSON.stringify(value)}`;
  const problem = `${describeIssue(issue)}${shown}`;
  if (typeof key !== "string") throw new ConfigurationError(`options: ${problem}`);
  throw ConfigurationError.forInput(inputName(key), problem);
}

/**
 * Zod's messages speak of types ("Invalid input: expected number, received NaN"); a person
 * typing a flag wants to hear what the value should have been.
 */
function describeIssue(issue: z.core.$ZodIssue): string {
  // A schema's own message says it best; only zod's defaults are reworded.
  if (!/^(Invalid input|Invalid option|Too small|Too big)\b/.test(issue.message)) return issue.message;
  switch (issue.code) {
    case "invalid_type":
      return issue.expected === "number" ? "expected a number" : `expected ${issue.expected}`;
    case "invalid_value":
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      return issue.origin === "number"
        ? `must be ${issue.inclusive ? "at least" : "greater than"} ${String(issue.minimum)}`
        : issue.message;
    case "too_big":
      return issue.origin === "number"
        ? `must be ${issue.inclusive ? "at most" : "less than"} ${String(issue.maximum)}`
        : issue.message;
    default:
      return issue.message;
  }
}
