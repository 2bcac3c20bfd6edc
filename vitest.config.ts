import { defineConfig } from "vitest/config";

/**
 * The unit project: the core in process (model, parsers, statistics, searches, reports, the local
 * store, the GitHub client against the local OpenAPI-checked server), seconds per file:
 * `npm run test:unit`. Everything else is e2e (`npm run test:e2e`): cargo and pytest runs,
 * PostgreSQL, S3 (moto), Chromium, the CLI as a process, the action bundles, workflows under act.
 * `npm test` runs both.
 */
export const UNIT_TESTS = [
  "test/model/**/*.test.ts",
  "test/context/{context,result-ids,child-env}.test.ts",
  "test/stats/**/*.test.ts",
  "test/search/**/*.test.ts",
  "test/parse/{parsers,command-output,pytest-failures,pytest-timer,fuzz,rapidbyte}.test.ts",
  "test/report/{history-report,search-chart}.test.ts",
  "test/commands/pipeline-results.test.ts",
  "test/store/{store,create-race-local,retry}.test.ts",
  "test/run/{process-tree,cargo,build-cache,python-steps,requirement-name}.test.ts",
  "test/github/{openapi-contract,client-faults}.test.ts",
  "test/actions/github-services.test.ts",
  "test/run/cache-keys.test.ts",
];

export default defineConfig({
  test: {
    // Real cargo builds, pytest runs and LanceDB tables: generous limits, and test files in
    // separate processes so native handles never leak between them.
    testTimeout: 300_000,
    hookTimeout: 600_000,
    pool: "forks",
    maxWorkers: 2,
    reporters: ["default", "./test/support/count-reporter.ts"],
    projects: [
      { extends: true, test: { name: "unit", include: UNIT_TESTS } },
      { extends: true, test: { name: "e2e", include: ["test/**/*.test.ts"], exclude: UNIT_TESTS } },
    ],
  },
});
