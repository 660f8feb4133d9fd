/**
 * The URL forms of a Redis Cluster and of a Sentinel-managed primary, and
 * the ioredis retry settings Repid opens them with (long enough to outlast a
 * failover).
 *
 * - `redis+cluster://[user:password@]host:port[,host:port…]` (`rediss+cluster://` for TLS):
 *   an ioredis `Cluster` with these nodes as its start-up nodes.
 * - `redis+sentinel://[user:password@]host:port[,host:port…]/<master name>[?db=N]`
 *   (`rediss+sentinel://` for TLS to the primary): an ioredis `Redis` that asks
 *   these Sentinels for the primary called `<master name>`; the user and
 *   password are the primary's, `sentinelPassword=…` in the query the Sentinels'.
 *
 * @module
 */

import { Cluster, type ClusterOptions, Redis, type RedisOptions } from "ioredis";

/**
 * Retry settings of a `Cluster` opened from a URL. ioredis' defaults give up
 * after 16 redirections 100 ms apart (1.6 s), long before a failover ends
 * (`cluster-node-timeout`, 15 s by default, plus the election): these retry
 * a command for about 30 s (100 tries, 300 ms apart) on CLUSTERDOWN,
 * TRYAGAIN and a closed connection, and follow MOVED at once.
 */
export const CLUSTER_RETRY_OPTIONS: ClusterOptions = {
  maxRedirections: 100,
  retryDelayOnFailover: 300,
  retryDelayOnClusterDown: 300,
  retryDelayOnTryAgain: 300,
  clusterRetryStrategy: (times: number) => Math.min(100 * times, 1_000),
};

/**
 * Retry settings of a Sentinel-managed client opened from a URL: reconnect
 * every 0.1–1 s, keep a command through 60 reconnects (about 55 s, past
 * Sentinel's default `down-after-milliseconds` of 30 s plus the failover),
 * follow `+switch-master` at once (`failoverDetector`), and reconnect when
 * the node answers READONLY (a demoted primary), resending the command.
 */
export const SENTINEL_RETRY_OPTIONS: RedisOptions = {
  maxRetriesPerRequest: 60,
  retryStrategy: (times: number) => Math.min(100 * times, 1_000),
  failoverDetector: true,
  reconnectOnError: (error: Error) => error.message.startsWith("READONLY") ? 2 : false,
};

/** `true` for a `redis+cluster://` or `rediss+cluster://` URL. */
export function isClusterUrl(url: string): boolean {
  return /^rediss?\+cluster:\/\//.test(url);
}

/** `true` for a `redis+sentinel://` or `rediss+sentinel://` URL. */
export function isSentinelUrl(url: string): boolean {
  return /^rediss?\+sentinel:\/\//.test(url);
}

interface ParsedUrl {
  tls: boolean;
  username?: string;
  password?: string;
  nodes: { host: string; port: number }[];
  path: string[];
  query: URLSearchParams;
}

/** Splits `scheme://[user:pass@]h:p,h:p/path?query`; throws a TypeError naming the URL. */
function parse(url: string, action: string, scheme: string): ParsedUrl {
  const bad = (why: string) =>
    new TypeError(`${action}: ${scheme} URL ${JSON.stringify(url)} ${why}`);
  const m = /^(rediss?)\+[a-z]+:\/\/(?:([^@/]*)@)?([^/?]*)(\/[^?]*)?(?:\?(.*))?$/.exec(url);
  if (!m) throw bad("is not of the form scheme://[user:password@]host:port[,host:port…]");
  const [, base, auth, hosts, path = "", query = ""] = m;
  let username: string | undefined;
  let password: string | undefined;
  if (auth !== undefined) {
    const at = auth.indexOf(":");
    username = decodeURIComponent(at < 0 ? auth : auth.slice(0, at)) || undefined;
    password = at < 0 ? undefined : decodeURIComponent(auth.slice(at + 1));
  }
  const nodes = hosts.split(",").map((hp) => {
    const at = hp.lastIndexOf(":");
    const host = hp.slice(0, at).replace(/^\[(.*)\]$/, "$1");
    const port = Number(hp.slice(at + 1));
    if (at <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
      throw bad(`has ${JSON.stringify(hp)} where host:port was expected`);
    }
    return { host, port };
  });
  return {
    tls: base === "rediss",
    username,
    password,
    nodes,
    path: path.split("/").filter(Boolean).map(decodeURIComponent),
    query: new URLSearchParams(query),
  };
}

/** Opens an ioredis `Cluster` for a `redis+cluster://` URL. */
export function openClusterUrl(
  url: string,
  action: string,
  extra: ClusterOptions = {},
): Cluster {
  const p = parse(url, action, "Redis Cluster");
  const redisOptions: RedisOptions = {};
  if (p.username) redisOptions.username = p.username;
  if (p.password !== undefined) redisOptions.password = p.password;
  if (p.tls) redisOptions.tls = {};
  return new Cluster(p.nodes, { ...CLUSTER_RETRY_OPTIONS, ...extra, redisOptions });
}

/** Opens an ioredis `Redis` through Sentinel for a `redis+sentinel://` URL. */
export function openSentinelUrl(url: string, action: string, extra: RedisOptions = {}): Redis {
  const p = parse(url, action, "Redis Sentinel");
  const name = p.path[0];
  if (!name) {
    throw new TypeError(
      `${action}: Redis Sentinel URL ${JSON.stringify(url)} names no master: ` +
        "expected redis+sentinel://host:port[,host:port…]/<master name>",
    );
  }
  const db = Number(p.query.get("db") ?? 0);
  if (!Number.isInteger(db) || db < 0) {
    throw new TypeError(
      `${action}: Redis Sentinel URL ${JSON.stringify(url)} has db=${
        p.query.get("db")
      }, expected a whole number`,
    );
  }
  return new Redis({
    ...SENTINEL_RETRY_OPTIONS,
    ...extra,
    sentinels: p.nodes,
    name,
    db,
    ...(p.username ? { username: p.username } : {}),
    ...(p.password !== undefined ? { password: p.password } : {}),
    ...(p.query.has("sentinelPassword")
      ? { sentinelPassword: p.query.get("sentinelPassword")! }
      : {}),
    ...(p.tls ? { tls: {}, enableTLSForSentinelMode: true } : {}),
  });
}
