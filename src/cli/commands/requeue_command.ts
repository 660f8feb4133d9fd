/**
 * `repid requeue`: one finished job runs again (`requeue <id> --queue Q`),
 * or every job of a queue in a finished state (`requeue <queue> --state dead`).
 *
 * @module
 */

import { assertName } from "../../core/names.ts";
import { storeCommand } from "../command.ts";
import { UsageError } from "../command_line.ts";
import { FINISHED_STATES } from "../../core/queue_state.ts";
import { stateOption, stateOptionSpec } from "../state_option.ts";
import { JOB_QUEUE_OPTION, jobTarget, queueTarget } from "../targets.ts";
import { actOnJob } from "./job_actions.ts";
import { bulkOutput } from "./queue_actions.ts";

/** `repid requeue`. */
export const requeueCommand = storeCommand({
  name: "requeue",
  usage: "<id> --queue Q | <queue> --state S",
  summary: "Run a finished job again, or every job of a state",
  description: `
With a job id: the finished job <id> of queue Q runs again under the same id,
with a fresh attempt budget; its earlier errors stay in its history. Exits
with 1 when the job was not requeued (it has not finished) or does not exist.

With --state S: every job of <queue> (or of --queue Q) in the finished state
S (dead, failed, cancelled or done) is queued again the same way, oldest
first, in batches of 500 jobs per call; prints how many.`,
  options: [JOB_QUEUE_OPTION, stateOptionSpec(FINISHED_STATES)],
  examples: ["welcome-42 --queue emails", "emails --state dead"],
  async run({ line, connect }) {
    if (!line.has("--state")) {
      const target = jobTarget(line, "Cannot requeue job");
      return await actOnJob(target, connect, {
        action: "requeue job",
        did: "requeued",
        after: (status) => `: it is ${status} again, with a fresh attempt budget`,
        act: async (job) => {
          const { requeued, status } = await job.requeue();
          return { done: requeued, status };
        },
      });
    }
    const byOption = line.last(JOB_QUEUE_OPTION.flag);
    if (byOption && line.positional.length) {
      throw new UsageError(
        `give the queue once: ${line.positional.join(" ")} or ${byOption.typed} ${byOption.value}`,
      );
    }
    const queue = byOption
      ? assertName("queue", byOption.value, "Cannot requeue jobs")
      : queueTarget(line, "Cannot requeue jobs");
    const state = stateOption(line, FINISHED_STATES);
    const { producer } = await connect("requeue jobs");
    return bulkOutput(queue, state, "requeued", await producer.queue(queue).requeue({ state }));
  },
});
