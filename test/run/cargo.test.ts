import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ensureToolchain, pinnedToolchain, resolveCrates } from "../../src/run/cargo.js";
import { tempDir } from "../support/helpers.js";

describe("the project's pinned Rust toolchain", () => {
  it("is read from rust-toolchain.toml and from the legacy rust-toolchain file", async () => {
    const toml = tempDir();
    writeFileSync(
      path.join(toml, "rust-toolchain.toml"),
      '[toolchain]\nchannel = "1.80.0"\ncomponents = ["rustfmt"]\n',
    );
    expect(await pinnedToolchain(toml)).toBe("1.80.0");
    const legacy = tempDir();
    writeFileSync(path.join(legacy, "rust-toolchain"), "nightly-2024-05-01\n");
    expect(await pinnedToolchain(legacy)).toBe("nightly-2024-05-01");
    expect(await pinnedToolchain(tempDir())).toBeUndefined();
  });

  it("is used for the build: rustc in the checkout is the pinned one", async () => {
    // The toolchain this machine already has, pinned by name: nothing to download.
    const installed = execFileSync("rustup", ["toolchain", "list"], { encoding: "utf8" })
      .split("\n")[0]!
      .split(" ")[0]!;
    const dir = tempDir();
    writeFileSync(path.join(dir, "rust-toolchain.toml"), `[toolchain]\nchannel = "${installed}"\n`);
    const messages: string[] = [];
    const version = await ensureToolchain(dir, (m) => messages.push(m));
    expect(version).toMatch(/^rustc \d+\.\d+\.\d+/);
    expect(messages).toEqual([]); // already installed: no rustup install
  });

  it("refuses a toolchain name that is not one", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "rust-toolchain"), "stable; rm -rf /\n");
    await expect(ensureToolchain(dir, () => {})).rejects.toThrow(/not a toolchain/);
  });
});

describe("a requested crate's name", () => {
  it("is package.name when it is a string, else the crate folder's name (never [object Object])", async () => {
    const checkout = tempDir();
    mkdirSync(path.join(checkout, "named"));
    writeFileSync(path.join(checkout, "named", "Cargo.toml"), '[package]\nname = "engine"\n');
    mkdirSync(path.join(checkout, "odd"));
    writeFileSync(path.join(checkout, "odd", "Cargo.toml"), "[package]\nname = { workspace = true }\n");
    expect(await resolveCrates(checkout, ["named", "odd"])).toEqual([
      { name: "engine", path: "named" },
      { name: "odd", path: "odd" },
    ]);
  });
});
