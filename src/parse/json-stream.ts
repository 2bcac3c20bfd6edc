import { ResultFileError } from "../model/index.js";
import { parseJson } from "./common.js";

/*
 * A JSON document shaped `{ ..., "benchmarks": [ {...}, {...} ], ... }` streamed one array
 * element at a time, so a pytest-benchmark file of hundreds of megabytes (hundreds of
 * thousands of rounds per benchmark is normal for fast functions) never sits in memory whole.
 * Hand-written rather than a streaming-JSON library because the files come from Python, whose
 * json module writes bare NaN/Infinity tokens that every JSON parser rejects; each element is
 * cut out here and decoded by `parseJson`, which maps those tokens and names the line.
 */

/** One member value or array element held at a time; larger is not benchmark output. */
export const MAX_JSON_VALUE_CHARS = 256 * 1024 * 1024;

export interface StreamedObject {
  /** The top-level members other than the streamed array, decoded. */
  members: Record<string, unknown>;
  /** Elements the streamed array held (0 when it was missing). */
  elements: number;
  /** Whether the streamed array member was present at all. */
  sawArray: boolean;
}

const enum Expect {
  TopLevel,
  Key,
  Colon,
  Value,
  CommaOrEnd,
  Done,
}

/**
 * Streams `chunks` (the text of `file`) as a JSON object, calling `onElement` with each
 * element of the member `arrayKey` (decoded, with its index and starting line).
 */
export async function streamJsonObject(
  chunks: AsyncIterable<string> | Iterable<string>,
  file: string,
  arrayKey: string,
  onElement: (element: unknown, index: number, line: number) => void,
): Promise<StreamedObject> {
  const members: Record<string, unknown> = {};
  let expect = Expect.TopLevel;
  let line = 1;
  let depth = 0; // nesting inside the captured value
  let inString = false;
  let escaped = false;
  let key: string | undefined;
  let inArray = false; // between the streamed array's brackets
  let arrayExpectsElement = true;
  let elements = 0;
  let sawArray = false;
  // The text being captured (a key, a member value or an array element), in chunk slices.
  let parts: string[] = [];
  let captureLength = 0;
  let capturing: "key" | "member" | "element" | undefined;
  let captureLine = 1;
  let captureStart = 0;

  const fail = (reason: string): never => {
    throw new ResultFileError(file, `line ${line}`, reason);
  };

  for await (const chunk of chunks) {
    const finishCapture = (endExclusive: number): string => {
      parts.push(chunk.slice(captureStart, endExclusive));
      const text = parts.join("");
      parts = [];
      captureLength = 0;
      capturing = undefined;
      return text;
    };
    const startCapture = (kind: "key" | "member" | "element", at: number) => {
      capturing = kind;
      captureStart = at;
      captureLine = line;
    };
    const endValue = (endExclusive: number) => {
      if (capturing === "element") {
        onElement(parseJson(finishCapture(endExclusive), file, undefined, captureLine), elements, captureLine);
        elements++;
        arrayExpectsElement = false;
      } else if (capturing === "member") {
        members[key!] = parseJson(finishCapture(endExclusive), file, undefined, captureLine);
        expect = Expect.CommaOrEnd;
      }
    };

    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i]!;
      if (ch === "\n") line++;
      if (inString) {
        if (escaped) escaped = false;
        else if (ch === "\\") escaped = true;
        else if (ch === '"') {
          inString = false;
          if (capturing === "key") {
            key = String(parseJson(finishCapture(i + 1), file, undefined, captureLine));
            expect = Expect.Colon;
          } else if (depth === 0 && capturing) endValue(i + 1); // a string value just ended
        }
        continue;
      }
      if (ch === " " || ch === "\n" || ch === "\r" || ch === "\t" || ch === "\ufeff") {
        if (capturing && depth === 0 && capturing !== "key") endValue(i); // end of a bare number/literal
        continue;
      }
      // A bare value (number, true, NaN, …) ends at the next delimiter.
      if (capturing && capturing !== "key" && depth === 0 && (ch === "," || ch === "}" || ch === "]")) endValue(i);

      if (capturing && capturing !== "key") {
        if (ch === '"') inString = true;
        else if (ch === "{" || ch === "[") depth++;
        else if (ch === "}" || ch === "]") {
          depth--;
          if (depth === 0) endValue(i + 1);
        }
        continue;
      }

      if (inArray) {
        if (ch === "]") {
          inArray = false;
          expect = Expect.CommaOrEnd;
        } else if (ch === ",") {
          if (arrayExpectsElement) fail(`invalid JSON in ${arrayKey} (unexpected ",")`);
          arrayExpectsElement = true;
        } else {
          if (!arrayExpectsElement) fail(`invalid JSON in ${arrayKey} (expected "," or "]")`);
          startCapture("element", i);
          if (ch === '"') inString = true;
          else if (ch === "{" || ch === "[") depth = 1;
        }
        continue;
      }

      switch (expect) {
        case Expect.TopLevel:
          if (ch !== "{") fail("not a JSON object");
          expect = Expect.Key;
          break;
        case Expect.Key:
          if (ch === "}" && Object.keys(members).length === 0 && !sawArray) expect = Expect.Done;
          else if (ch === '"') {
            startCapture("key", i);
            inString = true;
          } else fail(`invalid JSON (expected a member name, found "${ch}")`);
          break;
        case Expect.Colon:
          if (ch !== ":") fail(`invalid JSON (expected ":" after "${key}")`);
          expect = Expect.Value;
          break;
        case Expect.Value:
          if (key === arrayKey && ch === "[") {
            inArray = true;
            sawArray = true;
            arrayExpectsElement = true;
          } else if (key === arrayKey) {
            fail(`field ${arrayKey} is not an array`);
          } else {
            startCapture("member", i);
            if (ch === '"') inString = true;
            else if (ch === "{" || ch === "[") depth = 1;
          }
          break;
        case Expect.CommaOrEnd:
          if (ch === ",") expect = Expect.Key;
          else if (ch === "}") expect = Expect.Done;
          else fail(`invalid JSON (expected "," or "}", found "${ch}")`);
          break;
        case Expect.Done:
          fail("unexpected text after the JSON object");
      }
    }
    if (capturing) {
      const rest = chunk.slice(captureStart);
      parts.push(rest);
      captureLength += rest.length;
      captureStart = 0;
      if (captureLength > MAX_JSON_VALUE_CHARS) {
        throw new ResultFileError(
          file,
          `line ${captureLine}`,
          `one JSON value is longer than ${MAX_JSON_VALUE_CHARS / 1024 / 1024} MiB`,
        );
      }
    }
  }
  if (expect !== Expect.Done) throw new ResultFileError(file, `line ${line}`, "invalid JSON (truncated?)");
  return { members, elements, sawArray };
}
