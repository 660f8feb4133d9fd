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

/** Why a write is unconfirmed when the queue moved to another master meanwhile. */
const MASTER_CHANGED = "the queue's master changed while the write was in flight (a failover " +
  "or a slot migration), so no replica of the node that took it can confirm it";

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
   * Runs `write` and, with durability `"replicated"`, then waits until a
   * replica has every write made so far on the connection to `queue`'s
   * primary (its master in a cluster), or throws a
   * {@linkcode ReplicationError} after the timeout.
   *
   * The master is looked up before the write is sent, and the WAIT goes to
   * that node: asking the node that owns the slot once the write returned
   * could confirm nothing about it. A master paused past its failover runs
   * the commands it had buffered when it wakes, before it learns of its
   * demotion; by then the client may route the queue to the new master,
   * whose replica (the old master, resynced) confirms at once, while the
   * write is lost with the old master's data (the fault suite's pause
   * scenario lost 265 such enqueues). So the call fails when the queue's
   * master changed while the write was in flight, and when the node that
   * took it refuses WAIT (a demoted node).
   */
  async written<T>(queue: string, action: string, write: () => Promise<T>): Promise<T> {
    const ms = this.#waitMs;
    if (ms === undefined) return write();
    // Unknown before the client loaded the cluster's slots (its first command): then
    // the node that owns the slot after the write is asked.
    const before = this.#primaryOf(queue);
    const out = await write();
    const primary = this.#primaryOf(queue);
    if (!primary) throw new ReplicationError(action, queue, ms);
    if (before && primary !== before && nodeKey(primary) !== nodeKey(before)) {
      throw new ReplicationError(action, queue, ms, MASTER_CHANGED);
    }
    const confirmed = await storeCall(action, () => primary.wait(1, ms));
    if (confirmed < 1) throw new ReplicationError(action, queue, ms);
    return out;
  }

  /** The client of `queue`'s primary: the client itself, or in a cluster its slot's master. */
  #primaryOf(queue: string): Redis | undefined {
    if (!this.#client.isCluster) return this.#client as Redis;
    const cluster = this.#client as Cluster;
    const owner = cluster.slots[keySlot(this.#keyOf(queue))]?.[0];
    return cluster.nodes("master").find((n) => nodeKey(n) === owner);
  }

  /**
   * {@linkcode ReplicaWaits.written} for an ack: an unconfirmed one is
   * reported to `onUnconfirmedAck` when set (the ack itself stands).
   */
  async acked<T>(queue: string, write: () => Promise<T>): Promise<T> {
    // No wait for replicas: the write as it is (no closure, no async layers per ack batch).
    if (this.#waitMs === undefined) return await write();
    let out: { value: T } | undefined;
    try {
      return await this.written(queue, "acknowledge jobs", async () => {
        out = { value: await write() };
        return out.value;
      });
    } catch (error) {
      if (!out || !(error instanceof ReplicationError) || !this.#onUnconfirmedAck) throw error;
      this.#onUnconfirmedAck(error);
      return out.value;
    }
  }

  /** Runs a schedule write, then waits for a replica (durability `"replicated"`). */
  scheduleWrite<T>(queue: string, write: () => Promise<T>): Promise<T> {
    return this.written(queue, "change recurring job", write);
  }
}
