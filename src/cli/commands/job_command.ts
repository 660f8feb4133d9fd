/**
 * `repid job <id>`: everything the store knows of one job.
 *
 * @module
 */

import type { JobInfo } from "../../core/job.ts";
import { CommandError, storeCommand } from "../command.ts";
import { formatFields, formatTime } from "../output.ts";
import { JOB_QUEUE_OPTION, jobTarget } from "../targets.ts";

/** `repid job <id>`. */
export const jobCommand = storeCommand({
  name: "job",
  usage: "<id> --queue Q",
  summary: "One job: state, attempts, times, result, errors",
  description: `
Shows what the store knows of the job <id> of queue Q: its status, attempts
and deliveries, its times, and once it finished its result, or the error of
each failed attempt. Exits with 1 when there is no such job (or its result
has expired).`,
  options: [JOB_QUEUE_OPTION],
  examples: ["0b0f8a6e-4a1c-4f4e-9d61-5c0f9f1f6e2b --queue emails", "welcome-42 --json"],
  async run({ line, connect }) {
    const { id, queue } = jobTarget(line, "Cannot read job");
    const { producer } = await connect("read job");
    const info = await (await producer.getJob(id, { queue }))?.info();
    if (!info) {
      throw new CommandError(`no job ${JSON.stringify(id)} in queue ${JSON.stringify(queue)}`);
    }
    return { text: formatFields(jobFields(info)), json: info };
  },
});

/**
 * The labelled fields of a job for people: its own fields, then those of its
 * result that say more (value, errors, times), each as text.
 */
export function jobFields(info: JobInfo): [string, string][] {
  const { result, ...own } = info;
  const fields = Object.entries(own).map(([key, value]): [string, string] => [
    key,
    fieldText(key, value),
  ]);
  if (!result) return fields;
  for (const [key, value] of Object.entries(result)) {
    if (
      key in own && JSON.stringify((own as Record<string, unknown>)[key]) === JSON.stringify(value)
    ) {
      continue; // the same as the job's own field
    }
    if (key === "success") continue; // said by the status
    fields.push([key === "status" ? "result" : key, fieldText(key, value)]);
  }
  return fields;
}

function fieldText(key: string, value: unknown): string {
  if (value === null || value === undefined) return "-";
  if (typeof value === "number" && key.endsWith("At")) return formatTime(value);
  if (typeof value === "string") return value;
  if (key === "errors" && Array.isArray(value)) {
    return value.length === 0 ? "-" : value.map((e, i) => `${i + 1}. ${errorLine(e)}`).join("\n");
  }
  if (key === "error" && isError(value)) return value.stack ?? errorLine(value);
  return JSON.stringify(value);
}

function isError(value: unknown): value is { name: string; message: string; stack?: string } {
  const v = value as { name?: unknown; message?: unknown } | null;
  return typeof v === "object" && v !== null && typeof v.name === "string" &&
    typeof v.message === "string";
}

function errorLine(value: unknown): string {
  return isError(value) ? `${value.name}: ${value.message}` : JSON.stringify(value);
}
