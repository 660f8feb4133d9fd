import { Redis } from "ioredis";
import { Repid } from "/work/wt/flow/mod.ts";
const url = "redis://127.0.0.1:6782";
const r = new Redis(url);
const prefix = "m" + crypto.randomUUID().slice(0, 6);
const p = new Repid(url, { prefix });
const before = Number((await r.info("memory")).match(/used_memory:(\d+)/)![1]);
await p.enqueueJobs(
  Array.from({ length: 1000 }, (_, i) => ({ actor: "a", group: `account-${i}`, jobId: `j${i}` })),
);
const mid = Number((await r.info("memory")).match(/used_memory:(\d+)/)![1]);
await p.enqueueJobs(Array.from({ length: 1000 }, (_, i) => ({ actor: "a", jobId: `k${i}` })));
const after = Number((await r.info("memory")).match(/used_memory:(\d+)/)![1]);
console.log("grouped per job+group", (mid - before) / 1000, "plain per job", (after - mid) / 1000);
console.log("gq key", await r.memory("USAGE", `${prefix}:{default}:gq:account-1`));
console.log("groups ring", await r.memory("USAGE", `${prefix}:{default}:groups`));
await p.close();
await r.quit();
