import { describe, expect, it } from "vitest";
import { ConfigurationError, LanceBenchError, StepFailure } from "../../src/model/index.js";
import { childEnv } from "../../src/context/child-env.js";
import { runStep } from "../../src/run/python.js";
import { tempDir } from "../support/helpers.js";

/** A step the suite runs for the project (a build, a setup command) that fails is the project's failure. */
describe("a failed step", () => {
  it("is a StepFailure, reported plainly, and never a configuration mistake", async () => {
    const error = await runStep("the build", ["sh", "-c", "echo compiling; echo 'error: no such crate' >&2; exit 3"], {
      cwd: tempDir(),
      env: childEnv(process.env),
      timeoutMs: 30_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepFailure);
    expect(error).toBeInstanceOf(LanceBenchError);
    expect(error).not.toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/^the build failed \(exit 3\):/);
    expect((error as Error).message).toContain("error: no such crate");
  });
});
