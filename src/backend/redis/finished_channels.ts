/**
 * The producer's side of the finished channels: one subscriber (per master
 * in a cluster, see `finished_subscriber.ts`) shared by every result wait,
 * the listeners of each queue's channel, and the messages read into jobs.
 *
 * @module
 */

import type { JobInfo, QueueStoreEvent } from "../../core/job.ts";
import type { AnyRedis } from "./connection.ts";
import { FinishedSubscriber } from "./finished_subscriber.ts";
import { redisStoreError } from "./redis_errors.ts";
import { parseChannelMessage } from "./replies.ts";

/** The finished channels a Redis store subscribed to. */
export class FinishedChannels {
  readonly #client: AnyRedis;
  readonly #sharded: () => Promise<boolean>;
  readonly #channelOf: (queue: string) => string;
  #subscriber: FinishedSubscriber | undefined;
  readonly #listeners = new Map<string, Set<(event: QueueStoreEvent) => void>>();
  /** The queue of each finished channel subscribed to. */
  readonly #channelQueues = new Map<string, string>();
  /** Per channel, the SUBSCRIBE in flight or done. */
  readonly #subscribed = new Map<string, Promise<unknown>>();
  readonly #reconnectListeners = new Set<() => void>();

  /**
   * @param client The client whose options the subscriber copies.
   * @param sharded Whether finished messages use sharded pub/sub.
   * @param channelOf The finished channel of a queue.
   */
  constructor(
    client: AnyRedis,
    sharded: () => Promise<boolean>,
    channelOf: (queue: string) => string,
  ) {
    this.#client = client;
    this.#sharded = sharded;
    this.#channelOf = channelOf;
  }

  /**
   * Calls `listener` for each job of `queue` announced finished, and
   * `onReconnect` when the subscription may have missed messages; resolves
   * once subscribed, with the function that unsubscribes.
   */
  subscribe(
    queue: string,
    listener: (id: string, info?: JobInfo) => void,
    onReconnect?: () => void,
  ): Promise<() => Promise<void>> {
    return this.subscribeEvents(queue, (e) => {
      if (e.type === "finished") listener(e.id, e.info);
    }, onReconnect);
  }

  /**
   * Calls `listener` with every event of `queue`'s channel (finished jobs
   * and progress), and `onReconnect` as for {@linkcode FinishedChannels.subscribe}.
   */
  async subscribeEvents(
    queue: string,
    listener: (event: QueueStoreEvent) => void,
    onReconnect?: () => void,
  ): Promise<() => Promise<void>> {
    try {
      return await this.#subscribe(queue, listener, onReconnect);
    } catch (error) {
      throw redisStoreError(`subscribe to the finished jobs of queue "${queue}"`, error);
    }
  }

  async #subscribe(
    queue: string,
    listener: (event: QueueStoreEvent) => void,
    onReconnect?: () => void,
  ): Promise<() => Promise<void>> {
    const subscriber = await this.#ensureSubscriber();
    const channel = this.#channelOf(queue);
    this.#channelQueues.set(channel, queue);
    let set = this.#listeners.get(channel);
    if (!set) {
      set = new Set();
      this.#listeners.set(channel, set);
    }
    set.add(listener);
    if (onReconnect) this.#reconnectListeners.add(onReconnect);
    let subscribed = this.#subscribed.get(channel);
    if (!subscribed) {
      subscribed = subscriber.subscribe(channel);
      this.#subscribed.set(channel, subscribed);
    }
    const off = async () => {
      if (onReconnect) this.#reconnectListeners.delete(onReconnect);
      const s = this.#listeners.get(channel);
      if (!s?.delete(listener) || s.size > 0) return;
      this.#listeners.delete(channel);
      this.#subscribed.delete(channel);
      await this.#subscriber?.unsubscribe(channel);
    };
    try {
      await subscribed; // every listener, not only the first, waits for the SUBSCRIBE
    } catch (error) {
      await off().catch(() => {}); // so that the next call subscribes again
      throw error;
    }
    return off;
  }

  async #ensureSubscriber(): Promise<FinishedSubscriber> {
    const sharded = await this.#sharded();
    this.#subscriber ??= new FinishedSubscriber(
      this.#client,
      sharded,
      (channel, message) => {
        const set = this.#listeners.get(channel);
        if (!set) return;
        for (const event of parseChannelMessage(this.#channelQueues.get(channel) ?? "", message)) {
          for (const f of set) f(event);
        }
      },
      () => {
        for (const f of this.#reconnectListeners) f();
      },
    );
    return this.#subscriber;
  }

  /** Closes the subscriber, if one was opened. */
  async close(): Promise<void> {
    await this.#subscriber?.close();
  }
}
