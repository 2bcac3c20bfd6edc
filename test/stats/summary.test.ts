import { describe, expect, it } from "vitest";
import { summarize } from "../../src/stats/summary.js";

describe("summarize", () => {
  it("matches numpy's default (linear) quantiles and the sample standard deviation", () => {
    // numpy.percentile([1, 2, 3, 4, 10], [25, 50, 75]) == [2, 3, 4]; statistics.stdev == 3.5355...
    expect(summarize([10, 1, 3, 2, 4])).toEqual({
      min: 1,
      q1: 2,
      median: 3,
      q3: 4,
      max: 10,
      mean: 4,
      standard_deviation: Math.sqrt(12.5),
    });
    // Interpolated: numpy.percentile([1, 2, 3, 4], 25) == 1.75
    expect(summarize([4, 3, 2, 1])).toMatchObject({ q1: 1.75, median: 2.5, q3: 3.25 });
  });

  it("gives a zero deviation for a single sample and refuses none", () => {
    expect(summarize([7])).toEqual({ min: 7, q1: 7, median: 7, q3: 7, max: 7, mean: 7, standard_deviation: 0 });
    expect(() => summarize([])).toThrow();
  });
});
