// Writes actions/<name>/action.yml from one description of each action, so their inputs and
// outputs can't drift apart, the composite actions/prepare (checkout, cargo registry, apt
// packages, Python) and the root action.yml, a stub pointing to them. The actions are `node24`
// JavaScript actions that run their bundle: only those get the runner's ACTIONS_RUNTIME_TOKEN,
// ACTIONS_RESULTS_URL and ACTIONS_CACHE_URL (artifacts, GitHub's cache), never a `run:` step.
// Run by `npm run bundle`; CI fails if the committed files differ.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { stringify } from "yaml";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
// Where the files go (default: the repository); the tests write into a temporary folder.
const out = process.env.LANCE_BENCH_ACTION_YML_DIR || root;
// Third-party actions, pinned by commit; the tag is written beside each use.
const PINNED = {
  "actions/cache@27d5ce7f107fe9357f9df03efb73ab90386fccae": "v5.0.5",
  "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1": "v7.0.1",
  "actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97": "v7.0.0",
};
const [CACHE_ACTION, CHECKOUT_ACTION, SETUP_PYTHON_ACTION] = Object.keys(PINNED);

// The commands' declarations (src/commands/declarations.ts, compiled by `npm run build`): the
// same options the CLI offers and the action adapters read.
const { ACTION_DECLARATIONS } = await import(pathToFileURL(path.join(root, "lib/commands/declarations.js")).href);
const { actionInputs } = await import(pathToFileURL(path.join(root, "lib/model/declare.js")).href);

const inputDefault = (value) => (value === undefined ? undefined : String(value));

export const ACTIONS = Object.fromEntries(
  ACTION_DECLARATIONS.map((declaration) => [
    declaration.name,
    {
      description: declaration.actionDescription ?? declaration.description,
      inputs: Object.fromEntries(
        actionInputs(declaration).map((input) => [
          input.name,
          {
            description: input.description,
            ...(input.required ? { required: true } : {}),
            ...(input.default !== undefined ? { default: inputDefault(input.default) } : {}),
          },
        ]),
      ),
      outputs: declaration.outputs,
    },
  ]),
);

function inputsFor(inputs) {
  return Object.fromEntries(
    Object.entries(inputs).map(([name, spec]) => [
      name,
      {
        description: spec.description,
        required: Boolean(spec.required),
        ...(spec.default !== undefined ? { default: spec.default } : {}),
      },
    ]),
  );
}

// A JavaScript action's outputs are the ones its bundle sets (no `value:`).
const outputsFor = (outputs) =>
  Object.fromEntries(Object.entries(outputs).map(([name, description]) => [name, { description }]));

/** What a benchmark action may need before it runs: composing other actions is the point. */
const PREPARE = {
  name: "lance-bench prepare",
  description:
    "Before a lance-bench run action: check out the project to benchmark, restore the cargo registry, install Debian packages, set up Python",
  author: "lance-bench",
  inputs: {
    repository: { description: "Repository to check out into `path` (owner/name); empty: no checkout", default: "" },
    sha: { description: "Commit to check out (default: the repository's default branch)", default: "" },
    path: {
      description: "Where to check it out, relative to the workspace (the run action's `repo`)",
      default: "lance-bench-target",
    },
    "fetch-depth": {
      description: "Commits of history to fetch: 0 for all (a same-runner A/B builds base-sha from this checkout)",
      default: "1",
    },
    "cargo-registry": {
      description: "Restore and save the cargo registry, keyed on the Cargo.lock files under `path` (true/false)",
      default: "false",
    },
    "apt-packages": {
      description: "Debian packages the build needs, space-separated (Lance: protobuf-compiler)",
      default: "",
    },
    "python-version": { description: "Python version to set up (default: the runner's python3)", default: "" },
  },
  runs: {
    using: "composite",
    steps: [
      {
        name: "Check out the project to benchmark",
        if: "inputs.repository != ''",
        uses: CHECKOUT_ACTION,
        with: {
          repository: "${{ inputs.repository }}",
          ref: "${{ inputs.sha }}",
          path: "${{ inputs.path }}",
          "fetch-depth": "${{ inputs.fetch-depth }}",
          "persist-credentials": false,
        },
      },
      {
        // The registry is keyed on the project's lockfile; the target folders are cached per
        // crate by run-rust itself (with @actions/cache), keyed on toolchain + lockfile + crate.
        name: "Restore the cargo registry",
        if: "inputs.cargo-registry == 'true'",
        uses: CACHE_ACTION,
        with: {
          path: "~/.cargo/registry/index\n~/.cargo/registry/cache\n~/.cargo/git/db\n",
          key: "lance-bench-cargo-registry-${{ runner.os }}-${{ hashFiles(format('{0}/**/Cargo.lock', inputs.path)) }}",
          "restore-keys": "lance-bench-cargo-registry-${{ runner.os }}-",
        },
      },
      {
        name: "Install the build's Debian packages",
        if: "inputs.apt-packages != ''",
        shell: "bash",
        env: { APT_PACKAGES: "${{ inputs.apt-packages }}" },
        run: [
          "for pkg in $APT_PACKAGES; do",
          '  [[ "$pkg" =~ ^[a-z0-9][a-z0-9.+-]*$ ]] || { echo "::error::not a Debian package name: $pkg"; exit 1; }',
          "done",
          'SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo',
          "$SUDO apt-get update -qq",
          "# shellcheck disable=SC2086 # one word per package, validated above",
          "$SUDO apt-get install -y -qq $APT_PACKAGES",
          "",
        ].join("\n"),
      },
      {
        name: "Set up Python",
        if: "inputs.python-version != ''",
        uses: SETUP_PYTHON_ACTION,
        with: { "python-version": "${{ inputs.python-version }}" },
      },
    ],
  },
};

const header =
  "# Generated by scripts/gen-action-yml.mjs from one description of every action: edit that, then `npm run bundle`.\n";
function write(file, document) {
  let text = stringify(document, { lineWidth: 0, singleQuote: false });
  for (const [use, tag] of Object.entries(PINNED)) text = text.replaceAll(`uses: ${use}\n`, `uses: ${use} # ${tag}\n`);
  mkdirSync(path.dirname(path.join(out, file)), { recursive: true });
  writeFileSync(path.join(out, file), header + text);
}

for (const [name, spec] of Object.entries(ACTIONS)) {
  write(`actions/${name}/action.yml`, {
    name: `lance-bench ${name}`,
    description: spec.description,
    author: "lance-bench",
    inputs: inputsFor(spec.inputs),
    outputs: outputsFor(spec.outputs),
    runs: { using: "node24", main: `../../dist/${name}/index.js` },
  });
}
write("actions/prepare/action.yml", PREPARE);

// The root action.yml is a stub (as github/codeql-action's is): each command is its own action
// under actions/<name>, with its own inputs and defaults; a union of them under one `command`
// input forced renames and default conflicts, and no workflow used it. The stub only says where
// the actions are (the Marketplace lists a repository by its root action.yml).
const names = Object.keys(ACTIONS);
write("action.yml", {
  name: "lance-bench",
  description: `Continuous benchmarking on LanceDB: one action per command under actions/ (${names.join(", ")})`,
  author: "lance-bench",
  branding: { icon: "activity", color: "blue" },
  runs: {
    using: "composite",
    steps: [
      {
        name: "Point to the actions",
        shell: "bash",
        run: [
          `echo "::error::lance-bench has one action per command: uses: lancedb/lance-bench/actions/<command>@<sha>, with <command> one of ${names.join(", ")} (see the README)"`,
          "exit 1",
          "",
        ].join("\n"),
      },
    ],
  },
});
console.log(
  `wrote action.yml, actions/prepare/action.yml and ${Object.keys(ACTIONS)
    .map((n) => `actions/${n}/action.yml`)
    .join(", ")}`,
);
