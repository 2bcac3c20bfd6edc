import { readFile } from "node:fs/promises";
import picomatch from "picomatch";
import { isMap, isSeq, parseDocument, type Node } from "yaml";
import {
  ConfigurationError,
  DEFAULT_CONFIG,
  RepoConfig,
  type BenchmarkRule,
  type CompareConfig,
  type MetricOverride,
  type MetricRule,
} from "../model/index.js";

export const CONFIG_FILE = ".lance-bench.yml";

/**
 * Reads `.lance-bench.yml`. A missing file means the defaults, unless it is `required` (a file
 * the user named: `--config`); anything wrong in a present file (YAML syntax, an unknown key, a
 * bad value) is one `ConfigurationError` naming the file, the key path and the line.
 */
export async function loadRepoConfig(file: string, options: { required?: boolean } = {}): Promise<RepoConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      if (options.required) throw new ConfigurationError(`config ${file}: no such file`);
      return DEFAULT_CONFIG;
    }
    throw new ConfigurationError(`${file}: cannot be read (${(error as Error).message})`);
  }
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    const error = document.errors[0]!;
    const line = error.linePos?.[0].line;
    throw new ConfigurationError(
      `${file}${line ? `: line ${line}` : ""}: invalid YAML (${error.message.split("\n")[0]})`,
    );
  }
  const raw: unknown = document.toJS() ?? {};
  const parsed = RepoConfig.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const keyPath = [...issue.path];
  if (issue.code === "unrecognized_keys") keyPath.push(issue.keys[0]!);
  const line = lineOf(document.contents, text, keyPath);
  const where = keyPath.length > 0 ? keyPath.join(".") : "top level";
  const message =
    issue.code === "unrecognized_keys" ? `unknown key (expected one of the documented keys)` : issue.message;
  throw new ConfigurationError(`${file}${line ? `: line ${line}` : ""}: ${where}: ${message}`);
}

function lineOf(root: unknown, text: string, keyPath: readonly PropertyKey[]): number | undefined {
  let node = root as Node | null | undefined;
  let offset: number | undefined;
  for (const key of keyPath) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === key);
      offset = (pair?.key as Node | undefined)?.range?.[0] ?? offset;
      node = pair?.value as Node | undefined;
    } else if (isSeq(node) && typeof key === "number") {
      node = node.items[key] as Node | undefined;
      offset = node?.range?.[0] ?? offset;
    } else break;
  }
  return offset === undefined ? undefined : text.slice(0, offset).split("\n").length;
}

export interface ResolvedPolicy {
  threshold: number;
  muted: boolean;
  reason?: string;
}

/** The threshold and mute of one benchmark: the defaults, then every matching rule in order. */
export function policyResolver(config: CompareConfig): (name: string) => ResolvedPolicy {
  const rules = config.benchmarks.map((rule: BenchmarkRule) => ({
    rule,
    matches: picomatch(rule.match, { dot: true }),
  }));
  return (name) => {
    const policy: ResolvedPolicy = { threshold: config.threshold, muted: false };
    for (const { rule, matches } of rules) {
      if (!matches(name)) continue;
      if (rule.threshold !== undefined) policy.threshold = rule.threshold;
      if (rule.mute !== undefined) policy.muted = rule.mute;
      if (rule.reason !== undefined) policy.reason = rule.reason;
    }
    return policy;
  };
}

/** The unit, direction and metric the config gives one benchmark: every matching rule, in order. */
export function metricResolver(rules: readonly MetricRule[]): (name: string) => MetricOverride | undefined {
  const compiled = rules.map((rule) => ({ rule, matches: picomatch(rule.match, { dot: true }) }));
  return (name) => {
    let found: MetricOverride | undefined;
    for (const { rule, matches } of compiled) {
      if (!matches(name)) continue;
      found = { ...found };
      if (rule.unit !== undefined) found.unit = rule.unit;
      if (rule.direction !== undefined) found.direction = rule.direction;
      if (rule.metric !== undefined) found.metric = rule.metric;
    }
    return found;
  };
}
