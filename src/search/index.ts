/**
 * Configuration searches over a probe (the benchmark run once with a parameter assignment):
 * a grid with a filter, and a noise-robust binary search under constraints. Pure: the caller
 * runs the benchmark inside its probe and stores what `onProbe` hands it.
 */
export * from "./expression.js";
export * from "./probe.js";
export * from "./result.js";
export * from "./grid.js";
export * from "./binary.js";
