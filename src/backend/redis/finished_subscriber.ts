/**
 * The connections that listen to the queues' "finished" channels, kept
 * healthy: each is probed every {@linkcode PROBE_MS}, and whenever a message
 * may have been missed (a connection went silent, came back, reconnected, or
 * a channel moved to another node) `onGap` runs, so that pending result
 * waits are read again at once instead of at their next safety-net recheck.
 *
 * - One Redis (or a Sentinel-managed primary): one connection, SUBSCRIBE.
 * - Redis Cluster, sharded (Redis 7+): one connection per master, each
 *   channel SSUBSCRIBEd on the master of its queue's slot; the probe is the
 *   SSUBSCRIBE itself, so a slot that moved answers MOVED and the channel
 *   follows it. A silent master makes the slot map be refreshed every probe,
 *   so the channel follows a failover too.
 * - Redis Cluster, broadcast (PUBLISH reaches every node): one connection
 *   to one master; when it goes silent, another master takes over.
 *
 * @module
 */

import { setTimeout as delay } from "node:timers/promises";
import { type Cluster, Redis } from "ioredis";
import type { AnyRedis } from "./connection.ts";
import { keySlot, nodeKey } from "./key_slot.ts";

/** How often every subscriber connection is probed, in milliseconds. */
export const PROBE_MS = 250;
/** A probe unanswered for this long marks its connection silent, in milliseconds. */
export const SILENT_MS = 500;
/** How long a subscription is tried again in a cluster (as long as a command, see topology_urls.ts). */
export const SUBSCRIBE_RETRY_MS = 30_000;
const RETRY_PAUSE_MS = 300;

interface Conn {
  redis: Redis;
  /** `host:port` in a cluster, `""` otherwise. */
  node: string;
  channels: Set<string>;
  /** When the probe in flight was sent. */
  probeSince: number | undefined;
  /** Since when the connection is not ready (reconnecting, or its node is gone). */
  downSince: number | undefined;
  silent: boolean;
}

/** Listens to finished channels over healthy connections (see the module doc). */
export class FinishedSubscriber {
  readonly #client: AnyRedis;
  readonly #sharded: boolean;
  readonly #onMessage: (channel: string, message: string) => void;
  readonly #onGap: () => void;
  readonly #conns = new Map<string, Conn>();
  /** The connection of each channel subscribed to. */
  readonly #channelConn = new Map<string, Conn>();
  /** Broadcast mode in a cluster: nodes that went silent, avoided while others answer. */
  readonly #avoid = new Set<string>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  readonly #probeChannels: boolean;

  /**
   * @param client The backend's client; subscriber connections use its options.
   * @param sharded SSUBSCRIBE (Redis Cluster on Redis 7+) rather than SUBSCRIBE.
   * @param onMessage Called with each message.
   * @param onGap Called when messages may have been missed.
   * @param probeChannels Sharded: probe with SSUBSCRIBE per channel (a moved
   *   slot answers MOVED at once); `false`: with one PING per connection,
   *   each channel following the client's slot map (for many channels).
   */
  constructor(
    client: AnyRedis,
    sharded: boolean,
    onMessage: (channel: string, message: string) => void,
    onGap: () => void,
    probeChannels = true,
  ) {
    this.#probeChannels = probeChannels;
    this.#client = client;
    this.#sharded = sharded;
    this.#onMessage = onMessage;
    this.#onGap = onGap;
  }

  get #cluster(): Cluster | undefined {
    return this.#client.isCluster ? this.#client as Cluster : undefined;
  }

  /**
   * Subscribes to `channel`; resolves once the server confirmed it. In a
   * cluster, a subscription that fails (a MOVED reply, a node that died) is
   * tried again on the slot's current master for up to
   * {@linkcode SUBSCRIBE_RETRY_MS}, so that it outlasts a failover.
   */
  async subscribe(channel: string): Promise<void> {
    const deadline = Date.now() + SUBSCRIBE_RETRY_MS;
    while (true) {
      if (this.#closed) throw new Error("subscriber closed");
      const conn = this.#connFor(await this.#nodeFor(channel));
      conn.channels.add(channel);
      this.#channelConn.set(channel, conn);
      this.#ensureTimer();
      try {
        await (this.#sharded ? conn.redis.ssubscribe(channel) : conn.redis.subscribe(channel));
        return;
      } catch (error) {
        const cluster = this.#cluster;
        if (!cluster || this.#closed || Date.now() > deadline) {
          if (this.#channelConn.get(channel) === conn) this.#drop(channel);
          throw error;
        }
        // Moved meanwhile by the probe (then subscribed there), or to be tried again.
        if (this.#channelConn.get(channel) !== conn) return;
        this.#drop(channel);
        if (!movedTo(error)) await delay(RETRY_PAUSE_MS);
        await refreshSlots(cluster);
      }
    }
  }

  /** Unsubscribes from `channel`. */
  async unsubscribe(channel: string): Promise<void> {
    const conn = this.#drop(channel);
    if (!conn || conn.redis.status !== "ready" || conn.silent) return;
    await (this.#sharded ? conn.redis.sunsubscribe(channel) : conn.redis.unsubscribe(channel))
      .catch(() => {});
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    const conns = [...this.#conns.values()];
    this.#conns.clear();
    this.#channelConn.clear();
    await Promise.all(conns.map(async (c) => {
      if (c.redis.status !== "ready" || c.silent) return c.redis.disconnect();
      await c.redis.quit().catch(() => c.redis.disconnect());
    }));
  }

  /** Forgets `channel`'s connection; closes the connection when it has no channel left. */
  #drop(channel: string): Conn | undefined {
    const conn = this.#channelConn.get(channel);
    if (!conn) return undefined;
    this.#channelConn.delete(channel);
    conn.channels.delete(channel);
    if (conn.channels.size === 0 && conn.node !== "") {
      this.#conns.delete(conn.node);
      conn.redis.disconnect();
    }
    if (this.#channelConn.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
    return conn;
  }

  /** The node that should hold `channel`'s subscription (`""` outside a cluster). */
  async #nodeFor(channel: string): Promise<string> {
    const cluster = this.#cluster;
    if (!cluster) return "";
    if (cluster.status !== "ready") await cluster.ping();
    if (this.#sharded) {
      const owner = cluster.slots[keySlot(channel)]?.[0];
      if (owner) return owner;
      await refreshSlots(cluster);
      const again = cluster.slots[keySlot(channel)]?.[0];
      if (!again) throw new Error(`no Redis Cluster node serves channel ${channel}`);
      return again;
    }
    const current = [...this.#conns.values()].find((c) => !c.silent && c.channels.size > 0);
    if (current) return current.node;
    const masters = cluster.nodes("master").map(nodeKey);
    const pick = masters.find((m) => !this.#avoid.has(m)) ?? masters[0];
    if (!pick) throw new Error("no Redis Cluster master to subscribe on");
    return pick;
  }

  #connFor(node: string): Conn {
    let conn = this.#conns.get(node);
    if (conn) return conn;
    const cluster = this.#cluster;
    let redis: Redis;
    if (cluster) {
      const at = node.lastIndexOf(":");
      redis = new Redis({
        ...cluster.options.redisOptions,
        host: node.slice(0, at),
        port: Number(node.slice(at + 1)),
        // Reconnects for as long as it takes; a subscription waiting on a node
        // that died is given up when the probe moves the channel elsewhere.
        maxRetriesPerRequest: null,
      });
    } else {
      redis = (this.#client as Redis).duplicate();
    }
    redis.on("error", () => {});
    const made: Conn = {
      redis,
      node,
      channels: new Set(),
      probeSince: undefined,
      downSince: undefined,
      silent: false,
    };
    conn = made;
    let first = true;
    redis.on("ready", () => {
      if (first) first = false;
      else this.#gap(); // reconnected (ioredis subscribes again by itself)
    });
    redis.on(this.#sharded ? "smessage" : "message", (channel: string, message: string) => {
      this.#onMessage(channel, message);
    });
    this.#conns.set(node, made);
    return made;
  }

  #gap(): void {
    if (!this.#closed) this.#onGap();
  }

  #ensureTimer(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.#probeAll(), PROBE_MS);
  }

  #probeAll(): void {
    const now = Date.now();
    for (const conn of [...this.#conns.values()]) {
      if (conn.channels.size === 0) continue;
      let since: number;
      if (conn.redis.status !== "ready") {
        // Reconnecting (ioredis subscribes again by itself, and "ready" reports the gap),
        // or its node is gone: past SILENT_MS it counts as silent.
        since = conn.downSince ??= now;
      } else {
        if (conn.downSince !== undefined) {
          conn.downSince = undefined; // back: its "ready" reported the gap
          conn.silent = false;
          this.#avoid.delete(conn.node);
        }
        if (conn.probeSince === undefined) {
          this.#probe(conn, now);
          continue;
        }
        since = conn.probeSince;
      }
      if (now - since < SILENT_MS) continue;
      if (!conn.silent) {
        conn.silent = true;
        this.#gap();
      }
      this.#silent(conn);
    }
  }

  #probe(conn: Conn, now: number): void {
    conn.probeSince = now;
    const probe = this.#sharded && this.#probeChannels
      ? Promise.all([...conn.channels].map((c) => this.#probeChannel(conn, c)))
      : conn.redis.ping().then(() => this.#followSlots(conn));
    probe.then(
      () => {
        conn.probeSince = undefined;
        if (conn.silent) {
          conn.silent = false;
          this.#avoid.delete(conn.node);
          this.#gap();
        }
      },
      () => {
        conn.probeSince = undefined;
      },
    );
  }

  /** Sharded, probed by PING: moves the channels whose slot the client's slot map puts elsewhere. */
  #followSlots(conn: Conn): void {
    const cluster = this.#cluster;
    if (!cluster || !this.#sharded) return;
    for (const channel of [...conn.channels]) {
      const owner = cluster.slots[keySlot(channel)]?.[0];
      if (owner && owner !== conn.node) this.#move(channel, owner);
    }
  }

  /** SSUBSCRIBE again (a no-op when the node still serves the slot); follows a MOVED reply. */
  async #probeChannel(conn: Conn, channel: string): Promise<void> {
    try {
      await conn.redis.ssubscribe(channel);
    } catch (error) {
      const moved = movedTo(error);
      if (moved && this.#channelConn.get(channel) === conn) this.#move(channel, moved);
    }
  }

  /** A silent connection: follow the slot map (sharded) or switch node (broadcast). */
  #silent(conn: Conn): void {
    const cluster = this.#cluster;
    if (!cluster) return; // one Redis: ioredis reconnects, Sentinel finds the new primary
    if (this.#sharded) {
      void refreshSlots(cluster);
      for (const channel of [...conn.channels]) {
        const owner = cluster.slots[keySlot(channel)]?.[0];
        if (owner && owner !== conn.node) this.#move(channel, owner);
      }
      return;
    }
    this.#avoid.add(conn.node);
    const others = cluster.nodes("master")
      .map(nodeKey)
      .filter((m) => !this.#avoid.has(m));
    if (others.length === 0) return;
    for (const channel of [...conn.channels]) this.#move(channel, others[0]);
  }

  /** Moves `channel`'s subscription to `node`, and reports the gap. */
  #move(channel: string, node: string): void {
    const old = this.#channelConn.get(channel);
    if (old?.node === node) return;
    this.#drop(channel);
    const conn = this.#connFor(node);
    conn.channels.add(channel);
    this.#channelConn.set(channel, conn);
    this.#ensureTimer();
    const subscribed = this.#sharded
      ? conn.redis.ssubscribe(channel)
      : conn.redis.subscribe(channel);
    subscribed.then(() => this.#gap(), () => {});
    this.#gap();
  }
}

/** Reloads the cluster's slot map (CLUSTER SLOTS); resolves when done or failed. */
function refreshSlots(cluster: Cluster): Promise<void> {
  return new Promise((resolve) => cluster.refreshSlotsCache(() => resolve()));
}

/** The `host:port` of a MOVED reply, or `undefined`. */
function movedTo(error: unknown): string | undefined {
  const m = /^MOVED \d+ (\S+)/.exec((error as Error)?.message ?? "");
  return m?.[1];
}
