import { z } from "zod";
import { validateSha } from "../context/git.js";
import { parseOptions } from "../model/index.js";
import { resolveDbUri } from "../store/uri.js";
import { openExistingStore } from "./open-store.js";
import type { CommandDeps } from "./deps.js";

export const HasResultsOptions = z.object({
  sha: z.string().trim().min(1, "is required"),
  db: z.string().trim().min(1).optional(),
});
export type HasResultsOptions = z.infer<typeof HasResultsOptions>;

export function parseHasResultsOptions(raw: Record<string, unknown>): HasResultsOptions {
  return parseOptions(HasResultsOptions, raw);
}

/** Whether the commit has results, and how they were found. */
export interface HasResultsAnswer {
  found: boolean;
  /**
   * `sha`: an exact match on the full sha; `short-sha`: rows the Python lance-bench wrote (no sha
   * column value) whose `dut.version` ends in the commit's 7-character sha.
   */
  matchedBy: "sha" | "short-sha" | null;
}

/**
 * "Has this commit been benchmarked?" — an exact, indexed match on the full sha. The Python
 * lance-bench's `dut.version LIKE '%sha7%'` scanned every row and could match another commit; it is only
 * the fallback for its own rows, which carry no sha.
 */
export async function hasResults(options: HasResultsOptions, deps: CommandDeps = {}): Promise<HasResultsAnswer> {
  const sha = validateSha(options.sha, "--sha");
  const store = await openExistingStore({ uri: resolveDbUri(options.db, deps.env), retry: deps.retry, log: deps.log });
  try {
    const matchedBy = (await store.commitsWithResults([sha])).get(sha) ?? null;
    return { found: matchedBy !== null, matchedBy };
  } finally {
    store.close();
  }
}
