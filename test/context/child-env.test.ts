import { describe, expect, it } from "vitest";
import { checkEnvPassthrough, childEnv } from "../../src/context/child-env.js";
import { ConfigurationError } from "../../src/model/index.js";

/** The allowlist for code we do not own (the real run is test/e2e/isolation.test.ts). */
describe("childEnv", () => {
  const parent = {
    PATH: "/usr/bin",
    HOME: "/home/runner",
    LANG: "C.UTF-8",
    LC_ALL: "C.UTF-8",
    TMPDIR: "/tmp",
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_TOKEN: "t",
    GITHUB_REPOSITORY: "o/r",
    GITHUB_ENV: "/home/runner/_temp/env",
    RUNNER_NAME: "r",
    RUNNER_OS: "Linux",
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: "t",
    ACTIONS_RUNTIME_TOKEN: "t",
    CARGO_HOME: "/c",
    CARGO_REGISTRY_TOKEN: "t",
    CARGO_REGISTRIES_MY_TOKEN: "t",
    RUSTFLAGS: "-C x",
    RUSTUP_TOOLCHAIN: "stable",
    PYTHONHASHSEED: "0",
    VIRTUAL_ENV: "/v",
    AWS_SECRET_ACCESS_KEY: "s",
    AWS_REGION: "us-east-1",
    INPUT_TOKEN: "t",
    DATABASE_URL: "postgres://x",
    PGHOST: "db.internal",
    PGPASSWORD: "p",
    LANCE_BENCH_URI: "s3://b",
    SOMETHING_ELSE: "x",
    MY_VAR: "y",
  };

  it("keeps the toolchain's variables and drops everything else", () => {
    expect(Object.keys(childEnv(parent).vars).sort()).toEqual(
      [
        "CARGO_HOME",
        "CI",
        "GITHUB_ACTIONS",
        "HOME",
        "LANG",
        "LC_ALL",
        "PATH",
        "PYTHONHASHSEED",
        "RUNNER_OS",
        "RUSTFLAGS",
        "RUSTUP_TOOLCHAIN",
        "TMPDIR",
        "VIRTUAL_ENV",
      ].sort(),
    );
  });

  it("env-passthrough adds names, and refuses credentials and the runner's variables", () => {
    expect(childEnv(parent, ["MY_VAR"]).get("MY_VAR")).toBe("y");
    for (const name of ["AWS_SECRET_ACCESS_KEY", "MY_API_KEY", "DATABASE_URL", "GITHUB_ENV", "RUNNER_NAME", "A B"]) {
      expect(() => checkEnvPassthrough([name])).toThrow(ConfigurationError);
      expect(() => childEnv(parent, [name])).toThrow(/^env-passthrough: /);
    }
  });

  it("with() adds the suite's own variables and removes others", () => {
    const env = childEnv(parent).with({ CARGO_TARGET_DIR: "/t", PATH: undefined });
    expect(env.get("CARGO_TARGET_DIR")).toBe("/t");
    expect(env.get("PATH")).toBeUndefined();
  });
});
