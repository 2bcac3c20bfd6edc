import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "lib/",
      "node_modules/",
      "fixtures/",
      "test-output/",
      "test/support/vendor/",
      "bench/output/",
      "scratch/",
      ".venv/",
      ".venv-seed/",
      ".venv-otava/",
      ".tools/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Type-aware rules for the source only. Tests, bench and scripts stay on the
    // non-type-checked preset above: they are not all in a tsconfig project, and
    // type-checking them would slow the lint for little gain.
    files: ["src/**/*.ts"],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    files: ["**/*.ts"],
    rules: { "no-duplicate-imports": "error" },
  },
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
  {
    // The core never imports the Actions toolkit: only the adapters in src/actions may (docs/architecture.md).
    files: ["src/**/*.ts"],
    ignores: ["src/actions/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@actions/*"], message: "only src/actions/ may import the Actions toolkit" }] },
      ],
    },
  },
  {
    // Imports point one way: adapters → commands → stages → model. A stage imports only the
    // model; the model imports nothing of ours.
    files: ["src/{parse,stats,search,store,context,report,github}/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            // a stage's subfolder (src/report/dashboard) reaches the model as ../../model
            {
              group: ["../*", "!../model", "!../model/*", "!../..", "../../*", "!../../model", "!../../model/*"],
              message: "a stage imports only ../model",
            },
            { group: ["@actions/*"], message: "only src/actions/ may import the Actions toolkit" },
          ],
        },
      ],
    },
  },
  {
    // Running benchmarks uses the model and the machine context, never parsing or storing.
    files: ["src/run/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["../*", "!../model", "!../model/*", "!../context", "!../context/*"],
              message: "run/ imports only ../model and ../context",
            },
            { group: ["@actions/*"], message: "only src/actions/ may import the Actions toolkit" },
          ],
        },
      ],
    },
  },
  {
    files: ["src/model/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["../*"], message: "the model imports nothing of ours" }] },
      ],
    },
  },
  {
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off", "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
