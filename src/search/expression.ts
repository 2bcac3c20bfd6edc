/**
 * Constraint and filter expressions over a probe's metrics: `recall_avg >= 0.95`,
 * `recall >= 0.9 and latency_p99 <= 5`, `(p99 < 10 or qps > 1e5) and recall >= 0.9`.
 *
 * Grammar (keywords are case-insensitive; `&&` and `||` are accepted for `and` and `or`):
 *
 *     expression := conjunction ( "or" conjunction )*
 *     conjunction := term ( "and" term )*
 *     term       := "(" expression ")" | comparison
 *     comparison := operand ( "<" | "<=" | ">" | ">=" | "==" | "!=" ) operand
 *     operand    := number | metric
 *     metric     := [A-Za-z_][A-Za-z0-9_.:/-]*  |  `any text but a backtick`
 *
 * A hand-written recursive-descent parser rather than `eval`/`new Function` (the text comes
 * from a workflow input: it must never run as code) or a dependency (six comparison operators
 * and two connectives are a page of code; the expression libraries on npm are either `eval`
 * based or bring arithmetic, functions and member access that a threshold does not need).
 * Errors name the column, so a typo in a 40-character filter is found at once.
 */
import { ConfigurationError } from "../model/errors.js";

export type ComparisonOperator = "<" | "<=" | ">" | ">=" | "==" | "!=";

export type Operand =
  { kind: "metric"; name: string; position: number } | { kind: "number"; value: number; position: number };

export type Expression =
  | { kind: "comparison"; left: Operand; operator: ComparisonOperator; right: Operand; position: number }
  | { kind: "and" | "or"; operands: readonly Expression[] };

/** A filter that cannot be parsed: `position` is the 0-based offset of the offending character. */
export class ExpressionError extends ConfigurationError {
  override name = "ExpressionError";
  constructor(
    readonly source: string,
    readonly position: number,
    readonly reason: string,
  ) {
    super(`invalid expression "${source}": at column ${position + 1}, ${reason}`);
  }
}

/** A metric the expression names but the probe did not report (a typo, or the wrong output format). */
export class UnknownMetricError extends ConfigurationError {
  override name = "UnknownMetricError";
  constructor(
    readonly metric: string,
    readonly available: readonly string[],
    readonly context: string,
  ) {
    const reported = available.length > 0 ? available.join(", ") : "no metrics at all";
    super(`${context}: unknown metric "${metric}"; the probe reported ${reported}`);
  }
}

type Token =
  | { kind: "number"; value: number; position: number; text: string }
  | { kind: "metric"; name: string; position: number; text: string }
  | { kind: "operator"; operator: ComparisonOperator; position: number; text: string }
  | { kind: "and" | "or" | "(" | ")" | "end"; position: number; text: string };

const OPERATORS: readonly ComparisonOperator[] = ["<=", ">=", "==", "!=", "<", ">"];
const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_.:/-]*/;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const fail = (position: number, reason: string): never => {
    throw new ExpressionError(source, position, reason);
  };
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === "(" || ch === ")") {
      tokens.push({ kind: ch, position: i, text: ch });
      i++;
      continue;
    }
    if (rest.startsWith("&&") || rest.startsWith("||")) {
      tokens.push({ kind: ch === "&" ? "and" : "or", position: i, text: rest.slice(0, 2) });
      i += 2;
      continue;
    }
    const operator = OPERATORS.find((op) => rest.startsWith(op));
    if (operator) {
      tokens.push({ kind: "operator", operator, position: i, text: operator });
      i += operator.length;
      continue;
    }
    if (ch === "=") fail(i, 'found "=", write "==" to compare');
    // A sign belongs to a number only where a number may start; there is no arithmetic.
    const signed = (ch === "-" || ch === "+") && NUMBER.test(rest.slice(1));
    const number = NUMBER.exec(signed ? rest.slice(1) : rest);
    if (number) {
      const text = (signed ? ch : "") + number[0];
      const end = i + text.length;
      if (end < source.length && /[A-Za-z_%]/.test(source[end]!)) {
        fail(end, `"${text}" is followed by "${source[end]}": write the number alone, in the metric's own unit`);
      }
      tokens.push({ kind: "number", value: Number(text), position: i, text });
      i = end;
      continue;
    }
    if (ch === "`") {
      const close = source.indexOf("`", i + 1);
      if (close < 0) fail(i, "unclosed backtick in a metric name");
      if (close === i + 1) fail(i, "empty metric name");
      tokens.push({ kind: "metric", name: source.slice(i + 1, close), position: i, text: source.slice(i, close + 1) });
      i = close + 1;
      continue;
    }
    const name = NAME.exec(rest);
    if (name) {
      const word = name[0];
      const keyword = word.toLowerCase();
      if (keyword === "and" || keyword === "or") tokens.push({ kind: keyword, position: i, text: word });
      else tokens.push({ kind: "metric", name: word, position: i, text: word });
      i += word.length;
      continue;
    }
    fail(i, `unexpected character "${ch}"`);
  }
  tokens.push({ kind: "end", position: source.length, text: "" });
  return tokens;
}

/** Parses a filter or constraint; throws `ExpressionError` naming the column of the first problem. */
export function parseExpression(source: string): Expression {
  const tokens = tokenize(source);
  let next = 0;
  const peek = (): Token => tokens[next]!;
  const found = (token: Token) => (token.kind === "end" ? "the end of the expression" : `"${token.text}"`);
  const fail = (token: Token, expected: string): never => {
    throw new ExpressionError(source, token.position, `expected ${expected}, found ${found(token)}`);
  };

  const operand = (): Operand => {
    const token = tokens[next]!;
    if (token.kind === "number") {
      next++;
      return { kind: "number", value: token.value, position: token.position };
    }
    if (token.kind === "metric") {
      next++;
      return { kind: "metric", name: token.name, position: token.position };
    }
    return fail(token, "a number or a metric name");
  };

  const comparison = (): Expression => {
    const start = peek();
    const left = operand();
    const op = peek();
    if (op.kind !== "operator") return fail(op, "a comparison (<, <=, >, >=, ==, !=)");
    next++;
    const right = operand();
    if (left.kind === "number" && right.kind === "number") {
      throw new ExpressionError(source, start.position, "a comparison needs a metric name on at least one side");
    }
    return { kind: "comparison", left, operator: op.operator, right, position: start.position };
  };

  const term = (): Expression => {
    const token = peek();
    if (token.kind === "number" || token.kind === "metric") return comparison();
    if (token.kind !== "(") return fail(token, 'a comparison or "("');
    next++;
    const inner = disjunction();
    if (peek().kind !== ")") fail(peek(), `")" to close the "(" at column ${token.position + 1}`);
    next++;
    return inner;
  };

  const chain = (kind: "and" | "or", part: () => Expression) => (): Expression => {
    const operands = [part()];
    while (peek().kind === kind) {
      next++;
      operands.push(part());
    }
    return operands.length === 1 ? operands[0]! : { kind, operands };
  };
  // `and` binds tighter than `or`, as in SQL and most languages.
  const conjunction = chain("and", term);
  const disjunction = chain("or", conjunction);

  if (peek().kind === "end") fail(peek(), "a comparison such as `recall >= 0.9`");
  const expression = disjunction();
  if (peek().kind !== "end") fail(peek(), '"and", "or" or the end of the expression');
  return expression;
}

/** The metric names an expression reads, in order of first appearance. */
export function metricNames(expression: Expression): string[] {
  const names = new Set<string>();
  const visit = (e: Expression) => {
    if (e.kind !== "comparison") return e.operands.forEach(visit);
    for (const side of [e.left, e.right]) if (side.kind === "metric") names.add(side.name);
  };
  visit(expression);
  return [...names];
}

/** The expression as canonical text: fully parenthesised where `or` nests inside `and`. */
export function formatExpression(expression: Expression): string {
  const operand = (o: Operand) => {
    if (o.kind === "number") return String(o.value);
    return NAME.exec(o.name)?.[0] === o.name && !/^(and|or)$/i.test(o.name) ? o.name : `\`${o.name}\``;
  };
  const format = (e: Expression, parent?: "and" | "or"): string => {
    if (e.kind === "comparison") return `${operand(e.left)} ${e.operator} ${operand(e.right)}`;
    const text = e.operands.map((o) => format(o, e.kind)).join(` ${e.kind} `);
    return parent === "and" && e.kind === "or" ? `(${text})` : text;
  };
  return format(expression);
}

/**
 * How a probe's metrics stand against an expression.
 * - `margin`: signed relative slack, positive when met (`recall 0.97` against `>= 0.95` → +0.021);
 *   `and` takes its weakest part, `or` its strongest.
 * - `violation`: how far from being met, 0 when met: the relative shortfall of each broken
 *   comparison, summed over `and` (two near misses are farther than one) and the smallest of an
 *   `or`. This is the "closeness" used to name the closest probe when nothing met a filter.
 * - `nearBoundary`: whether noise of `tolerance(metric)` (relative) could change `passed`.
 */
export interface Assessment {
  passed: boolean;
  margin: number;
  violation: number;
  nearBoundary: boolean;
}

/**
 * Assesses metrics against an expression. Relative means "as a fraction of the threshold" (or
 * of the larger side when two metrics are compared; absolute when the threshold is 0).
 * Throws `UnknownMetricError` when the expression names a metric that is not in `metrics`.
 */
export function assess(
  expression: Expression,
  metrics: Readonly<Record<string, number>>,
  options: { tolerance?: (metric: string) => number; context?: string } = {},
): Assessment {
  const tolerance = options.tolerance ?? (() => 0);
  const value = (o: Operand): number => {
    if (o.kind === "number") return o.value;
    const v = metrics[o.name];
    if (v === undefined || !Object.hasOwn(metrics, o.name)) {
      throw new UnknownMetricError(o.name, Object.keys(metrics), options.context ?? formatExpression(expression));
    }
    return v;
  };
  // Each part yields the interval its margin could take under noise; near = the interval spans 0.
  type Part = { passed: boolean; margin: number; violation: number; low: number; high: number };
  const visit = (e: Expression): Part => {
    if (e.kind !== "comparison") {
      const parts = e.operands.map(visit);
      const pick = e.kind === "and" ? Math.min : Math.max;
      return {
        passed: e.kind === "and" ? parts.every((p) => p.passed) : parts.some((p) => p.passed),
        margin: pick(...parts.map((p) => p.margin)),
        violation:
          e.kind === "and"
            ? parts.reduce((sum, p) => sum + p.violation, 0)
            : Math.min(...parts.map((p) => p.violation)),
        low: pick(...parts.map((p) => p.low)),
        high: pick(...parts.map((p) => p.high)),
      };
    }
    const left = value(e.left);
    const right = value(e.right);
    const scale =
      e.left.kind === "number"
        ? Math.abs(left)
        : e.right.kind === "number"
          ? Math.abs(right)
          : Math.max(Math.abs(left), Math.abs(right));
    const difference = (left - right) / (scale > 0 ? scale : 1);
    // NaN (a metric the program printed as "nan") meets nothing and is infinitely far from it.
    const margin = Number.isNaN(difference) ? -Infinity : marginOf(e.operator, difference);
    const passed = compare(e.operator, left, right);
    // A broken strict comparison at margin 0 (`p99 < 10` with p99 = 10) is still a miss.
    const violation = passed ? 0 : Math.max(-margin, Number.EPSILON);
    const noise = Math.max(...[e.left, e.right].map((o) => (o.kind === "metric" ? tolerance(o.name) : 0)));
    return { passed, margin, violation, low: margin - noise, high: margin + noise };
  };
  const result = visit(expression);
  return {
    passed: result.passed,
    margin: result.margin,
    violation: result.violation,
    nearBoundary: result.high > result.low && result.low <= 0 && result.high >= 0,
  };
}

/** Whether the metrics meet the expression (throws `UnknownMetricError` like `assess`). */
export function evaluateExpression(expression: Expression, metrics: Readonly<Record<string, number>>): boolean {
  return assess(expression, metrics).passed;
}

function compare(operator: ComparisonOperator, left: number, right: number): boolean {
  switch (operator) {
    case "<":
      return left < right;
    case "<=":
      return left <= right;
    case ">":
      return left > right;
    case ">=":
      return left >= right;
    case "==":
      return left === right;
    case "!=":
      return left !== right;
  }
}

/** Signed slack of `left op right` from `difference = (left - right) / scale`. */
function marginOf(operator: ComparisonOperator, difference: number): number {
  switch (operator) {
    case "<":
    case "<=":
      return -difference;
    case ">":
    case ">=":
      return difference;
    case "==":
      return -Math.abs(difference);
    case "!=":
      return Math.abs(difference);
  }
}
