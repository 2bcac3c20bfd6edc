import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { afterEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { readDeclaredInputs } from "../../src/actions/inputs.js";
import { buildProgram } from "../../src/cli.js";
import { ComparePrOptions } from "../../src/commands/compare-pr.js";
import { ACTION_DECLARATIONS } from "../../src/commands/declarations.js";
import { PublishOptions } from "../../src/commands/publish.js";
import { ReportOptionsShape } from "../../src/commands/report.js";
import { RunCommandOptions } from "../../src/commands/run-command.js";
import { RunPipelineOptions } from "../../src/commands/run-pipeline.js";
import { RunPythonOptions } from "../../src/commands/run-python.js";
import { RunRustOptions } from "../../src/commands/run-rust.js";
import { ScheduleOptions } from "../../src/commands/schedule.js";
import { actionInputs, kebabCase, type CommandDeclaration, type OptionDeclaration } from "../../src/model/index.js";
import { ROOT, tempDir } from "../support/helpers.js";

/** Each command's zod options, and the keys no surface declares (set by the adapters or other commands). */
const SCHEMAS: Record<string, { keys: string[]; internal: string[] }> = {
  publish: { keys: Object.keys(PublishOptions.shape), internal: [] },
  "run-rust": { keys: Object.keys(RunRustOptions.shape), internal: [] },
  "run-python": { keys: Object.keys(RunPythonOptions.shape), internal: [] },
  "run-pipeline": { keys: Object.keys(RunPipelineOptions.shape), internal: ["gitBranch"] },
  "run-command": { keys: Object.keys(RunCommandOptions.shape), internal: [] },
  schedule: { keys: Object.keys(ScheduleOptions.shape), internal: [] },
  "compare-pr": { keys: Object.keys(ComparePrOptions.shape), internal: [] },
  report: { keys: Object.keys(ReportOptionsShape.shape), internal: [] },
};

// The generator reads the compiled declarations: `npm run build` first, as `npm run bundle` does.
const out = tempDir("lance-bench-action-yml-");
execFileSync(process.execPath, [path.join(ROOT, "scripts/gen-action-yml.mjs")], {
  env: { ...process.env, LANCE_BENCH_ACTION_YML_DIR: out },
});
const generated = (name: string) => parseYaml(readFileSync(path.join(out, "actions", name, "action.yml"), "utf8"));

const program = buildProgram({ stdout: () => {}, stderr: () => {}, env: {} }, () => {});
const cliCommand = (name: string) => program.commands.find((c: Command) => c.name() === name)!;

describe.each(ACTION_DECLARATIONS.map((d) => [d.name, d] as const))("%s: one declaration, three views", (name, d) => {
  const declared = d.options as Record<string, OptionDeclaration>;
  const options = Object.entries(declared);
  const onCli = options.filter(([, o]) => o.only !== "action").map(([key]) => key);
  const inAction = options.filter(([, o]) => o.only !== "cli").map(([key]) => key);

  it("the zod schema's keys are the declared options (adapter-only ones aside)", () => {
    const declared = options.filter(([, o]) => !o.adapterOnly).map(([key]) => key);
    expect(declared.sort()).toEqual(SCHEMAS[name]!.keys.filter((k) => !SCHEMAS[name]!.internal.includes(k)).sort());
  });

  it("the CLI offers --kebab-key for each CLI option (its positional arguments aside)", () => {
    const command = cliCommand(name);
    const flags = command.options.filter((o) => !o.hidden).map((o) => o.long!.replace(/^--(no-)?/, ""));
    const expected = onCli.filter((key) => !declared[key]!.cliArgument).map(kebabCase);
    expect(flags.sort()).toEqual(expected.sort());
    for (const key of onCli.filter((k) => declared[k]!.cliArgument))
      expect(command.registeredArguments.map((a) => a.name())).toContain(key);
  });

  it("the generated action.yml has an input named like the flag for each action option, and the outputs", () => {
    const yml = generated(name);
    expect(Object.keys(yml.inputs).sort()).toEqual(inAction.map(kebabCase).sort());
    expect(Object.keys(yml.outputs).sort()).toEqual(Object.keys(d.outputs).sort());
    for (const key of inAction) {
      const option = declared[key]!;
      const input = yml.inputs[kebabCase(key)];
      expect(input.required, key).toBe(option.action?.required ?? option.required ?? false);
      const fallback = option.action && "default" in option.action ? option.action.default : option.default;
      expect(input.default, key).toBe(fallback === undefined ? undefined : String(fallback));
    }
  });
});

it("the root action.yml takes no inputs: it is a stub naming every action", () => {
  const root = parseYaml(readFileSync(path.join(out, "action.yml"), "utf8"));
  expect(root.inputs).toBeUndefined();
  for (const d of ACTION_DECLARATIONS) expect(root.runs.steps[0].run).toContain(d.name);
});

describe("the action adapters read their declarations", () => {
  const inputVariable = (name: string) => `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
  const set: string[] = [];
  afterEach(() => {
    for (const key of set.splice(0)) delete process.env[key];
  });

  /** A value that says which input it came from, read back as the option's type reads it. */
  function recognisable(name: string, type: string): { env: string; read: unknown } {
    switch (type) {
      case "boolean":
        return { env: "false", read: false };
      case "list":
        return { env: `${name}-a\n${name}-b`, read: [`${name}-a`, `${name}-b`] };
      case "multiline":
        return { env: `${name} a\n${name} b`, read: [`${name} a`, `${name} b`] };
      default:
        return { env: `value of ${name}`, read: `value of ${name}` };
    }
  }

  const declarations = ACTION_DECLARATIONS.map((d): [string, CommandDeclaration] => [d.name, d]);

  it.each(declarations)("%s: every declared action input is read under its option's key", (_name, d) => {
    const expected: Record<string, unknown> = {};
    for (const input of actionInputs(d)) {
      const { env, read } = recognisable(input.name, input.type);
      process.env[inputVariable(input.name)] = env;
      set.push(inputVariable(input.name));
      expect(input.name).toBe(kebabCase(input.key));
      expected[input.key] = read;
    }
    expect(readDeclaredInputs(d)).toEqual(expected);
  });

  it.each(declarations)(
    "%s: absent inputs are left out (zod's defaults apply), required lists are empty",
    (_name, d) => {
      const read = readDeclaredInputs(d) as Record<string, unknown>;
      const requiredLists = actionInputs(d).filter((i) => i.required && (i.type === "list" || i.type === "multiline"));
      expect(read).toEqual(Object.fromEntries(requiredLists.map((i) => [i.key, []])));
    },
  );

  it("no adapter reads an action input its declaration does not declare", () => {
    const dir = path.join(ROOT, "src/actions");
    const declared = new Set(ACTION_DECLARATIONS.flatMap((d) => actionInputs(d).map((i) => i.name)));
    // the root action's selector, read by main.ts only
    declared.add("command");
    const literals = readdirSync(dir)
      .filter((file) => file.endsWith(".ts") && file !== "inputs.ts")
      .flatMap((file) =>
        [...readFileSync(path.join(dir, file), "utf8").matchAll(/(?:Input|getInput|forInput)\(\s*"([^"]+)"/g)].map(
          (m) => `${file}: ${m[1]}`,
        ),
      );
    expect(literals.filter((l) => !declared.has(l.split(": ")[1]!))).toEqual([]);
    // the adapters name no input by hand any more: they read readDeclaredInputs(X_DECLARATION)
    expect(literals.filter((l) => !l.startsWith("main.ts: "))).toEqual([]);
  });
});
