import { describe, expect, it } from "vitest";
import { requirementName } from "../../src/run/python.js";

describe("requirementName: the distribution a pip requirement names", () => {
  it.each([
    ["pylance", "pylance"],
    ["pylance==1.0.0", "pylance"],
    ["lancedb[embeddings]>=0.25,<1", "lancedb"],
    ["pkg @ https://example.com/pkg.whl", "pkg"],
    ["zope.interface ~= 6.0", "zope.interface"],
    ["numpy; python_version >= '3.10'", "numpy"],
    ["./python", undefined],
    ["dist/pylance-1.0.0-cp39-abi3-manylinux.whl", undefined],
    ["git+https://github.com/lancedb/lance", undefined],
  ])("%s → %s", (requirement, name) => {
    expect(requirementName(requirement)).toBe(name);
  });
});
