import { ConfigurationError } from "../model/index.js";
import { isSecretVariable } from "../model/secret-variables.js";

/*
 * The environment of code we do not own: cargo (build scripts and proc macros included), the
 * bench binaries, pytest, build commands, dataset generators, pipelines. It is an allowlist:
 * what a toolchain needs to find itself (PATH, HOME, locale, CARGO_*, RUSTUP_*, RUST*,
 * PYTHON*, …) passes; everything else, and every credential-like name even on the list, stays
 * with the suite. `spawnCaptured` takes nothing else, so handing a child `process.env` does not
 * compile.
 */

/** Variables passed by name. */
const ALLOWED_NAMES = new Set([
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "TERM",
  "LANG",
  "LANGUAGE",
  "TZ",
  "TMPDIR",
  "TMP",
  "TEMP",
  "CI",
  "GITHUB_ACTIONS",
  "RUNNER_OS",
  "RUNNER_ARCH",
  "RUNNER_TEMP",
  "VIRTUAL_ENV",
  "NO_COLOR",
  "FORCE_COLOR",
  "CLICOLOR",
  "HOSTNAME",
  "NPROC",
  "NUM_JOBS",
  "MAKEFLAGS",
  "CC",
  "CXX",
  "AR",
  "CFLAGS",
  "CXXFLAGS",
  "CPPFLAGS",
  "LDFLAGS",
  "PKG_CONFIG_PATH",
  "LD_LIBRARY_PATH",
  "LIBRARY_PATH",
  "CPATH",
  "PROTOC",
  "PROTOC_INCLUDE",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "JAVA_HOME",
  "GOPATH",
  "GOROOT",
  "NODE_PATH",
]);

/** Variables passed by prefix (toolchains and locale). */
const ALLOWED_PREFIXES = ["LC_", "CARGO_", "RUSTUP_", "RUST", "PYTHON", "PIP_", "UV_", "CONDA_", "XDG_"];

/** Never passed, even through `env-passthrough`: the runner's own channels and identity. */
const RUNNER_PREFIXES = ["GITHUB_", "RUNNER_"];

const MAKER: unique symbol = Symbol("ChildEnv");

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const allowed = (name: string) => ALLOWED_NAMES.has(name) || ALLOWED_PREFIXES.some((prefix) => name.startsWith(prefix));

/** Why a name may not be passed to a child (undefined: it may). */
function refusal(name: string): string | undefined {
  if (!NAME.test(name)) return "is not a variable name";
  if (isSecretVariable(name)) return "looks like a credential";
  if (name !== "GITHUB_ACTIONS" && RUNNER_PREFIXES.some((prefix) => name.startsWith(prefix)) && !allowed(name)) {
    return "belongs to the runner (GITHUB_*, RUNNER_*)";
  }
  return undefined;
}

/** Why `env-passthrough` may not name these variables (undefined: it may). */
export function envPassthroughProblem(names: readonly string[]): string | undefined {
  for (const name of names) {
    const why = refusal(name);
    if (why !== undefined)
      return `${JSON.stringify(name)} ${why}; code being benchmarked never receives such variables`;
  }
  return undefined;
}

/**
 * Names a user asked to pass on (`--env-passthrough`, input `env-passthrough`), checked: a
 * credential-like or runner name is a ConfigurationError naming the input, never passed.
 */
export function checkEnvPassthrough(names: readonly string[], input = "env-passthrough"): string[] {
  const problem = envPassthroughProblem(names);
  if (problem !== undefined) throw ConfigurationError.forInput(input, problem);
  return [...new Set(names)];
}

/**
 * An environment fit for code we do not own. Only `childEnv` makes one from the parent's
 * environment (filtered), and `with` adds the suite's own variables (paths, the benchmark's
 * database); the private field makes the type nominal, so no plain object passes for it.
 */
export class ChildEnv {
  readonly #vars: Readonly<Record<string, string>>;

  /** Only this module holds `MAKER`: nothing else can build one around unfiltered variables. */
  constructor(maker: typeof MAKER, vars: Record<string, string>) {
    if (maker !== MAKER) throw new Error("ChildEnv: build it with childEnv()");
    this.#vars = Object.freeze({ ...vars });
  }

  /** The variables, for `spawn` and for reading. */
  get vars(): Readonly<Record<string, string>> {
    return this.#vars;
  }

  get(name: string): string | undefined {
    return this.#vars[name];
  }

  /**
   * This environment plus variables the suite sets itself (values it chose: a target folder,
   * the venv, the benchmark's own database). `undefined` removes a variable.
   */
  with(extra: Readonly<Record<string, string | undefined>>): ChildEnv {
    const vars: Record<string, string> = { ...this.#vars };
    for (const [name, value] of Object.entries(extra)) {
      if (value === undefined) delete vars[name];
      else vars[name] = value;
    }
    return new ChildEnv(MAKER, vars);
  }
}

/**
 * The allowlisted part of `parent`, plus the `passthrough` names (checked with
 * `checkEnvPassthrough`). Credential-like names never pass, even where a prefix allows them
 * (CARGO_REGISTRY_TOKEN, PYTHON_KEYRING_PASSWORD).
 */
export function childEnv(parent: NodeJS.ProcessEnv, passthrough: readonly string[] = []): ChildEnv {
  const extra = new Set(checkEnvPassthrough(passthrough));
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined) continue;
    if (!(allowed(name) || extra.has(name)) || refusal(name) !== undefined) continue;
    vars[name] = value;
  }
  return new ChildEnv(MAKER, vars);
}
