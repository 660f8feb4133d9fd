/**
 * The wake-ups of a worker that serves many queues: every queue's "there
 * may be work" marker is also published on a channel named like its signal
 * list (see the `signal_work` fragment), and one subscriber (one connection
 * per master in a cluster, `finished_subscriber.ts`) listens to all of them,
 * instead of one blocking connection per queue.
 *
 * @module
 */

import type { AnyRedis } from "./connection.ts";
import { FinishedSubscriber } from "./finished_subscriber.ts";
import { redisStoreError } from "./redis_errors.ts";

/** A watch of some queues: who is told of their wake-ups. */
interface Watch {
  onWork: (queue: string) => void;
  onMissed: () => void;
}

/** The wake-up channels a Redis store listens to. */
export class WorkWakes {
  readonly #client: AnyRedis;
  readonly #sharded: () => Promise<boolean>;
  readonly #signalKey: (queue: string) => string;
  #subscriber: FinishedSubscriber | undefined;
  /** Per channel, its queue and the watches of it. */
  readonly #channels = new Map<string, { queue: string; watches: Set<Watch> }>();
  readonly #watches = new Set<Watch>();

  /**
   * @param client The client whose options the subscriber copies.
   * @param sharded Whether the scripts publish with SPUBLISH.
   * @param signalKey The signal list of a queue (its channel has the same name).
   */
  constructor(
    client: AnyRedis,
    sharded: () => Promise<boolean>,
    signalKey: (queue: string) => string,
  ) {
    this.#client = client;
    this.#sharded = sharded;
    this.#signalKey = signalKey;
  }

  /**
   * Calls `onWork(queue)` at each wake-up of one of `queues`, and `onMissed()`
   * when wake-ups may have been missed; resolves once subscribed, with the
   * function that ends the watch.
   */
  async watch(
    queues: string[],
    onWork: (queue: string) => void,
    onMissed: () => void,
  ): Promise<() => Promise<void>> {
    const watch: Watch = { onWork, onMissed };
    this.#watches.add(watch);
    const channels = queues.map((q) => this.#signalKey(q));
    const end = async () => {
      this.#watches.delete(watch);
      await Promise.all(channels.map(async (channel) => {
        const entry = this.#channels.get(channel);
        if (!entry?.watches.delete(watch) || entry.watches.size > 0) return;
        this.#channels.delete(channel);
        await this.#subscriber?.unsubscribe(channel);
      }));
    };
    try {
      const subscriber = await this.#ensureSubscriber();
      await Promise.all(channels.map((channel, i) => {
        let entry = this.#channels.get(channel);
        const fresh = !entry;
        if (!entry) this.#channels.set(channel, entry = { queue: queues[i], watches: new Set() });
        entry.watches.add(watch);
        return fresh ? subscriber.subscribe(channel) : undefined;
      }));
    } catch (error) {
      await end().catch(() => {});
      throw redisStoreError("watch queues for work", error);
    }
    return end;
  }

  async #ensureSubscriber(): Promise<FinishedSubscriber> {
    const sharded = await this.#sharded();
    this.#subscriber ??= new FinishedSubscriber(
      this.#client,
      sharded,
      (channel) => {
        const entry = this.#channels.get(channel);
        if (entry) { for (const w of entry.watches) w.onWork(entry.queue); }
      },
      () => {
        for (const w of this.#watches) w.onMissed();
      },
      false, // many channels: one PING per connection, not one SSUBSCRIBE per channel
    );
    return this.#subscriber;
  }

  /** Closes the subscriber, if one was opened. */
  async close(): Promise<void> {
    await this.#subscriber?.close();
  }
}
