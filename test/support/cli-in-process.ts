import { runCli } from "../../src/cli.js";
import { cleanEnv, type CliRun } from "./helpers.js";

/**
 * Runs the CLI in this process through its CliIo seam (argv in, printed text and exit code out),
 * for tests where a process of its own adds nothing: no signal, no exit of the process, no
 * second process racing it. Its environment is `env` over a clean one, as runCliProcess's is.
 */
export async function runCliInProcess(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: { ...cleanEnv(), ...env },
  });
  return { code, stdout, stderr };
}
