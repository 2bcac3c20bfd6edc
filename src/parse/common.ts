import { readFile } from "node:fs/promises";
import type { z } from "zod";
import { ResultFileError } from "../model/index.js";
import { checkReadableFile } from "./stream.js";

/** Whole-document files read at once (Criterion's per-benchmark JSON) are kilobytes; refuse more. */
export const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

/** Reads a small JSON document as text; a missing, empty or oversized file is an `ResultFileError` naming it. */
export async function readText(file: string): Promise<string> {
  const size = await checkReadableFile(file);
  if (size > MAX_DOCUMENT_BYTES) {
    throw new ResultFileError(
      file,
      undefined,
      `is ${(size / 1024 / 1024).toFixed(0)} MiB: too large for this kind of file`,
    );
  }
  const text = await readFile(file, "utf8");
  if (text.trim() === "") throw new ResultFileError(file, undefined, "file is empty");
  return text;
}

/**
 * Python's json module writes NaN, Infinity and -Infinity as bare words, which JSON.parse
 * rejects with an unhelpful "Unexpected token". Turn those tokens (outside strings) into
 * `null`, so the schema check can name the field that holds a non-finite number.
 */
export function neutralizeNonFiniteTokens(text: string): string {
  if (!/NaN|Infinity/.test(text)) return text;
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === "\\") out += text[++i] ?? "";
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
      continue;
    }
    const token = /^(?:-?Infinity|NaN)/.exec(text.slice(i, i + 9))?.[0];
    if (token) {
      out += "null";
      i += token.length - 1;
      continue;
    }
    out += ch;
  }
  return out;
}

/** Line and column (1-based) of a character offset; `firstLine` is the file line `text` starts on. */
function lineAndColumn(text: string, offset: number, firstLine = 1): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return `line ${line + firstLine - 1}, column ${column}`;
}

/**
 * Parses JSON, turning a syntax error into an `ResultFileError` that names the file and the line.
 * `baseLine` names the line of a JSON-lines record; `firstLine` is the file line where a
 * multi-line `text` (a value cut out of a streamed document) starts.
 */
export function parseJson(text: string, file: string, baseLine?: number, firstLine = 1): unknown {
  try {
    return JSON.parse(neutralizeNonFiniteTokens(text));
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    const truncated = /end of JSON input|Unterminated string|Expected .* after/.test(message) && !position;
    let location: string;
    if (baseLine !== undefined) location = `line ${baseLine}`;
    else if (position !== undefined) location = lineAndColumn(text, Number(position), firstLine);
    else location = lineAndColumn(text, text.length, firstLine);
    const reason = truncated ? "invalid JSON (truncated?)" : `invalid JSON (${message.replace(/^.*?:\s*/, "")})`;
    throw new ResultFileError(file, location, reason);
  }
}

/** `a.b[3].c` from a zod issue path. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out || "(top level)";
}

/**
 * Validates a decoded record against the format's schema. The first problem becomes an
 * `ResultFileError` naming the field (prefixed with `where`, e.g. "line 3").
 */
export function checkShape<T extends z.ZodType>(
  schema: T,
  value: unknown,
  file: string,
  where?: string,
  /** Where `value` sits in its document, e.g. ["benchmarks", 3] for one streamed element. */
  pathPrefix: readonly PropertyKey[] = [],
): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = `field ${formatPath([...pathPrefix, ...issue.path])}`;
  const reason = holdsNull(value, issue.path) ? "is NaN, Infinity or null, not a finite number" : issue.message;
  throw new ResultFileError(file, where ? `${where}, ${field}` : field, reason);
}

/** Whether the value at `path` is null (a NaN or Infinity token became null, see above). */
function holdsNull(root: unknown, path: readonly PropertyKey[]): boolean {
  let node: unknown = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return false;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node === null && path.length > 0;
}

/**
 * Checks that samples are usable times: finite and not negative. Zero is allowed because
 * tools legitimately print "0 ns/iter" for an optimised-away body.
 */
export function checkSamples(values: readonly number[], file: string, where: string): void {
  values.forEach((value, index) => {
    if (!Number.isFinite(value))
      throw new ResultFileError(file, `${where}[${index}]`, `${value} is not a finite number`);
    if (value < 0) throw new ResultFileError(file, `${where}[${index}]`, `${value} is negative: a time cannot be`);
  });
}
