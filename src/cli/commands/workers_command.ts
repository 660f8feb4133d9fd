/**
 * `repid workers`: the live workers, from the workers' registry.
 *
 * @module
 */

import { noPositional, storeCommand } from "../command.ts";
import { formatTable, formatTime } from "../output.ts";

/** `repid workers`. */
export const workersCommand = storeCommand({
  name: "workers",
  usage: "",
  summary: "List the live workers: host, pid, queues, concurrency",
  description: `
Lists the running workers that use the prefix: each one's id, host, pid,
queues, concurrency, when it started and its latest heartbeat. A worker
renews its registration every 5 s; one that was killed drops out of the list
15 s after its last heartbeat.`,
  examples: ["", "--json"],
  async run({ line, connect }) {
    noPositional(line);
    const { backend } = await connect("list workers");
    const workers = (await backend.listWorkers?.()) ?? [];
    workers.sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
    const text = workers.length === 0 ? "No worker is running.\n" : formatTable(workers, [
      { header: "ID", cell: (w) => w.id },
      { header: "HOST", cell: (w) => w.host },
      { header: "PID", cell: (w) => String(w.pid), align: "right" },
      { header: "QUEUES", cell: (w) => w.queues.join(",") },
      { header: "CONCURRENCY", cell: (w) => String(w.concurrency), align: "right" },
      { header: "STARTED", cell: (w) => formatTime(w.startedAt) },
      { header: "LAST SEEN", cell: (w) => formatTime(w.lastSeenAt) },
    ]);
    return { text, json: workers };
  },
});
