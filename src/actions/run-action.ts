import * as core from "@actions/core";
import { LanceBenchError } from "../model/index.js";
import { useActionRuntime } from "./lancedb-runtime.js";

/** Environment variables whose values must never appear in a log. */
const SECRET_VARIABLES = [
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "GITHUB_TOKEN",
  "SCHEDULER_GITHUB_TOKEN",
  "PGPASSWORD",
];

/**
 * The one place where an action fails: runs `body`, and on any error calls `setFailed`
 * exactly once. A user mistake is reported as its message; anything else as a bug with its
 * stack in the debug log. Known secrets are masked before anything runs.
 */
export async function runAction(body: () => Promise<void>): Promise<void> {
  for (const name of SECRET_VARIABLES) {
    const value = process.env[name];
    if (value) core.setSecret(value);
  }
  try {
    useActionRuntime();
    await body();
  } catch (error) {
    if (error instanceof LanceBenchError) {
      core.setFailed(error.message);
    } else {
      const message = error instanceof Error ? error.message : `non-Error thrown: ${String(error)}`;
      if (error instanceof Error && error.stack) core.debug(error.stack);
      core.setFailed(`internal error (please report): ${message}`);
    }
  }
}
