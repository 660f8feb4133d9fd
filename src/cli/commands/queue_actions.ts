/**
 * The commands that act on a whole queue: `purge`
 * (`requeue <queue> --state S` is in `requeue_command.ts`).
 *
 * @module
 */

import { type CommandOutput, storeCommand } from "../command.ts";
import { capitalize } from "../output.ts";
import { queueTarget } from "../targets.ts";
import { QUEUE_STATES } from "../../core/queue_state.ts";
import { stateOption, stateOptionSpec } from "../state_option.ts";

/** The states `purge` takes: every state but active (running jobs are cancelled instead). */
const PURGEABLE = QUEUE_STATES.filter((s) => s !== "active");

/** `repid purge <queue> --state S`. */
export const purgeCommand = storeCommand({
  name: "purge",
  usage: "<queue> --state S",
  summary: "Remove every job of a queue in a state (done, failed, dead, …)",
  description: `
Deletes every job of <queue> in state S (not active: running jobs are
cancelled, not purged), oldest first, in batches of 500 jobs per call so that
Redis is never blocked for long; prints how many were deleted.`,
  options: [stateOptionSpec(PURGEABLE)],
  examples: ["emails --state done", "emails --state dead --json"],
  async run({ line, connect }) {
    const queue = queueTarget(line, "Cannot purge queue");
    const state = stateOption(line, PURGEABLE);
    const { producer } = await connect("purge queue");
    return bulkOutput(queue, state, "purged", await producer.queue(queue).purge({ state }));
  },
});

/**
 * What a command that acts on every job of a state prints: how many jobs it
 * `did` (`purged`), as a sentence, or as `{ queue, state, purged: n }`.
 */
export function bulkOutput(queue: string, state: string, did: string, n: number): CommandOutput {
  return {
    text: `${capitalize(did)} ${n} ${state} job${n === 1 ? "" : "s"} of queue ${queue}.\n`,
    json: { queue, state, [did]: n },
  };
}
