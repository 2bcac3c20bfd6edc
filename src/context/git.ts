import { ConfigurationError, SHA_PATTERN } from "../model/index.js";
import { runProgram } from "./process.js";

export interface CommitInfo {
  sha: string;
  /** Commit time, unix seconds. */
  timestamp: number;
}

/** Lower-cases and checks a full commit sha; anything else is a `ConfigurationError`. */
export function validateSha(sha: string, input = "sha"): string {
  const normalized = sha.trim().toLowerCase();
  if (!SHA_PATTERN.test(normalized)) {
    throw new ConfigurationError(`${input} must be a full 40-character hex commit sha, got "${sha}"`);
  }
  return normalized;
}

/**
 * The commit `revision` (default HEAD) of the checkout at `repo`: full sha and commit time.
 * `revision` is either HEAD or a validated sha, so it cannot be read as an option by git.
 */
export async function readCommit(repo: string, revision = "HEAD"): Promise<CommitInfo> {
  if (revision !== "HEAD") revision = validateSha(revision);
  let stdout: string;
  try {
    ({ stdout } = await runProgram("git", ["-C", repo, "show", "-s", "--format=%H %ct", `${revision}^{commit}`]));
  } catch (error) {
    // No hint about flags here: which ones would help depends on the command (publish has more).
    throw new ConfigurationError(
      `cannot read commit ${revision} from "${repo}": is it a git checkout? (${(error as Error).message})`,
    );
  }
  const [sha, time] = stdout.trim().split(" ");
  return { sha: validateSha(sha ?? ""), timestamp: Number(time) };
}

/**
 * The commit a ref names (a branch, tag, `HEAD~1` or a sha prefix), as a full sha. A ref
 * that could be read as an option, or that names nothing, is a `ConfigurationError`.
 */
export async function resolveRevision(repo: string, ref: string, input = "ref"): Promise<string> {
  // eslint-disable-next-line no-control-regex
  if (ref === "" || ref.startsWith("-") || /[\u0000-\u0020\u007f]/.test(ref)) {
    throw new ConfigurationError(`${input}: "${ref}" is not a git ref`);
  }
  try {
    const { stdout } = await runProgram("git", ["-C", repo, "rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    return validateSha(stdout.trim());
  } catch {
    throw new ConfigurationError(`${input}: "${ref}" names no commit in the git checkout "${repo}"`);
  }
}

/** The checkout's current branch, or undefined when HEAD is detached. */
export async function currentBranch(repo: string): Promise<string | undefined> {
  const { stdout } = await runProgram("git", ["-C", repo, "branch", "--show-current"]).catch(() => ({ stdout: "" }));
  return stdout.trim() || undefined;
}
