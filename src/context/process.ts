import { execFile } from "node:child_process";

export interface CommandOutput {
  stdout: string;
  stderr: string;
}

/**
 * Runs a program without a shell (arguments are never interpreted), with a time limit.
 * Rejects with the program's stderr in the message when it fails.
 */
export function runProgram(
  program: string,
  args: readonly string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    execFile(
      program,
      args,
      { cwd: options.cwd, timeout: options.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (error) {
          const detail = stderr.trim().split("\n").slice(-3).join(" ") || error.message;
          reject(new Error(`${program} ${args.join(" ")}: ${detail}`));
        } else resolve({ stdout, stderr });
      },
    );
  });
}
