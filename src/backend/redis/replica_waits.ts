/**
 * Durability `"replicated"`: after a write, `WAIT 1` on the queue's primary
 * (its master in a cluster) until a replica has it.
 *
 * @module
 */

import type { Cluster, Redis } from "ioredis";
import type { AnyRedis } from "./connection.ts";
import { keySlot, nodeKey } from "./key_slot.ts";
import { storeCall } from "./redis_errors.ts";
import { ReplicationError } from "../../errors.ts";

/** Waits for replicas after writes, when the store's durability asks for it. */
export class ReplicaWaits {
  readonly #client: AnyRedis;
  readonly #keyOf: (queue: string) => string;
  /** `WAIT` timeout for a replica, or `undefined` when writes do not wait. */
  readonly #waitMs: number | undefined;
  readonly #onUnconfirmedAck: ((error: ReplicationError) => void) | undefined;

  /**
   * @param client The client the writes go through.
   * @param keyOf A key of the queue (its slot names the queue's master).
   * @param waitMs How long to wait for a replica; `undefined`: writes do not wait.
   * @param onUnconfirmedAck Called for an ack no replica confirmed (instead of failing it).
   */
  constructor(
    client: AnyRedis,
    keyOf: (queue: string) => string,
    waitMs: number | undefined,
    onUnconfirmedAck: ((error: ReplicationError) => void) | undefined,
  ) {
    this.#client = client;
    this.#keyOf = keyOf;
    this.#waitMs = waitMs;
    this.#onUnconfirmedAck = onUnconfirmedAck;
  }

  /**
   * With durability `"replicated"`: waits until a replica has every write
   * made so far on the connection to `queue`'s primary (its master in a
   * cluster), or throws a {@linkcode ReplicationError} after the timeout.
   * A node demoted meanwhile refuses WAIT, and the call fails: the write
   * may have run there (a master paused past its failover runs the commands
   * it had buffered before it learns of its demotion), and is then lost when
   * it syncs from the new master; asking the new master would confirm
   * nothing about it (the fault suite's pause scenario shows both).
   */
  async written(queue: string, action: string): Promise<void> {
    const ms = this.#waitMs;
    if (ms === undefined) return;
    let primary: Redis | Cluster = this.#client;
    if (this.#client.isCluster) {
      const cluster = this.#client as Cluster;
      const owner = cluster.slots[keySlot(this.#keyOf(queue))]?.[0];
      const node = cluster.nodes("master").find((n) => nodeKey(n) === owner);
      if (!node) throw new ReplicationError(action, queue, ms);
      primary = node;
    }
    const confirmed = await storeCall(action, () => (primary as Redis).wait(1, ms));
    if (confirmed < 1) throw new ReplicationError(action, queue, ms);
  }

  /** {@linkcode ReplicaWaits.written} for an ack: reported to `onUnconfirmedAck` when set. */
  async acked(queue: string): Promise<void> {
    try {
      await this.written(queue, "acknowledge jobs");
    } catch (error) {
      if (!(error instanceof ReplicationError) || !this.#onUnconfirmedAck) throw error;
      this.#onUnconfirmedAck(error);
    }
  }

  /** Runs a schedule write, then waits for a replica (durability `"replicated"`). */
  async scheduleWrite<T>(queue: string, write: Promise<T>): Promise<T> {
    const out = await write;
    await this.written(queue, "change recurring job");
    return out;
  }
}
