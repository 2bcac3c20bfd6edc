/**
 * One declaration of a command's options, which the CLI (commander flags), the action
 * metadata (actions/<name>/action.yml, written by scripts/gen-action-yml.mjs) and the action
 * adapters (reading INPUT_*) all read: a key is the camelCase key of the command's zod options;
 * its CLI flag is `--kebab-key` and its action input `kebab-key`, one spelling for both.
 */

export type OptionType =
  /** one value */
  | "string"
  /** a number, kept as text until zod coerces it */
  | "number"
  /** CLI: a switch (`--no-x` when it defaults to true); action: true/false */
  | "boolean"
  /** CLI: several values after the flag; action: split on commas, spaces or newlines (see `split`) */
  | "list"
  /** CLI: the flag repeated, one value each; action: one value per line, kept whole */
  | "multiline";

/** What differs on one surface (wording, a default only the action has, a required CLI flag). */
export interface SurfaceOverride {
  description?: string;
  /** Values only this surface accepts (the schedule action's `comment` mode needs an event). */
  choices?: readonly string[];
  default?: string | number | boolean;
  required?: boolean;
}

export interface OptionDeclaration {
  description: string;
  type?: OptionType;
  default?: string | number | boolean;
  required?: boolean;
  choices?: readonly string[];
  /** Only on this surface (`--json` is CLI-only; `token` is action-only: the CLI reads it from the environment). */
  only?: "cli" | "action";
  /** The CLI's value placeholder: `--repo <dir>` (default: value). */
  value?: string;
  /** How the action splits a list input (default: commas, spaces or newlines). */
  split?: "any" | "whitespace" | "comma-newline";
  /** The CLI takes it as its positional arguments (`publish <files...>`), not as a flag. */
  cliArgument?: boolean;
  /** A hidden CLI flag kept for its old spelling (`--crate` for `--crates`). */
  cliAlias?: string;
  /** Read by the adapters themselves (`--json`, `fail-on-regression`), not a key of the command's options. */
  adapterOnly?: boolean;
  cli?: SurfaceOverride;
  action?: SurfaceOverride;
}

export interface CommandDeclaration<O extends Record<string, OptionDeclaration> = Record<string, OptionDeclaration>> {
  name: string;
  description: string;
  /** The action's description (default: `description`). */
  actionDescription?: string;
  options: O;
  /** The action's outputs: name → description. */
  outputs: Record<string, string>;
}

/** Checks a declaration's shape at compile time and keeps its literal keys. */
export function declareCommand<const O extends Record<string, OptionDeclaration>>(
  declaration: CommandDeclaration<O>,
): CommandDeclaration<O> {
  return declaration;
}

/** `budgetMinutes` → `budget-minutes`: the CLI flag without its dashes, and the action input. */
export const kebabCase = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export interface SurfaceOption {
  key: string;
  /** `budget-minutes` */
  name: string;
  type: OptionType;
  description: string;
  default?: string | number | boolean;
  required: boolean;
  declaration: OptionDeclaration;
}

function surface(declaration: CommandDeclaration, which: "cli" | "action"): SurfaceOption[] {
  return Object.entries(declaration.options)
    .filter(([, option]) => option.only === undefined || option.only === which)
    .map(([key, option]) => {
      const override = option[which] ?? {};
      return {
        key,
        name: kebabCase(key),
        type: option.type ?? "string",
        description: override.description ?? option.description,
        default: "default" in override ? override.default : option.default,
        required: override.required ?? option.required ?? false,
        declaration: option,
      };
    });
}

/** The options as the CLI offers them. */
export const cliOptions = (declaration: CommandDeclaration) => surface(declaration, "cli");

/** The options as the action takes them (inputs named `name`). */
export const actionInputs = (declaration: CommandDeclaration) => surface(declaration, "action");
