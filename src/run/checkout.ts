import { mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import { readCommit, validateSha } from "../context/git.js";
import { runProgram } from "../context/process.js";
import { ConfigurationError } from "../model/index.js";

export interface Checkout {
  /** Folder holding the project at `sha`. */
  dir: string;
  sha: string;
  /** Removes a temporary worktree; leaves the caller's checkout alone. */
  dispose(): Promise<void>;
}

/**
 * The project at `sha` (default: the checkout's HEAD), always as a fresh detached
 * `git worktree` in `workDir`:
 * - the caller's checkout and its uncommitted changes are never touched, and never measured
 *   under a commit's name;
 * - every source file is newer than anything in a restored build cache. Cargo decides
 *   freshness by mtime and hashes workspace paths relative to the workspace root, so building
 *   commit B in a folder whose files are older than a cached build of commit A would run A's
 *   binaries under B's name.
 */
export async function prepareCheckout(repo: string, sha: string | undefined, workDir: string): Promise<Checkout> {
  sha = sha === undefined ? (await readCommit(repo)).sha : validateSha(sha, "--sha");
  try {
    await runProgram("git", ["-C", repo, "cat-file", "-e", `${sha}^{commit}`]);
  } catch {
    throw new ConfigurationError(`commit ${sha} is not in the repository "${repo}" (fetch it first)`);
  }
  const dir = await mkdtemp(path.join(workDir, "checkout-"));
  await runProgram("git", ["-C", repo, "worktree", "add", "--detach", "--quiet", dir, sha], { timeoutMs: 300_000 });
  return {
    dir,
    sha,
    dispose: async () => {
      await runProgram("git", ["-C", repo, "worktree", "remove", "--force", dir]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
