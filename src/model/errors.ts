/**
 * Error types that separate a user's mistake from a bug.
 *
 * Adapters (CLI, actions) print a `LanceBenchError` as one plain line and exit non-zero;
 * anything else is a bug and is reported with its stack.
 */
export class LanceBenchError extends Error {
  override name = "LanceBenchError";
}

/** A bad option or input value: names the input and the offending value. */
export class ConfigurationError extends LanceBenchError {
  override name = "ConfigurationError";
  /** The option at fault (`budget-minutes`), when one is; adapters spell it their way (`--budget-minutes`). */
  input?: string;
  /** The message without the option's name. */
  problem?: string;

  static forInput(input: string, problem: string): ConfigurationError {
    const error = new ConfigurationError(`${input}: ${problem}`);
    error.input = input;
    error.problem = problem;
    return error;
  }
}

/** A result file that cannot be read: names the file and, where known, the line or field. */
export class ResultFileError extends LanceBenchError {
  override name = "ResultFileError";
  constructor(
    readonly file: string,
    readonly location: string | undefined,
    readonly reason: string,
  ) {
    super(`${file}${location ? `: ${location}` : ""}: ${reason}`);
  }
}

/**
 * A step the suite ran for the project failed: its build, a venv or package install, pytest, a
 * setup or benchmark command. The project's failure (reported plainly, as any LanceBenchError),
 * not a configuration mistake of the user nor a bug of ours.
 */
export class StepFailure extends LanceBenchError {
  override name = "StepFailure";
}

/** The LanceDB runtime cannot be set up here: an unsupported platform, or an install that failed. */
export class RuntimeSetupError extends LanceBenchError {
  override name = "RuntimeSetupError";
}

/** The result store failed (after retries where those apply). */
export class StoreError extends LanceBenchError {
  override name = "StoreError";
}

/** A GitHub API call failed (after bounded retries where those apply). */
export class GitHubApiError extends LanceBenchError {
  override name = "GitHubApiError";
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** One-line text for any thrown value; never "[object Object]". */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}
