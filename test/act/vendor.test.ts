import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/helpers.js";

/**
 * The vendored third-party actions (test/support/vendor/README.md) are upstream's files,
 * unmodified: each file's git blob id is the one in upstream's tree at the pinned commit
 * (read with `git rev-parse <commit>:<file>` in a clone of each repository).
 */
const UPSTREAM_BLOBS: Record<string, string> = {
  "actions-checkout/LICENSE": "a67dca8b4f65d6bd351f6b1e333ce2cd84d843a5",
  "actions-checkout/action.yml": "5b0524f730db83f9513c18ab31a6c086c7239076",
  "actions-checkout/dist/index.js": "06ae5d221b3dc83259d396ec60027972181e51b9",
  "actions-checkout/dist/package.json": "3dbc1ca591c0557e35b6004aeba250e6a70b56e3",
  "actions-checkout/dist/problem-matcher.json": "071f2cb4441a02d54d7e07af9145a8f4fb79ceca",
  "actions-cache/LICENSE": "a426ef259d6c5d705e9c1405075c3b318093c65e",
  "actions-cache/action.yml": "2606455d4cedc2a06e05c1bf7feb8cc41aaf28f9",
  "actions-setup-python/LICENSE": "a426ef259d6c5d705e9c1405075c3b318093c65e",
  "actions-setup-python/action.yml": "df6c8235b476652b6402d31d92a2a89cdea74bb9",
  "actions-upload-pages-artifact/LICENSE": "ccc4ac8b6e5eeda13d2b9cf1f0154c9bc2c867c3",
  "actions-upload-pages-artifact/action.yml": "82713b4cbb35ccf98dfa8f2e0deedc5e83b6d845",
  "actions-upload-artifact/LICENSE": "a67dca8b4f65d6bd351f6b1e333ce2cd84d843a5",
  "actions-upload-artifact/action.yml": "7cb4d1e81db55320b41217e1a78a1a46e3d2baef",
  "actions-upload-artifact/dist/upload/index.js": "a4ca651e982e77499b7a097cb1c760f7efe123ff",
  "actions-upload-artifact/dist/upload/package.json": "3dbc1ca591c0557e35b6004aeba250e6a70b56e3",
  "actions-deploy-pages/LICENSE": "8c9e791c9fb1f1433344d07ca0dd6a426c243c0a",
  "actions-deploy-pages/action.yml": "113b639c9d6a6a0ab2e5fa904ea6949968e78be2",
  "actions-deploy-pages/dist/index.js": "b1ed73ffa70cc93b5682add355d18b27d1ab3c45",
  "actions-deploy-pages/dist/sourcemap-register.js": "466141d4069ca04101c119f6881977d0ddc86a81",
};
const VENDOR = path.join(ROOT, "test/support/vendor");

describe("vendored actions", () => {
  it("are upstream's files at the pinned commits, nothing added or changed", () => {
    const files = readdirSync(VENDOR, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name !== "README.md")
      .map((entry) => path.relative(VENDOR, path.join(entry.parentPath, entry.name)))
      .sort();
    expect(files).toEqual(Object.keys(UPSTREAM_BLOBS).sort());
    for (const file of files) {
      const blob = execFileSync("git", ["hash-object", path.join(VENDOR, file)], { encoding: "utf8" }).trim();
      expect(blob, file).toBe(UPSTREAM_BLOBS[file]);
    }
  });

  it("pins the same commits as the shipped workflows and the prepare action", () => {
    const pinned = execFileSync(
      "git",
      [
        "grep",
        "-hoE",
        "actions/(checkout|cache|setup-python|upload-pages-artifact|deploy-pages)@[0-9a-f]{40}",
        "--",
        ".github",
        "actions",
        "scripts",
      ],
      {
        cwd: ROOT,
        encoding: "utf8",
      },
    );
    const pins = new Set(pinned.trim().split("\n"));
    expect([...pins].sort()).toEqual([
      "actions/cache@27d5ce7f107fe9357f9df03efb73ab90386fccae",
      "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1",
      "actions/deploy-pages@cd2ce8fcbc39b97be8ca5fce6e763baed58fa128",
      "actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97",
      "actions/upload-pages-artifact@fc324d3547104276b827a68afc52ff2a11cc49c9",
    ]);
  });
});
