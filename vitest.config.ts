import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Real cargo builds, pytest runs and LanceDB tables: generous limits, and test files in
    // separate processes so native handles never leak between them.
    testTimeout: 300_000,
    hookTimeout: 600_000,
    pool: "forks",
    maxWorkers: 2,
    reporters: ["default", "./test/count-reporter.ts"],
  },
});
