/**
 * Test support: a real Redis Cluster of private `redis-server` processes
 * (3 masters + 3 replicas by default) on free ports of the caller's range.
 *
 * ```ts
 * const cluster = await RedisCluster.start({ ports: [6600, 6639] });
 * // ... new Worker(cluster.url) ...
 * await cluster.stop(); // shut every node down and remove their data directories
 * ```
 */
import { execFile } from "node:child_process";
import { createServer } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { Redis } from "ioredis";
import { PORT_OFFSET, RedisServer } from "./redis_server.ts";
import { keySlot } from "../../src/backend/redis/key_slot.ts";

/** Options of {@linkcode RedisCluster.start}. */
export interface RedisClusterOptions {
  /** The range of ports to take free ones from, both ends included (bus ports are port + 10000). */
  ports: [number, number];
  /** How many masters. @default {3} */
  masters?: number;
  /** Replicas of each master. @default {1} */
  replicas?: number;
  /**
   * `cluster-node-timeout`: how long a silent master is tolerated before its
   * replica takes over, in milliseconds.
   * @default {2000}
   */
  nodeTimeoutMs?: number;
  /** How long to wait for the cluster to be ok, in milliseconds. @default {30000} */
  readyTimeoutMs?: number;
}

/** A node as the cluster sees it. */
export interface ClusterNode {
  /** The node's process. */
  server: RedisServer;
  /** `"master"` or `"replica"`. */
  role: "master" | "replica";
  /** The node id (40 hex characters). */
  id: string;
  /** For a replica, the id of its master. */
  masterId?: string;
  /** For a master, the slot ranges it serves (`[first, last]`). */
  slots: [number, number][];
}

/** A Redis Cluster owned by a test. */
export class RedisCluster {
  /** Every node's process, in the order of their ports. */
  readonly servers: RedisServer[];

  private constructor(servers: RedisServer[]) {
    this.servers = servers;
  }

  /** `redis+cluster://127.0.0.1:<port>,…` with every node. */
  get url(): string {
    return `redis+cluster://${this.servers.map((s) => `127.0.0.1:${s.port}`).join(",")}`;
  }

  /** Starts the nodes, creates the cluster, and resolves once every node says it is ok. */
  static async start(options: RedisClusterOptions): Promise<RedisCluster> {
    const count = (options.masters ?? 3) * (1 + (options.replicas ?? 1));
    const ports = await freePorts(options.ports, count);
    const servers: RedisServer[] = [];
    const cluster = new RedisCluster(servers);
    try {
      for (const port of ports) {
        servers.push(
          await RedisServer.start({
            port,
            exactPort: true,
            args: [
              "--cluster-enabled",
              "yes",
              "--cluster-node-timeout",
              String(options.nodeTimeoutMs ?? 2_000),
              "--cluster-config-file",
              "nodes.conf",
              // Replicas sync at once (not after the default 5 s), so they can take over soon.
              "--repl-diskless-sync-delay",
              "0",
            ],
          }),
        );
      }
      await redisCli([
        "--cluster",
        "create",
        ...ports.map((p) => `127.0.0.1:${p}`),
        "--cluster-replicas",
        String(options.replicas ?? 1),
        "--cluster-yes",
      ]);
      await cluster.waitUntilOk(options.readyTimeoutMs ?? 30_000);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /**
   * Resolves once every running node reports `cluster_state:ok` and all
   * slots served, agrees on who serves every slot, and every replica is in
   * sync with its master (a replica that never synced refuses to fail over).
   */
  async waitUntilOk(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < deadline) {
      const running = this.servers.filter((s) => s.running);
      const infos = await Promise.all(running.map((s) => ask(s.port, ["CLUSTER", "INFO"])));
      const views = await Promise.all(running.map((s) => ask(s.port, ["CLUSTER", "SLOTS"])));
      const ok = infos.every((info) =>
        typeof info === "string" && info.includes("cluster_state:ok") &&
        info.includes("cluster_slots_ok:16384")
      );
      const slotViews = new Set(views.map((v) => JSON.stringify(slotOwners(v))));
      const replication = await Promise.all(
        running.map((s) => ask(s.port, ["INFO", "replication"])),
      );
      const synced = replication.every((r) =>
        !String(r).includes("role:slave") || String(r).includes("master_link_status:up")
      );
      if (ok && slotViews.size === 1 && synced) return;
      last = String(infos[0]);
      await delay(100);
    }
    throw new Error(`Redis Cluster not ok within ${timeoutMs} ms:\n${last}`);
  }

  /** The nodes as the cluster sees them now (asked of the first running node). */
  async nodes(): Promise<ClusterNode[]> {
    const from = this.servers.find((s) => s.running);
    if (!from) throw new Error("no node of the cluster is running");
    const text = String(await ask(from.port, ["CLUSTER", "NODES"]));
    const out: ClusterNode[] = [];
    for (const line of text.trim().split("\n")) {
      const [id, address, flags, master, , , , , ...slots] = line.split(" ");
      const port = Number(address.split("@")[0].split(":")[1]);
      const server = this.servers.find((s) => s.port === port);
      if (!server || flags.includes("fail")) continue;
      out.push({
        server,
        id,
        role: flags.includes("master") ? "master" : "replica",
        masterId: master === "-" ? undefined : master,
        slots: slots.filter((s) => !s.startsWith("[")).map((s) => {
          const [a, b] = s.split("-").map(Number);
          return [a, b ?? a] as [number, number];
        }),
      });
    }
    return out;
  }

  /** The masters that serve slots now (a replica just added may still be listed as a master). */
  async masters(): Promise<ClusterNode[]> {
    return (await this.nodes()).filter((n) => n.role === "master" && n.slots.length > 0);
  }

  /** The master that serves `key` now. */
  async masterOf(key: string): Promise<ClusterNode> {
    const slot = Number(
      await ask(this.servers.find((s) => s.running)!.port, [
        "CLUSTER",
        "KEYSLOT",
        key,
      ]),
    );
    const found = (await this.masters()).find((m) =>
      m.slots.some(([a, b]) => slot >= a && slot <= b)
    );
    if (!found) throw new Error(`no master serves slot ${slot} of ${JSON.stringify(key)}`);
    return found;
  }

  /** A queue name (`<tag><n>`) whose keys' slot `master` serves. */
  queueOn(master: ClusterNode, tag: string): string {
    if (master.slots.length === 0) throw new Error(`node ${master.server.port} serves no slot`);
    for (let i = 0;; i++) {
      const q = `${tag}${i}`;
      const slot = keySlot(`{${q}}`);
      if (master.slots.some(([a, b]) => slot >= a && slot <= b)) return q;
    }
  }

  /**
   * Moves `slot` with its keys from `from` to `to`, as `redis-cli --cluster
   * reshard` does: IMPORTING/MIGRATING, MIGRATE in batches of `batch` keys,
   * then SETSLOT … NODE on every master.
   */
  async migrateSlot(slot: number, from: ClusterNode, to: ClusterNode, batch = 100): Promise<void> {
    const src = new Redis(from.server.port, "127.0.0.1");
    const dst = new Redis(to.server.port, "127.0.0.1");
    try {
      await dst.call("CLUSTER", "SETSLOT", slot, "IMPORTING", from.id);
      await src.call("CLUSTER", "SETSLOT", slot, "MIGRATING", to.id);
      while (true) {
        const keys = await src.call("CLUSTER", "GETKEYSINSLOT", slot, batch) as string[];
        if (keys.length === 0) break;
        await src.call("MIGRATE", "127.0.0.1", to.server.port, "", 0, 5000, "KEYS", ...keys);
      }
      for (const node of [to, from, ...(await this.masters())]) {
        const r = new Redis(node.server.port, "127.0.0.1");
        await r.call("CLUSTER", "SETSLOT", slot, "NODE", to.id).finally(() => r.disconnect());
      }
    } finally {
      src.disconnect();
      dst.disconnect();
    }
  }

  /** Shuts every node down and removes their data directories. Safe to call twice. */
  async stop(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.stop()));
  }
}

/** Sends one command to one node; the reply, or the error's message. */
async function ask(port: number, command: string[]): Promise<unknown> {
  const r = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 });
  r.on("error", () => {});
  try {
    await r.connect();
    return await r.call(command[0], ...command.slice(1));
  } catch (error) {
    return (error as Error).message;
  } finally {
    r.disconnect();
  }
}

/** `[first, last, port]` per slot range of a CLUSTER SLOTS reply, sorted. */
function slotOwners(reply: unknown): [number, number, number][] {
  if (!Array.isArray(reply)) return [];
  return reply.map((r) => [r[0], r[1], r[2][1]] as [number, number, number]).sort((a, b) =>
    a[0] - b[0]
  );
}

function redisCli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("redis-cli", args, { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`redis-cli ${args.join(" ")} failed:\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

/** `count` ports of `[from, to]` whose port and bus port (+10000) are both free. */
export async function freePorts([from, to]: [number, number], count: number): Promise<number[]> {
  const out: number[] = [];
  // moved like every private server's port (REPID_TEST_PORT_OFFSET), so that two runs differ
  for (let p = from + PORT_OFFSET; p <= to + PORT_OFFSET && out.length < count; p++) {
    if (await isFree(p) && await isFree(p + 10_000)) out.push(p);
  }
  if (out.length < count) {
    throw new Error(
      `Cannot start a Redis Cluster: fewer than ${count} free ports in ${from + PORT_OFFSET}-${
        to + PORT_OFFSET
      }`,
    );
  }
  return out;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}
