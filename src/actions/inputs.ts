import * as core from "@actions/core";
import { ConfigurationError } from "../model/index.js";

/*
 * The one module that reads action inputs (INPUT_* variables). Every reader is strict: a value
 * it cannot read is a `ConfigurationError` naming the input, never a silent default.
 */

/** An input, or undefined when empty or absent (action inputs are always strings). */
export function optionalInput(name: string): string | undefined {
  const value = core.getInput(name);
  return value === "" ? undefined : value;
}

/** An input that must be given. */
export function requiredInput(name: string): string {
  const value = optionalInput(name);
  if (value === undefined) throw ConfigurationError.forInput(name, "is required");
  return value;
}

// YAML 1.2 core schema booleans: the rule of the toolkit's getBooleanInput.
const TRUE = ["true", "True", "TRUE"];
const FALSE = ["false", "False", "FALSE"];

/** A boolean input: exactly true/True/TRUE or false/False/FALSE; empty is `fallback`. */
export function booleanInput(name: string, fallback: boolean): boolean {
  const value = optionalInput(name)?.trim();
  if (value === undefined || value === "") return fallback;
  if (TRUE.includes(value)) return true;
  if (FALSE.includes(value)) return false;
  throw ConfigurationError.forInput(name, `must be true or false, got ${JSON.stringify(value)}`);
}

/** How a list input is split into items. */
export type ListSplit =
  /** commas, spaces or newlines (crate names, variants, environment variable names) */
  | "any"
  /** spaces or newlines: items may hold commas (cargo arguments, pip requirements) */
  | "whitespace"
  /** commas or newlines: items may hold spaces (paths, globs) */
  | "comma-newline";

const SPLITTERS: Record<ListSplit, RegExp> = {
  any: /[\s,]+/,
  whitespace: /\s+/,
  "comma-newline": /[\n,]/,
};

/** A list input, split as `split` says; empty items are dropped. */
export function listInput(name: string, split: ListSplit = "comma-newline"): string[] {
  return core
    .getInput(name)
    .split(SPLITTERS[split])
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/** Space-separated words of an input (cargo and pytest arguments, pip packages). */
export const wordsInput = (name: string): string[] => listInput(name, "whitespace");

/** One item per line, each kept whole (`-k` and `not eda` are two lines); blank lines are dropped. */
export function linesInput(name: string): string[] {
  return core
    .getInput(name)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
}
