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
  const name = typeof key === "string" ? inputName(key) : "options";
  const value = typeof key === "string" ? raw[key] : undefined;
  const shown = value === undefined ? "" : ` (got ${JSON.stringify(value)})`;
  throw new ConfigurationError(`${name}: ${issue.message}${shown}`);
}
