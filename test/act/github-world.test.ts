import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/helpers.js";
import { checkDispatch } from "../support/github-world.js";

/**
 * The act scenarios accept a dispatch only as GitHub would (a 422 otherwise): these are the
 * rules, on the example dispatch target (examples/workflows/run-benchmarks.yml).
 */
const TARGET = path.join(ROOT, "examples/workflows/run-benchmarks.yml");
const SHA = "0123456789abcdef0123456789abcdef01234567";

describe("dispatch checks of the act scenarios' GitHub", () => {
  it("accepts what the scheduler and @bench-bot send", () => {
    expect(checkDispatch(TARGET, { git_sha: SHA })).toBeUndefined();
    expect(
      checkDispatch(TARGET, {
        git_sha: SHA,
        pr_number: "12",
        pr_repo: "contributor/lance",
        run_rust: "true",
        run_python: "false",
        rust_crates: "rust/lance-index",
      }),
    ).toBeUndefined();
  });

  it.each([
    ["an input the workflow does not declare", { git_sha: SHA, note: "x" }, /Unexpected inputs provided: \["note"\]/],
    ["a missing required input", { pr_number: "12" }, /Required input 'git_sha' not provided/],
    ["a boolean that is not true or false", { git_sha: SHA, run_rust: "yes" }, /'yes' for input 'run_rust'/],
  ])("refuses %s, as GitHub's 422 does", (_what, inputs, message) => {
    expect(checkDispatch(TARGET, inputs)).toMatch(message);
  });

  it("refuses a workflow without workflow_dispatch", () => {
    expect(checkDispatch(path.join(ROOT, "examples/workflows/bench-bot.yml"), { git_sha: SHA })).toMatch(
      /does not have 'workflow_dispatch' trigger/,
    );
  });
});
