import { script } from "./common.ts";

/**
 * worker_heartbeat: registers a worker, or renews its registration.
 *
 * KEYS[1] workers zset (ids by last heartbeat), KEYS[2] the worker's hash
 * ARGV[1] worker id, ARGV[2] the announcement (JSON), ARGV[3] TTL in ms
 * Returns the Redis time of the heartbeat (epoch ms). The hash holds `info`,
 * `startedAt` (first heartbeat) and `lastSeenAt`, and expires after the TTL
 * unless renewed.
 */
export const workerHeartbeatScript = script(
  "repidWorkerHeartbeat",
  2,
  `
local now = now_ms()
redis.call('HSETNX', KEYS[2], 'startedAt', now)
redis.call('HSET', KEYS[2], 'info', ARGV[2], 'lastSeenAt', now)
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('ZADD', KEYS[1], now, ARGV[1])
return now
`,
);
