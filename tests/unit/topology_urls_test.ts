import assert from "node:assert/strict";
import { test } from "node:test";
import type { Redis } from "ioredis";
import { openClusterUrl, openSentinelUrl } from "../../src/backend/redis/topology_urls.ts";
import { openClient } from "../../src/backend/redis/connection.ts";

const ACTION = "Cannot connect to Redis";

test("`redis+cluster://` opens an ioredis Cluster on the listed nodes, retrying past a failover", () => {
  const c = openClusterUrl("redis+cluster://u:p%40ss@10.0.0.1:7000,[::1]:7001", ACTION, {
    lazyConnect: true,
  });
  try {
    assert.equal(c.isCluster, true);
    assert.deepEqual((c as unknown as { startupNodes: unknown[] }).startupNodes, [{
      host: "10.0.0.1",
      port: 7000,
    }, {
      host: "::1",
      port: 7001,
    }]);
    assert.equal(c.options.redisOptions?.username, "u");
    assert.equal(c.options.redisOptions?.password, "p@ss");
    assert.equal(c.options.maxRedirections, 100);
    assert.equal(c.options.retryDelayOnClusterDown, 300);
  } finally {
    c.disconnect();
  }
});

test("`redis+sentinel://` opens a client that asks the Sentinels for the named master", () => {
  const r = openSentinelUrl(
    "redis+sentinel://:secret@10.0.0.1:26379,10.0.0.2:26379/mymaster?db=2&sentinelPassword=s2",
    ACTION,
    { lazyConnect: true },
  ) as Redis;
  try {
    assert.deepEqual(r.options.sentinels, [
      { host: "10.0.0.1", port: 26379 },
      { host: "10.0.0.2", port: 26379 },
    ]);
    assert.equal(r.options.name, "mymaster");
    assert.equal(r.options.db, 2);
    assert.equal(r.options.password, "secret");
    assert.equal(r.options.sentinelPassword, "s2");
    assert.equal(r.options.failoverDetector, true);
  } finally {
    r.disconnect();
  }
});

test("bad cluster and sentinel URLs are refused with a TypeError naming the URL", () => {
  assert.throws(
    () => openClient("redis+cluster://10.0.0.1", ACTION),
    new TypeError(
      `${ACTION}: Redis Cluster URL "redis+cluster://10.0.0.1" has "10.0.0.1" where host:port was expected`,
    ),
  );
  assert.throws(
    () => openClient("redis+sentinel://10.0.0.1:26379", ACTION),
    /Redis Sentinel URL "redis\+sentinel:\/\/10.0.0.1:26379" names no master/,
  );
  assert.throws(
    () => openClient("redis-cluster://10.0.0.1:7000", ACTION),
    /must start with redis:\/\/, rediss:\/\/, redis\+cluster:\/\/ or redis\+sentinel:\/\//,
  );
});
