/*
 * `@bench-bot benchmark [--rust-only | --python-only | --crate X ...]` in a pull-request
 * comment: what it asks for, or why it cannot be understood. Pure text handling: who may ask,
 * and what is dispatched, is decided by the command (commands/bench-comment.ts).
 */

export interface BenchRequest {
  runRust: boolean;
  runPython: boolean;
  /** Crate folders (`--crate` implies Rust only); empty: every crate. */
  crates: string[];
}

export type ParsedComment =
  { kind: "not-for-us" } | { kind: "request"; request: BenchRequest } | { kind: "invalid"; reason: string };

const MENTION = /(?:^|\s)@bench-bot\b[ \t]*(.*)$/m;
/** Crate folders as written in a repository: no spaces, no shell or path tricks (checked again when resolved). */
const CRATE = /^[A-Za-z0-9_][A-Za-z0-9_./-]{0,199}$/;

export const BENCH_BOT_USAGE =
  "`@bench-bot benchmark` runs every benchmark; add `--rust-only`, `--python-only`, or `--crate PATH` (repeatable, Rust only).";

export function parseBenchComment(body: string): ParsedComment {
  const mention = MENTION.exec(body);
  if (!mention) return { kind: "not-for-us" };
  const words = mention[1]!.trim().split(/\s+/).filter(Boolean);
  if (words[0] !== "benchmark") {
    return { kind: "invalid", reason: `unknown request "${words[0] ?? ""}"` };
  }
  const request: BenchRequest = { runRust: true, runPython: true, crates: [] };
  let rustOnly = false;
  let pythonOnly = false;
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    if (word === "--rust-only") rustOnly = true;
    else if (word === "--python-only") pythonOnly = true;
    else if (word === "--crate") {
      const crate = words[++i];
      if (crate === undefined || !CRATE.test(crate) || crate.split("/").includes("..")) {
        return { kind: "invalid", reason: `--crate needs a crate folder, got "${crate ?? ""}"` };
      }
      request.crates.push(crate);
    } else return { kind: "invalid", reason: `unknown option "${word}"` };
  }
  if (pythonOnly && (rustOnly || request.crates.length > 0)) {
    return { kind: "invalid", reason: "--python-only cannot be combined with --rust-only or --crate" };
  }
  if (rustOnly || request.crates.length > 0) request.runPython = false;
  if (pythonOnly) request.runRust = false;
  return { kind: "request", request };
}
