/**
 * The `durability` option: whether a write returns once the primary has it
 * (Redis' asynchronous replication), or once a replica confirmed it too
 * (`WAIT 1 <replicaTimeoutMs>` on the connection that wrote, on the queue's
 * own master in a cluster).
 *
 * @module
 */

/**
 * `"primary"`: a write returns once the primary stored it; a failover before
 * a replica copied it loses it. `"replicated"`: enqueues, acks and schedule
 * writes also wait until at least one replica confirmed them, and fail with
 * a `ReplicationError` when none does within `replicaTimeoutMs`.
 *
 * @example
 * ```ts ignore
 * new Repid("redis+cluster://10.0.0.1:6379", { durability: "replicated" });
 * ```
 */
export type Durability = "primary" | "replicated";

/** The durability settings of a store. */
export interface DurabilitySettings {
  /** See {@linkcode Durability}. */
  durability: Durability;
  /** How long a write waits for a replica, in milliseconds. */
  replicaTimeoutMs: number;
}

/** The default of `replicaTimeoutMs`. */
export const REPLICA_TIMEOUT_MS = 1_000;

/** Reads and checks the `durability` and `replicaTimeoutMs` options. */
export function durabilitySettings(
  options: { durability?: Durability; replicaTimeoutMs?: number },
  action: string,
): DurabilitySettings {
  const durability = options.durability ?? "primary";
  if (durability !== "primary" && durability !== "replicated") {
    throw new TypeError(
      `${action}: option durability is ${
        JSON.stringify(durability)
      }, expected "primary" or "replicated"`,
    );
  }
  const replicaTimeoutMs = options.replicaTimeoutMs ?? REPLICA_TIMEOUT_MS;
  if (!Number.isInteger(replicaTimeoutMs) || replicaTimeoutMs < 1) {
    throw new RangeError(
      `${action}: option replicaTimeoutMs is ${replicaTimeoutMs}, expected a whole number of milliseconds ≥ 1`,
    );
  }
  return { durability, replicaTimeoutMs };
}
