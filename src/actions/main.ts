import * as core from "@actions/core";
import { ConfigurationError } from "../model/index.js";
import { run as comparePr } from "./compare-pr.js";
import { run as publish } from "./publish.js";
import { run as report } from "./report.js";
import { runAction } from "./run-action.js";
import { run as runCommand } from "./run-command.js";
import { run as runPipeline } from "./run-pipeline.js";
import { run as runPython } from "./run-python.js";
import { run as runRust } from "./run-rust.js";
import { run as schedule } from "./schedule.js";

/** The actions the root action offers through its `command` input. */
export const COMMANDS = {
  publish,
  "run-rust": runRust,
  "run-python": runPython,
  "run-pipeline": runPipeline,
  "run-command": runCommand,
  schedule,
  "compare-pr": comparePr,
  report,
} as const;

/** The root action: `command` picks one of the actions, which reads the same inputs. */
export async function run(): Promise<void> {
  const command = core.getInput("command");
  const action = Object.hasOwn(COMMANDS, command) ? COMMANDS[command as keyof typeof COMMANDS] : undefined;
  if (action) return action();
  await runAction(async () => {
    throw ConfigurationError.forInput(
      "command",
      `unknown command ${JSON.stringify(command)} (expected one of: ${Object.keys(COMMANDS).join(", ")})`,
    );
  });
}
