import { afterEach, describe, expect, it } from "vitest";
import {
  booleanInput,
  linesInput,
  listInput,
  optionalInput,
  requiredInput,
  wordsInput,
} from "../../src/actions/inputs.js";
import { ConfigurationError } from "../../src/model/index.js";

const set: string[] = [];
function input(name: string, value: string) {
  const key = `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
  process.env[key] = value;
  set.push(key);
}
afterEach(() => {
  for (const key of set.splice(0)) delete process.env[key];
});

function configurationError(read: () => unknown): ConfigurationError {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error("no error");
}

describe("action inputs", () => {
  it.each(["true", "True", "TRUE", " true "])("%j is true", (value) => {
    input("flag", value);
    expect(booleanInput("flag", false)).toBe(true);
  });

  it.each(["false", "False", "FALSE"])("%j is false", (value) => {
    input("flag", value);
    expect(booleanInput("flag", true)).toBe(false);
  });

  it("an absent or empty boolean is its fallback", () => {
    expect(booleanInput("flag", true)).toBe(true);
    input("flag", "");
    expect(booleanInput("flag", false)).toBe(false);
  });

  it.each(["yes", "1", "on", "tRUE", "no", "0", "off"])("%j is refused, naming the input", (value) => {
    input("fail-on-regression", value);
    const error = configurationError(() => booleanInput("fail-on-regression", true));
    expect(error.input).toBe("fail-on-regression");
    expect(error.message).toBe(`fail-on-regression: must be true or false, got ${JSON.stringify(value)}`);
  });

  it("optional and required inputs", () => {
    expect(optionalInput("db")).toBeUndefined();
    expect(configurationError(() => requiredInput("workflow")).message).toBe("workflow: is required");
    input("workflow", "bench.yml");
    expect(requiredInput("workflow")).toBe("bench.yml");
    expect(optionalInput("workflow")).toBe("bench.yml");
  });

  it("lists split on commas, spaces and newlines as asked", () => {
    input("crates", "a, b\nc d");
    expect(listInput("crates", "any")).toEqual(["a", "b", "c", "d"]);
    expect(listInput("crates")).toEqual(["a", "b", "c d"]);
    input("cargo-args", "--config=a,b  --locked\n-q");
    expect(wordsInput("cargo-args")).toEqual(["--config=a,b", "--locked", "-q"]);
    expect(listInput("absent")).toEqual([]);
  });

  it("multi-line inputs keep each line whole", () => {
    input("pytest-args", "-k\nnot eda\n\n  tests/  \n");
    expect(linesInput("pytest-args")).toEqual(["-k", "not eda", "tests/"]);
  });
});
