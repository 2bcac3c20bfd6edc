import { z } from "zod";
import { ConfigurationError } from "./errors.js";

/** Characters a ref may hold here: a strict subset of git's (no spaces, quotes, `~^:?*[\`). */
const SAFE_REF = /^[A-Za-z0-9._/-]+$/;

/** The longest ref accepted (git allows more; a branch name this long is a mistake). */
export const MAX_REF_CHARS = 255;

/**
 * Why `ref` (a full `refs/…`) is not one git would accept and this suite would store, or
 * undefined when it is fine: git's rules for the characters this suite lets through.
 */
function refProblem(ref: string): string | undefined {
  const parts = ref.split("/");
  if (parts.length < 3) return "is not a full ref (refs/<kind>/<name>)";
  if (parts.some((part) => part === "")) return 'has an empty path segment ("//" or a trailing "/")';
  if (parts.some((part) => part.startsWith(".") || part.endsWith(".lock")))
    return 'has a segment starting with "." or ending with ".lock"';
  if (ref.includes("..")) return 'contains ".."';
  if (ref.endsWith(".")) return 'ends with "."';
  return undefined;
}

/**
 * A git ref as results are stored under it (`run.ref`): a full ref (`refs/heads/main`,
 * `refs/tags/v1`, `refs/pull/42/merge`), or a branch name for short (`main` →
 * `refs/heads/main`, `release/1.0` → `refs/heads/release/1.0`). Only letters, digits and
 * `._/-` are accepted; anything else is refused rather than quoted.
 */
export const GitRef = z
  .string()
  .trim()
  .min(1, "is empty")
  .max(MAX_REF_CHARS, `is longer than ${MAX_REF_CHARS} characters`)
  .regex(
    SAFE_REF,
    'must be a branch name such as "main" or a full ref such as "refs/heads/main" (letters, digits, ._/-)',
  )
  .refine((ref) => !ref.startsWith("-"), 'must not start with "-"')
  .transform((ref) => (ref.startsWith("refs/") ? ref : `refs/heads/${ref}`))
  .superRefine((ref, context) => {
    const problem = refProblem(ref);
    if (problem !== undefined) context.addIssue({ code: "custom", message: problem });
  });

/** The pull request a ref belongs to (`refs/pull/42/merge` → 42), else null. */
export function prNumberOfRef(ref: string): number | null {
  const match = /^refs\/pull\/(\d+)\//.exec(ref);
  return match ? Number(match[1]) : null;
}

/** Where a pull request's results are stored: never under a branch, so never in main's history. */
export const pullRequestRef = (prNumber: number) => `refs/pull/${prNumber}/head`;

/** The ref and number every row of a pull request's run carries (`run.ref`, `run.pr_number`). */
export interface PullRequestRun {
  ref: string;
  pr_number: number;
}

/**
 * The run of pull request `prNumber` (`--pr-number`): its rows go under `refs/pull/<n>/head`.
 * A contradiction is refused rather than resolved: an explicit `ref` other than that one, or
 * a workflow running for another pull request (`GITHUB_REF` `refs/pull/<m>/merge`).
 */
export function pullRequestRun(
  prNumber: number,
  explicitRef: string | undefined,
  workflowRef: string | undefined,
): PullRequestRun {
  const ref = pullRequestRef(prNumber);
  if (explicitRef !== undefined && explicitRef !== ref) {
    throw ConfigurationError.forInput(
      "ref",
      `${explicitRef} contradicts pr-number ${prNumber}: a pull request's rows are stored under ${ref}`,
    );
  }
  const workflowPr = workflowRef === undefined ? null : prNumberOfRef(workflowRef);
  if (workflowPr !== null && workflowPr !== prNumber) {
    throw ConfigurationError.forInput(
      "pr-number",
      `${prNumber}, but this workflow runs for pull request #${workflowPr} (GITHUB_REF ${workflowRef})`,
    );
  }
  return { ref, pr_number: prNumber };
}
