import { parse } from "shell-quote";
import { ConfigurationError } from "../model/index.js";

/**
 * Splits a command given as text (a build or dataset-generation command from an action input)
 * into program and arguments, with shell quoting rules but without a shell: no variables,
 * pipes, redirections, globs or `&&`. The program is then run directly, so the text can never
 * do more than start that one program. Anything a shell would interpret is refused with a
 * message that says to wrap it in a script.
 */
export function splitCommand(text: string, input: string): string[] {
  const tokens = parse(text, (name) => `$${name}`);
  const words: string[] = [];
  for (const token of tokens) {
    if (typeof token === "string") {
      words.push(token);
      continue;
    }
    const what =
      "op" in token ? `"${token.op === "glob" ? (token as { pattern: string }).pattern : token.op}"` : "a comment";
    throw new ConfigurationError(
      `${input}: ${what} needs a shell, and commands run without one; put the command line in a script and run that`,
    );
  }
  if (words.length === 0) throw new ConfigurationError(`${input}: empty command`);
  if (words.some((w) => w.includes("$"))) {
    throw new ConfigurationError(
      `${input}: "$" variables need a shell; pass values as literal arguments or environment`,
    );
  }
  return words;
}
