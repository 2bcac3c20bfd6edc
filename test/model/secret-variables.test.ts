import { describe, expect, it } from "vitest";
import { isSecretVariable } from "../../src/model/secret-variables.js";

describe("isSecretVariable", () => {
  it.each([
    "AWS_SECRET_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "INPUT_TOKEN",
    "ACTIONS_RUNTIME_TOKEN",
    "ACTIONS_RESULTS_URL",
    "GITHUB_TOKEN",
    "SCHEDULER_GITHUB_TOKEN",
    "DATABASE_URL",
    "PGPASSWORD",
    "LANCE_BENCH_URI",
    "my_api_key",
    "NPM_TOKEN",
  ])("%s is a secret", (name) => expect(isSecretVariable(name)).toBe(true));

  it.each(["PATH", "HOME", "CARGO_HOME", "RUSTFLAGS", "GITHUB_ACTIONS", "PGHOST", "LANG", "CI"])("%s is not", (name) =>
    expect(isSecretVariable(name)).toBe(false),
  );
});
