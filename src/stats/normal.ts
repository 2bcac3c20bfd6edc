import jStat from "jstat";

/**
 * The standard normal tail, for the large-sample Mann-Whitney test.
 *
 * Written here rather than imported: the maintained implementations on npm either come as a
 * tree of ~140 single-function packages (@stdlib) or compute 1 − erf(x), which loses every
 * significant digit in the tail where p-values live. This is the Chebyshev fit of erfc from
 * Numerical Recipes (§6.2, `erfcc`), with a relative error below 1.2e-7 everywhere.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(Z ≥ z) for a standard normal Z. */
export function normalSurvival(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** The two-sided standard normal quantile of a confidence level (0.95 → 1.96), through jStat. */
export function normalQuantileOf(confidence: number): number {
  return jStat.normal.inv(1 - (1 - confidence) / 2, 0, 1);
}
