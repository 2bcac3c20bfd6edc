/**
 * Which tests of a pytest run failed, and why, from what pytest itself writes:
 *
 * - the short test summary (`-rfE`): `FAILED <node id> - <message>` and `ERROR <node id> - …`
 *   lines give the exact node ids (the same ids pytest-benchmark names its benchmarks by), but
 *   pytest cuts the message to the terminal's width;
 * - the JUnit XML report (`--junitxml`, built into pytest) keeps the whole message of every
 *   `<failure>` and `<error>`, under a `classname`/`name` pair derived from the node id.
 *
 * The node ids come from the summary, each message from the XML where it has one.
 */
import path from "node:path";

export interface PytestFailure {
  /** The pytest node id, e.g. `tests/test_x.py::test_scan[small]`. */
  nodeId: string;
  /** FAILED (the test body) or ERROR (a fixture's setup or teardown). */
  kind: "FAILED" | "ERROR";
  /** The exception, e.g. `ValueError: Dataset at path … was not found`. */
  message: string;
}

const SUMMARY_HEADER = /^=+ short test summary info =+$/;
const SUMMARY_LINE = /^(FAILED|ERROR) (.+)$/;

/** Splits `<node id> - <message>`; a " - " inside the id's [parameters] stays in the id. */
function splitSummaryLine(rest: string): { nodeId: string; message: string } {
  const pieces = rest.split(" - ");
  let nodeId = pieces.shift()!;
  const unbalanced = (id: string) => id.split("[").length > id.split("]").length;
  while (pieces.length > 0 && unbalanced(nodeId)) nodeId += ` - ${pieces.shift()!}`;
  return { nodeId, message: pieces.join(" - ") };
}

/** The FAILED/ERROR lines of pytest's short test summary, in order (collection errors included). */
export function shortSummaryFailures(output: string): PytestFailure[] {
  const lines = output.split("\n").map((line) => line.trimEnd());
  const start = lines.findIndex((line) => SUMMARY_HEADER.test(line));
  if (start < 0) return [];
  const failures: PytestFailure[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith("=")) break;
    const match = SUMMARY_LINE.exec(line);
    if (!match) continue;
    failures.push({ kind: match[1] as PytestFailure["kind"], ...splitSummaryLine(match[2]!) });
  }
  return failures;
}

const XML_ENTITIES: Record<string, string> = { quot: '"', apos: "'", amp: "&", lt: "<", gt: ">" };

function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, entity: string) => {
    if (entity.startsWith("#x")) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith("#")) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return XML_ENTITIES[entity] ?? whole;
  });
}

function attributes(text: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of text.matchAll(/([\w:-]+)="([^"]*)"/g)) found[match[1]!] = decodeXml(match[2]!);
  return found;
}

/** The `classname` and `name` pytest's JUnit XML gives a node id (pytest's `mangle_test_address`). */
export function junitAddress(nodeId: string): string {
  const bracket = nodeId.indexOf("[");
  const address = bracket < 0 ? nodeId : nodeId.slice(0, bracket);
  const params = bracket < 0 ? "" : nodeId.slice(bracket);
  const names = address.split("::");
  names[0] = names[0]!.replaceAll("/", ".").replace(/\.py$/, "");
  names[names.length - 1] += params;
  return `${names.slice(0, -1).join(".")}\u0000${names[names.length - 1]}`;
}

/** Messages of the failed and errored test cases of a JUnit XML report, by `junitAddress`. */
export function junitFailureMessages(xml: string): Map<string, string> {
  const messages = new Map<string, string>();
  for (const testcase of xml.matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const body = testcase[2];
    if (!body) continue;
    const problem = /<(failure|error)\b([^>]*?)\/?>/.exec(body);
    if (!problem) continue;
    const { classname = "", name = "" } = attributes(testcase[1]!);
    const message = attributes(problem[2]!).message;
    if (message === undefined) continue;
    const key = `${classname}\u0000${name}`;
    // A test can fail and then error in teardown: the first problem is the cause.
    if (!messages.has(key)) messages.set(key, message);
  }
  return messages;
}

/** pytest's rootdir, from the header it prints (absent under `-q`). */
export function pytestRootdir(output: string): string | undefined {
  return /^rootdir: (.+?)(?:, (?:configfile|inifile): .*)?$/m.exec(output)?.[1]?.trim();
}

/**
 * A node id as pytest-benchmark names the benchmark: relative to pytest's rootdir. Since
 * pytest 7 the short summary writes the file part relative to the folder pytest ran in, which
 * differs when a `pyproject.toml` higher up makes the rootdir (Lance's `python/`).
 */
function rebaseNodeId(nodeId: string, cwd: string, rootdir: string): string {
  const split = nodeId.indexOf("::");
  const file = split < 0 ? nodeId : nodeId.slice(0, split);
  const relative = path.relative(rootdir, path.resolve(cwd, file));
  if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) return nodeId;
  return relative.split(path.sep).join("/") + (split < 0 ? "" : nodeId.slice(split));
}

/**
 * The JUnit message of a node id; where the rootdir was not printed (`-q`), an address whose
 * classname ends with the id's (the folders above the run's folder are missing from the id).
 */
function junitMessage(messages: Map<string, string>, nodeId: string): string | undefined {
  const address = junitAddress(nodeId);
  const exact = messages.get(address);
  if (exact !== undefined) return exact;
  for (const [key, message] of messages) if (key.endsWith(`.${address}`)) return message;
  return undefined;
}

/**
 * The failures of a pytest run that ran in `cwd`: node ids from the short summary (relative
 * to the rootdir, as the passing benchmarks are named), whole messages from the JUnit XML
 * (the summary's cut message where the XML has none).
 */
export function pytestFailures(output: string, junitXml: string | undefined, cwd?: string): PytestFailure[] {
  const messages = junitXml ? junitFailureMessages(junitXml) : new Map<string, string>();
  const rootdir = pytestRootdir(output);
  return shortSummaryFailures(output).map((failure) => {
    const nodeId = rootdir && cwd ? rebaseNodeId(failure.nodeId, cwd, rootdir) : failure.nodeId;
    return { ...failure, nodeId, message: junitMessage(messages, nodeId) ?? failure.message };
  });
}

/** One line per failure, for error messages: `FAILED <id> - <first line of the message>`. */
export function describeFailures(failures: readonly PytestFailure[], maxChars = 500): string {
  return failures
    .map((f) => {
      const message = f.message.split("\n")[0]!.trim();
      const short = message.length > maxChars ? `${message.slice(0, maxChars)}…` : message;
      return `${f.kind} ${f.nodeId}${short ? ` - ${short}` : ""}`;
    })
    .join("\n");
}
