/**
 * `repid workers`: the live workers (`producer.workers()`).
 *
 * @module
 */

import { noPositional, storeCommand } from "../command.ts";
import { formatTable, formatTime } from "../output.ts";

/** `repid workers`. */
export const workersCommand = storeCommand({
  name: "workers",
  usage: "",
  summary: "The live workers: host, pid, queues, jobs",
  description: `
Lists the running workers that use the prefix: each one's id, host, pid,
queues, concurrency, how many jobs it was running at its latest heartbeat,
when it started and when it was last seen. A worker renews its registration
every 5 s; one that was killed drops out of the list within 15 s.`,
  examples: ["", "--json"],
  async run({ line, connect }) {
    noPositional(line);
    const { producer } = await connect("list workers");
    const workers = await producer.workers();
    workers.sort((a, b) => a.since - b.since || a.id.localeCompare(b.id));
    const text = workers.length === 0 ? "No worker is running.\n" : formatTable(workers, [
      { header: "ID", cell: (w) => w.id },
      { header: "HOST", cell: (w) => w.host },
      { header: "PID", cell: (w) => String(w.pid), align: "right" },
      { header: "QUEUES", cell: (w) => w.queues.join(",") },
      { header: "CONCURRENCY", cell: (w) => String(w.concurrency), align: "right" },
      { header: "RUNNING", cell: (w) => String(w.running), align: "right" },
      { header: "STARTED", cell: (w) => formatTime(w.since) },
      { header: "LAST SEEN", cell: (w) => formatTime(w.lastSeen) },
    ]);
    return { text, json: workers };
  },
});
