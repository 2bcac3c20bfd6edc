export * from "./errors.js";
export * from "./metric.js";
export * from "./result.js";
export * from "./options.js";
export * from "./schedule.js";
export * from "./repo-config.js";
export * from "./comparison.js";
export * from "./pipeline.js";
