import type { GitHubClient } from "../github/client.js";
import type { RetryPolicy } from "../store/retry.js";

/**
 * What every command takes from its caller besides its options, one spelling for all of them:
 * the environment it reads (the store's credentials, the CI's variables), the store's retry
 * policy and where progress lines go. The CLI and the actions pass theirs; tests their own.
 */
export interface CommandDeps {
  env?: NodeJS.ProcessEnv;
  retry?: RetryPolicy;
  log?: (message: string) => void;
}

/** A command that calls GitHub: its client, injected by the actions and tests (default: octokit for the token). */
export interface GitHubCommandDeps extends CommandDeps {
  client?: GitHubClient;
}
