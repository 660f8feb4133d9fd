/**
 * `repid jobs <queue> --state S`: one page of a queue's jobs in a state,
 * newest first.
 *
 * @module
 */

import type { JobInfo } from "../../core/job.ts";
import { PAGE_MAX } from "../../core/store_limits.ts";
import { storeCommand } from "../command.ts";
import { wholeNumber } from "../command_line.ts";
import { formatTable, formatTime } from "../output.ts";
import { stateOption, stateOptionSpec } from "../state_option.ts";
import { QUEUE_STATES } from "../../core/queue_state.ts";
import { queueTarget } from "../targets.ts";

/** How many jobs a page has without `--limit`. */
const DEFAULT_LIMIT = 20;

/** `repid jobs`. */
export const jobsCommand = storeCommand({
  name: "jobs",
  usage: "<queue> --state S",
  summary: "A queue's jobs in a state, newest first, by pages",
  description: `
Lists the jobs of <queue> in state S, newest first, ${DEFAULT_LIMIT} per page (--limit N):
their id, actor, arguments, attempts, times and the error of the last failed
attempt (\`job <id>\` shows everything of one job).
When there are more, the last line gives the --cursor of the next page
(with --json: the "cursor" field; no cursor, no more jobs).`,
  options: [
    stateOptionSpec(),
    {
      flag: "--limit",
      value: "N",
      help: `How many jobs per page, 1 to ${PAGE_MAX} (default: ${DEFAULT_LIMIT})`,
    },
    { flag: "--cursor", value: "C", help: "Continue after the page that returned cursor C" },
  ],
  examples: ["emails --state dead", "emails --state done --limit 100 --json"],
  async run({ line, connect }) {
    const queue = queueTarget(line, "Cannot list jobs");
    const state = stateOption(line, QUEUE_STATES);
    const limitUse = line.last("--limit");
    const limit = limitUse ? wholeNumber(limitUse, 1, PAGE_MAX) : DEFAULT_LIMIT;
    const cursor = line.last("--cursor")?.value;
    const { producer } = await connect("list jobs");
    const page = await producer.queue(queue).jobs({ state, limit, cursor });
    const table = page.jobs.length === 0
      ? `No ${state} job in queue ${queue}.\n`
      : formatTable(page.jobs, [
        { header: "ID", cell: (j: JobInfo) => j.id },
        { header: "ACTOR", cell: (j) => j.actor },
        { header: "ARGS", cell: (j) => clip(j.args === null ? "-" : JSON.stringify(j.args), 40) },
        { header: "ATTEMPTS", cell: (j) => String(j.attempts), align: "right" },
        { header: "ENQUEUED", cell: (j) => formatTime(j.enqueuedAt) },
        {
          header: state === "deferred" ? "DUE" : "FINISHED",
          cell: (j) => formatTime(j.finishedAt ?? j.dueAt),
        },
        { header: "ERROR", cell: (j) => lastError(j) },
      ]);
    const more = page.cursor ? `More: add --cursor ${page.cursor}\n` : "";
    return { text: table + more, json: page };
  },
});

/** The error of the job's last failed attempt (or its dead-letter reason), on one line. */
function lastError(job: JobInfo): string {
  const error = job.result?.error ?? job.errors.at(-1);
  return error ? clip(`${error.name}: ${error.message}`, 60) : "";
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
