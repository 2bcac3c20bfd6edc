import { describe, expect, it } from "vitest";
import {
  checkRequest,
  checkResponse,
  exampleResponse,
  matchOperation,
  type MatchedOperation,
} from "../support/github-openapi.js";

/** The contract checker itself: it must catch a wrong path, verb, parameter, body and response. */
const match = (method: string, path: string) => {
  const matched = matchOperation(method, path);
  if (typeof matched === "string") throw new Error(matched);
  return matched as MatchedOperation;
};
const DISPATCH = "/repos/o/r/actions/workflows/bench.yml/dispatches";

describe("GitHub's OpenAPI contract", () => {
  it("matches documented paths and names the undocumented ones", () => {
    expect(match("GET", "/repos/o/r/commits/main").template).toBe("/repos/{owner}/{repo}/commits/{ref}");
    expect(matchOperation("GET", "/repos/o/r/comits")).toMatch(/no documented path/);
    expect(matchOperation("PUT", DISPATCH)).toMatch(/PUT is not documented/);
  });

  it("accepts a valid dispatch and rejects a wrong payload", () => {
    const dispatch = match("POST", DISPATCH);
    expect(
      checkRequest(dispatch, new URLSearchParams(), { ref: "main", inputs: { git_sha: "abc" } }, "application/json"),
    ).toEqual([]);
    expect(checkRequest(dispatch, new URLSearchParams(), { inputs: {} }, "application/json").join()).toMatch(/ref/);
    expect(checkRequest(dispatch, new URLSearchParams(), undefined, undefined)).toEqual(["missing required JSON body"]);
  });

  it("checks query parameters", () => {
    const list = match("GET", "/repos/o/r/commits");
    expect(
      checkRequest(list, new URLSearchParams({ sha: "main", per_page: "100", page: "2" }), undefined, undefined),
    ).toEqual([]);
    expect(checkRequest(list, new URLSearchParams({ per_page: "many" }), undefined, undefined).join()).toMatch(
      /per_page/,
    );
    expect(checkRequest(list, new URLSearchParams({ branch: "main" }), undefined, undefined)).toEqual([
      "undocumented query parameter branch",
    ]);
  });

  it("checks canned responses, even GitHub's own examples (which drift from the schema)", () => {
    const commit = match("GET", "/repos/o/r/commits/main");
    const example = exampleResponse("GET", "/repos/{owner}/{repo}/commits/{ref}");
    expect(checkResponse(commit, 200, example).join()).toMatch(/files\/0 must have required property 'contents_url'/);
    expect(checkResponse(commit, 200, { ...example, files: [] })).toEqual([]);
    expect(checkResponse(commit, 200, { sha: "x" }).join()).toMatch(/required/);
    expect(checkResponse(commit, 418, {}).join()).toMatch(/not a documented response/);
  });
});
