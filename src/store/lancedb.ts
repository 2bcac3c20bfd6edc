import type * as LanceDb from "@lancedb/lancedb";

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
 * our code. `webpackIgnore` keeps the bundler from touching this dynamic import.
 */
let loading: Promise<typeof LanceDb> | undefined;

export function loadLanceDb(): Promise<typeof LanceDb> {
  process.env.LANCEDB_LOG ??= "error";
  return (loading ??= import(/* webpackIgnore: true */ "@lancedb/lancedb"));
}
