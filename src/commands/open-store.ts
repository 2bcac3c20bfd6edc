import type { ExistingStoreOptions, ResultStore, StoreOptions } from "../store/results-table.js";

/**
 * Opens the result store, loading LanceDB (and Arrow) only now: they take a quarter of a
 * second to import, which a command that never touches the store — or that runs a
 * benchmark first, like run-rust — should not pay up front.
 */
export async function loadStoreModule(): Promise<typeof import("../store/results-table.js")> {
  return import("../store/results-table.js");
}

/** For writing: creates the folder and the table on first use. */
export async function openStore(options: StoreOptions): Promise<ResultStore> {
  const { ResultStore } = await loadStoreModule();
  return ResultStore.open(options);
}

/** For reading: the store must exist (a missing one is an error naming it); creates nothing. */
export async function openExistingStore(options: ExistingStoreOptions): Promise<ResultStore> {
  const { ResultStore } = await loadStoreModule();
  return ResultStore.openExisting(options);
}
