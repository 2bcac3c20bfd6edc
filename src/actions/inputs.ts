import * as core from "@actions/core";
import {
  ConfigurationError,
  actionInputs,
  type CommandDeclaration,
  type OptionDeclaration,
  type OptionType,
} from "../model/index.js";

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

/**
 * A command's action inputs, read as its declaration (src/commands/declarations.ts) says: each
 * option that is not CLI-only, from its input `kebab-key`, by the strict reader for its type
 * (boolean: `booleanInput`; list: `listInput` with the declared split; multiline: one value per
 * line; string and number: the text, for zod to coerce). Keyed by the option's camelCase key;
 * an absent input is left out, so the zod default applies (a required list is `[]`, so the
 * schema says what is missing). The adapters add only what is genuinely the action's.
 */
export function readDeclaredInputs<O extends Record<string, OptionDeclaration>>(
  declaration: CommandDeclaration<O>,
): DeclaredInputs<O> {
  const raw: Partial<Record<string, DeclaredInputValue>> = {};
  for (const input of actionInputs(declaration)) {
    const value = readDeclaredInput(input.name, input.type, input.declaration.split);
    if (value !== undefined) raw[input.key] = value;
    else if (input.required && (input.type === "list" || input.type === "multiline")) raw[input.key] = [];
  }
  return raw as DeclaredInputs<O>;
}

/** What `readDeclaredInputs` reads one input as. */
export type DeclaredInputValue = string | string[] | boolean;

/** An option's value as read from its input: a boolean, a list, or text for zod to coerce. */
type DeclaredValue<D> = D extends { type: "boolean" }
  ? boolean
  : D extends { type: "list" | "multiline" }
    ? string[]
    : string;

/** The inputs of a declaration, each absent one left out. */
export type DeclaredInputs<O> = { [K in keyof O]?: DeclaredValue<O[K]> };

function readDeclaredInput(
  name: string,
  type: OptionType,
  split: ListSplit | undefined,
): DeclaredInputValue | undefined {
  switch (type) {
    case "boolean":
      // the fallback is never used: an empty input is left out
      return optionalInput(name)?.trim() ? booleanInput(name, false) : undefined;
    case "list":
    case "multiline": {
      const items = type === "list" ? listInput(name, split) : linesInput(name);
      return items.length > 0 ? items : undefined;
    }
    case "string":
    case "number":
      return optionalInput(name);
  }
}
