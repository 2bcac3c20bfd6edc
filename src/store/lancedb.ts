import { createRequire } from "node:module";
import path from "node:path";
import type * as LanceDb from "@lancedb/lancedb";
import type * as Arrow from "apache-arrow";

/*
 * LanceDB's native module sets up its Rust logger once, when the module is loaded: its
 * `#[napi::module_init]` (lancedb nodejs/src/lib.rs) calls env_logger with the filter from
 * `LANCEDB_LOG`, default "warn". At "warn" LanceDB prints its own retry chatter to stderr —
 * "AIMD throttle: rate reduced…" with the server's raw XML, "Could not verify the outcome of
 * the commit", aws-config's notes about absent config files — for failures we retry, condense
 * and report ourselves (retry.ts). So our processes default it to "error"; a user who sets
 * LANCEDB_LOG (e.g. `LANCEDB_LOG=debug`) gets exactly what they asked for.
 *
 * The variable is read only at load time, so the package is loaded here, on first use, after
 * the default is set — never by a static import: a bundler (ncc, for dist/) hoists the static
 * imports of an external package to the top of the bundle, where they would run before any of
 * our code. `webpackIgnore` keeps the bundler from touching this dynamic import. Arrow is loaded
 * the same way, for the seam below.
 *
 * The seam: the bundled actions carry neither package (docs/architecture.md); before any store opens, an
 * action points this module at a runtime folder it has ensured (src/runtime/), and both
 * packages are then required from that folder's node_modules — the same CommonJS copy of Arrow
 * that LanceDB itself loads. The CLI and the tests never set it: they load the project's
 * node_modules.
 */
let locateRuntime: (() => Promise<string>) | undefined;
let runtimeDir: Promise<string> | undefined;
let loadingLanceDb: Promise<typeof LanceDb> | undefined;
let loadingArrow: Promise<typeof Arrow> | undefined;

/**
 * Loads LanceDB and Arrow from the folder `locate` resolves to (a folder with a package.json
 * and node_modules), located once, on first use. Must be called before anything loads them.
 */
export function useLanceDbRuntime(locate: () => Promise<string>): void {
  if (loadingLanceDb || loadingArrow) throw new Error("LanceDB was loaded before its runtime was set");
  locateRuntime = locate;
}

function requireFromRuntime<T>(name: string): Promise<T> | undefined {
  if (!locateRuntime) return undefined;
  const locate = locateRuntime;
  return (runtimeDir ??= locate()).then((dir) => createRequire(path.join(dir, "package.json"))(name) as T);
}

export function loadLanceDb(): Promise<typeof LanceDb> {
  process.env.LANCEDB_LOG ??= "error";
  return (loadingLanceDb ??=
    requireFromRuntime<typeof LanceDb>("@lancedb/lancedb") ?? import(/* webpackIgnore: true */ "@lancedb/lancedb"));
}

export function loadArrow(): Promise<typeof Arrow> {
  return (loadingArrow ??=
    requireFromRuntime<typeof Arrow>("apache-arrow") ?? import(/* webpackIgnore: true */ "apache-arrow"));
}
