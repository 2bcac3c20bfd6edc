/*
 * LanceDB's native module sets up its Rust logger once, when the module is loaded: its
 * `#[napi::module_init]` (lancedb nodejs/src/lib.rs) calls env_logger with the filter from
 * `LANCEDB_LOG`, default "warn". At "warn" LanceDB prints its own retry chatter to stderr —
 * "AIMD throttle: rate reduced…" with the server's raw XML, "Could not verify the outcome of
 * the commit", aws-config's notes about absent config files — for failures we retry, condense
 * and report ourselves (retry.ts). So our processes default it to "error"; a user who sets
 * LANCEDB_LOG (e.g. `LANCEDB_LOG=debug`) gets exactly what they asked for.
 *
 * Import this module before `@lancedb/lancedb`: ES modules are evaluated in import order, and
 * the variable is read only at load time.
 */
process.env.LANCEDB_LOG ??= "error";

export {};
