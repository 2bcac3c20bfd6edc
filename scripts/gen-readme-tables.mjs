// Writes each action's inputs and outputs into README.md as markdown tables, between the markers
// `<!-- inputs:NAME:start -->` and `<!-- inputs:NAME:end -->`, from the same declarations
// (src/commands/declarations.ts, compiled by `npm run build`) that scripts/gen-action-yml.mjs
// writes the action.yml files from: the README cannot describe inputs the actions do not have.
// Run by `npm run bundle`. `--check` writes nothing and exits 1 naming every action whose table
// is stale or missing. LANCE_BENCH_README (or `--readme FILE`) names another README (the tests').
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import * as prettier from "prettier";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const args = process.argv.slice(2);
const check = args.includes("--check");
const readmeArg = args.indexOf("--readme");
const readme = path.resolve(
  readmeArg >= 0 ? args[readmeArg + 1] : process.env.LANCE_BENCH_README || path.join(root, "README.md"),
);

const { ACTION_DECLARATIONS } = await import(pathToFileURL(path.join(root, "lib/commands/declarations.js")).href);
const { actionInputs } = await import(pathToFileURL(path.join(root, "lib/model/declare.js")).href);

/**
 * Plain text in a table cell: nothing in it may end the cell, open a tag, a link or a code span,
 * or start emphasis (`results-*.jsonl`); an underscore inside a word (`$GITHUB_TOKEN`) is left as is.
 */
const text = (value) =>
  String(value)
    .replace(/[\\|*<[\]`]/g, (c) => `\\${c}`)
    .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, "\\_");

/** A literal value in a code span (`${{ github.token }}`), fenced longer than any backticks in it. */
function code(value) {
  const literal = String(value);
  const longest = Math.max(0, ...(literal.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = literal.startsWith("`") || literal.endsWith("`") || literal === "" ? " " : "";
  // GFM splits cells on `|` even inside a code span: escape it there too.
  return `${fence}${pad}${literal.replaceAll("|", "\\|")}${pad}${fence}`;
}

const row = (cells) => `| ${cells.join(" | ")} |`;

function tables(declaration) {
  const inputs = actionInputs(declaration);
  const lines = [
    row(["input", "description", "default", "required"]),
    row(["---", "---", "---", "---"]),
    ...inputs.map((input) =>
      row([
        code(input.name),
        text(input.description),
        input.default === undefined ? "" : code(input.default === "" ? '""' : input.default),
        input.required ? "yes" : "no",
      ]),
    ),
  ];
  const outputs = Object.entries(declaration.outputs);
  if (outputs.length > 0)
    lines.push(
      "",
      row(["output", "description"]),
      row(["---", "---"]),
      ...outputs.map(([name, description]) => row([code(name), text(description)])),
    );
  return lines.join("\n") + "\n";
}

const start = (name) => `<!-- inputs:${name}:start -->`;
const end = (name) => `<!-- inputs:${name}:end -->`;

/** The text between an action's markers, or undefined when they are missing or out of order. */
function between(document, name) {
  const from = document.indexOf(start(name));
  const to = document.indexOf(end(name));
  if (from < 0 || to < from || document.indexOf(start(name), from + 1) >= 0) return undefined;
  return { from: from + start(name).length, to };
}

// Formatted as prettier formats the README (its config: printWidth), so `prettier --check .`
// agrees with the generated tables.
const options = { ...(await prettier.resolveConfig(readme)), parser: "markdown" };
let document = readFileSync(readme, "utf8");
const stale = [];
const missing = [];
for (const declaration of ACTION_DECLARATIONS) {
  const span = between(document, declaration.name);
  if (!span) {
    missing.push(declaration.name);
    continue;
  }
  const block = `\n\n${await prettier.format(tables(declaration), options)}\n`;
  if (document.slice(span.from, span.to) === block) continue;
  stale.push(declaration.name);
  document = document.slice(0, span.from) + block + document.slice(span.to);
}

const relative = path.relative(process.cwd(), readme) || readme;
if (missing.length > 0) {
  console.error(
    `${relative}: no table markers for ${missing.join(", ")}: add ${missing.map((n) => `${start(n)} ${end(n)}`).join(", ")}`,
  );
  process.exit(1);
}
if (check) {
  if (stale.length > 0) {
    console.error(
      `${relative}: the inputs/outputs tables of ${stale.join(", ")} differ from the declarations: run \`npm run build && node scripts/gen-readme-tables.mjs\``,
    );
    process.exit(1);
  }
  console.log(`${relative}: the tables of ${ACTION_DECLARATIONS.length} actions match their declarations`);
} else {
  if (stale.length > 0) writeFileSync(readme, document);
  console.log(`${relative}: ${stale.length > 0 ? `rewrote the tables of ${stale.join(", ")}` : "tables up to date"}`);
}
