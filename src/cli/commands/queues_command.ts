/**
 * `repid queues`: every queue that holds jobs or schedules, whether it is
 * paused, and how many of its jobs are in each state.
 *
 * @module
 */

import { QUEUE_STATES } from "../../core/queue_state.ts";
import type { Repid } from "../../producer/repid.ts";
import { noPositional, storeCommand } from "../command.ts";
import { type Column, formatTable } from "../output.ts";

/** One queue as `producer.queues()` lists it. */
type QueueRow = Awaited<ReturnType<Repid["queues"]>>[number];

/** `repid queues`. */
export const queuesCommand = storeCommand({
  name: "queues",
  usage: "",
  summary: "The queues: paused or not, their jobs per state",
  description: `
Lists every queue under the prefix that holds jobs or schedules, whether it is
paused, and how many of its jobs are in each state: ${QUEUE_STATES.join(", ")}
(active: running on a worker, or between retries).`,
  examples: ["", "--prefix myapp --json"],
  async run({ line, connect }) {
    noPositional(line);
    const { producer } = await connect("list queues");
    const queues = await producer.queues();
    const columns: Column<QueueRow>[] = [
      { header: "QUEUE", cell: (q) => q.name },
      { header: "PAUSED", cell: (q) => (q.paused ? "yes" : "no") },
      ...QUEUE_STATES.map((state): Column<QueueRow> => ({
        header: state.toUpperCase(),
        cell: (q) => String(q.counts[state]),
        align: "right",
      })),
    ];
    const text = queues.length === 0 ? "No queue has jobs.\n" : formatTable(queues, columns);
    return { text, json: queues };
  },
});
