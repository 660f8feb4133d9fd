/**
 * The named in-memory stores of this process (`memory://name`), and the
 * private ones.
 *
 * @module
 */

import { MemoryStore } from "./memory_store.ts";

/** The named stores of this process. */
const registry = new Map<string, MemoryStore>();

/**
 * The store named `name`, made (with `clock` and `sweepMs`) unless it
 * exists; a new private store when `name` is `undefined`. The caller counts
 * itself in `refs`. A named store is forgotten once unused and empty.
 */
export function openStore(
  name: string | undefined,
  clock: () => number,
  sweepMs: number,
): MemoryStore {
  let store = name === undefined ? undefined : registry.get(name);
  if (!store) {
    store = new MemoryStore(name, clock, sweepMs, forget);
    if (name !== undefined) registry.set(name, store);
  }
  return store;
}

function forget(store: MemoryStore): void {
  if (store.name !== undefined && registry.get(store.name) === store) registry.delete(store.name);
}
