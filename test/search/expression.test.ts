import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  assess,
  evaluateExpression,
  ExpressionError,
  formatExpression,
  metricNames,
  parseExpression,
  UnknownMetricError,
  type Expression,
} from "../../src/search/index.js";
import { ConfigurationError } from "../../src/model/errors.js";

const holds = (text: string, metrics: Record<string, number>) => evaluateExpression(parseExpression(text), metrics);

describe("parseExpression", () => {
  it("parses a single comparison into an AST with positions", () => {
    expect(parseExpression("recall_avg >= 0.95")).toEqual({
      kind: "comparison",
      left: { kind: "metric", name: "recall_avg", position: 0 },
      operator: ">=",
      right: { kind: "number", value: 0.95, position: 14 },
      position: 0,
    });
  });

  it("evaluates every comparison operator, either way round", () => {
    const m = { p99: 12.5 };
    expect([
      holds("p99 < 12.5", m),
      holds("p99 <= 12.5", m),
      holds("p99 > 12.5", m),
      holds("p99 >= 12.5", m),
      holds("p99 == 12.5", m),
      holds("p99 != 12.5", m),
    ]).toEqual([false, true, false, true, true, false]);
    expect(holds("13 > p99", m)).toBe(true);
    expect(holds("12.5 >= p99 and 1.25e1 == p99", m)).toBe(true);
  });

  it("binds and tighter than or, and parentheses override it", () => {
    const m = { a: 1, b: 0, c: 0 };
    // a or (b and c) = true; (a or b) and c = false.
    expect(holds("a > 0 or b > 0 and c > 0", m)).toBe(true);
    expect(holds("(a > 0 or b > 0) and c > 0", m)).toBe(false);
    expect(formatExpression(parseExpression("a > 0 or b > 0 and c > 0"))).toBe("a > 0 or b > 0 and c > 0");
    expect(formatExpression(parseExpression("((a > 0 or b > 0)) and c > 0"))).toBe("(a > 0 or b > 0) and c > 0");
  });

  it("flattens chains and accepts AND/OR in any case, && and ||", () => {
    const e = parseExpression("recall >= 0.9 AND latency_p99 <= 5 && qps > 100 || x == 1");
    expect(e.kind).toBe("or");
    expect(formatExpression(e)).toBe("recall >= 0.9 and latency_p99 <= 5 and qps > 100 or x == 1");
    const first = e.kind === "or" ? e.operands[0]! : e;
    expect(first.kind === "and" && first.operands).toHaveLength(3);
    expect(metricNames(e)).toEqual(["recall", "latency_p99", "qps", "x"]);
  });

  it("reads negative and scientific numbers, dotted and dashed names, backtick-quoted names", () => {
    expect(holds("delta > -0.5", { delta: -0.25 })).toBe(true);
    expect(holds("qps>=1e5", { qps: 100000 })).toBe(true);
    expect(holds("scan.elapsed <= .5 and vec-query:ef_100 > 0", { "scan.elapsed": 0.4, "vec-query:ef_100": 1 })).toBe(
      true,
    );
    expect(holds("`p99 (ms)` < 3", { "p99 (ms)": 2 })).toBe(true);
  });

  it.each([
    ["recall >=", 10, "expected a number or a metric name, found the end of the expression"],
    ["recall = 0.9", 8, 'found "=", write "==" to compare'],
    ["recall >= 0.9 and", 18, 'expected a comparison or "(", found the end of the expression'],
    ["(recall >= 0.9 or p99 < 3", 26, 'expected ")" to close the "(" at column 1'],
    ["recall >= 0.9)", 14, 'expected "and", "or" or the end of the expression, found ")"'],
    ["recall 0.9", 8, 'expected a comparison (<, <=, >, >=, ==, !=), found "0.9"'],
    ["0.9 <= 1", 1, "needs a metric name on at least one side"],
    ["p99 <= 12ms", 10, '"12" is followed by "m": write the number alone'],
    ["recall >= 90%", 13, '"90" is followed by "%"'],
    ["recall >= 0.9 # comment", 15, 'unexpected character "#"'],
    ["", 1, "expected a comparison such as `recall >= 0.9`, found the end"],
    ["`p99 <= 3", 1, "unclosed backtick"],
    ["recall >= 0.9 and and p99 < 1", 19, 'expected a comparison or "(", found "and"'],
  ])("%j fails at column %i: %s", (text, column, reason) => {
    const error = (() => {
      try {
        parseExpression(text);
      } catch (e) {
        return e;
      }
      throw new Error("parsed");
    })() as ExpressionError;
    expect(error).toBeInstanceOf(ExpressionError);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.position).toBe(column - 1);
    expect(error.message).toContain(`at column ${column}, `);
    expect(error.message).toContain(reason);
    expect(error.message).toContain(`"${text}"`);
  });

  it("survives a format → parse round trip for any expression (property)", () => {
    const name = fc.constantFrom("recall", "latency_p99", "qps", "scan.elapsed", "vec-query:ef_100", "p99 (ms)");
    const operand = fc.oneof(
      name.map((n) => ({ kind: "metric" as const, name: n, position: 0 })),
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((v) => ({
        kind: "number" as const,
        value: Object.is(v, -0) ? 0 : v,
        position: 0,
      })),
    );
    const comparison = fc
      .tuple(
        name.map((n) => ({ kind: "metric" as const, name: n, position: 0 })),
        fc.constantFrom("<", "<=", ">", ">=", "==", "!=" as const),
        operand,
        fc.boolean(),
      )
      .map(([metric, operator, other, swap]) => ({
        kind: "comparison" as const,
        left: swap ? other : metric,
        operator,
        right: swap ? metric : other,
        position: 0,
      }));
    const { expression } = fc.letrec<{ expression: Expression }>((tie) => ({
      expression: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        comparison,
        fc
          .tuple(
            fc.constantFrom("and" as const, "or" as const),
            fc.array(tie("expression"), { minLength: 2, maxLength: 3 }),
          )
          .map(([kind, operands]) => ({ kind, operands })),
      ),
    }));
    fc.assert(
      fc.property(expression, (e) => {
        const text = formatExpression(e);
        expect(formatExpression(parseExpression(text))).toBe(text);
      }),
    );
  });
});

describe("assess", () => {
  const e = parseExpression("recall >= 0.95 and p99 <= 10");

  it("gives the signed relative margin of the weakest constraint and the summed violation", () => {
    const met = assess(e, { recall: 0.969, p99: 9 });
    expect(met.passed).toBe(true);
    expect(met.margin).toBeCloseTo(0.02, 6); // recall is the weakest: (0.969 - 0.95) / 0.95
    expect(met.violation).toBe(0);
    const missed = assess(e, { recall: 0.9025, p99: 12 });
    expect(missed.passed).toBe(false);
    expect(missed.margin).toBeCloseTo(-0.2, 6);
    expect(missed.violation).toBeCloseTo(0.05 + 0.2, 6);
  });

  it("takes the smallest violation of an or, and a strict miss at equality is still a (tiny) violation", () => {
    const either = assess(parseExpression("p99 <= 10 or qps >= 1000"), { p99: 11, qps: 500 });
    expect(either.violation).toBeCloseTo(0.1, 6);
    const strict = assess(parseExpression("p99 < 10"), { p99: 10 });
    expect(strict.passed).toBe(false);
    expect(strict.violation).toBeGreaterThan(0);
  });

  it("scales by the larger side when two metrics are compared, absolutely against 0", () => {
    expect(assess(parseExpression("qps >= baseline_qps"), { qps: 90, baseline_qps: 100 }).violation).toBeCloseTo(0.1);
    expect(assess(parseExpression("errors <= 0"), { errors: 3 }).violation).toBe(3);
  });

  it("is near the boundary when noise of the tolerance could change the verdict", () => {
    const tolerance = () => 0.05;
    expect(assess(e, { recall: 0.999, p99: 9.8 }, { tolerance }).nearBoundary).toBe(true);
    expect(assess(e, { recall: 0.999, p99: 10.4 }, { tolerance }).nearBoundary).toBe(true);
    expect(assess(e, { recall: 0.99, p99: 5 }, { tolerance }).nearBoundary).toBe(true); // recall 4% above 0.95
    expect(assess(e, { recall: 0.999, p99: 5 }, { tolerance }).nearBoundary).toBe(false);
    expect(assess(e, { recall: 0.999, p99: 20 }, { tolerance }).nearBoundary).toBe(false);
    // A metric known to be steady (tolerance 0) never makes a probe doubtful.
    const steadyRecall = (m: string) => (m === "recall" ? 0 : 0.05);
    expect(assess(e, { recall: 0.951, p99: 5 }, { tolerance: steadyRecall }).nearBoundary).toBe(false);
  });

  it("treats a NaN metric as infinitely far from meeting anything", () => {
    const r = assess(parseExpression("p99 <= 10"), { p99: Number.NaN });
    expect(r).toMatchObject({ passed: false, margin: -Infinity, violation: Infinity });
  });

  it("names an unknown metric and the metrics the probe reported", () => {
    expect(() => assess(e, { recall_avg: 0.9, p99: 3 })).toThrow(UnknownMetricError);
    expect(() => assess(e, { recall_avg: 0.9, p99: 3 }, { context: 'filter "recall >= 0.95 and p99 <= 10"' })).toThrow(
      'filter "recall >= 0.95 and p99 <= 10": unknown metric "recall"; the probe reported recall_avg, p99',
    );
    // Inherited properties are not metrics.
    expect(() => assess(parseExpression("toString > 0"), {})).toThrow('unknown metric "toString"');
  });
});
