/**
 * The listening side of a kind of per-queue channel (the finished channels
 * for result waits, the cancel channels for workers): one subscriber (per
 * master in a cluster, see `finished_subscriber.ts`) shared by every
 * listener, the listeners of each queue's channel, and the messages read
 * into events.
 *
 * @module
 */

import type { AnyRedis } from "./connection.ts";
import { FinishedSubscriber } from "./finished_subscriber.ts";
import { redisStoreError } from "./redis_errors.ts";

/** The channels of one kind a Redis store subscribed to; `E` is what one message tells. */
export class FinishedChannels<E> {
  readonly #client: AnyRedis;
  readonly #sharded: () => Promise<boolean>;
  readonly #channelOf: (queue: string) => string;
  readonly #parse: (queue: string, message: string) => E[];
  readonly #what: string;
  #subscriber: FinishedSubscriber | undefined;
  readonly #listeners = new Map<string, Set<(event: E) => void>>();
  /** The queue of each finished channel subscribed to. */
  readonly #channelQueues = new Map<string, string>();
  /** Per channel, the SUBSCRIBE in flight or done. */
  readonly #subscribed = new Map<string, Promise<unknown>>();
  readonly #reconnectListeners = new Set<() => void>();

  /**
   * @param client The client whose options the subscriber copies.
   * @param sharded Whether the messages use sharded pub/sub.
   * @param channelOf The channel of a queue.
   * @param parse The events of one message of a queue's channel.
   * @param what What the channels tell, for error messages (`"finished jobs"`).
   */
  constructor(
    client: AnyRedis,
    sharded: () => Promise<boolean>,
    channelOf: (queue: string) => string,
    parse: (queue: string, message: string) => E[],
    what: string,
  ) {
    this.#client = client;
    this.#sharded = sharded;
    this.#channelOf = channelOf;
    this.#parse = parse;
    this.#what = what;
  }

  /**
   * Calls `listener` for each event announced on the channel of `queue`, and
   * `onReconnect` when the subscription may have missed messages; resolves
   * once subscribed, with the function that unsubscribes.
   */
  async subscribe(
    queue: string,
    listener: (event: E) => void,
    onReconnect?: () => void,
  ): Promise<() => Promise<void>> {
    try {
      return await this.#subscribe(queue, listener, onReconnect);
    } catch (error) {
      throw redisStoreError(`subscribe to the ${this.#what} of queue "${queue}"`, error);
    }
  }

  async #subscribe(
    queue: string,
    listener: (event: E) => void,
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
        for (const event of this.#parse(this.#channelQueues.get(channel) ?? "", message)) {
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
