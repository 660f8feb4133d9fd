/**
 * What the command line prints: tables and field lists for people, JSON for
 * scripts. Pure logic, no I/O.
 *
 * @module
 */

/** One column of a {@linkcode formatTable} table. */
export interface Column<T> {
  /** The heading. */
  header: string;
  /** The cell of a row. */
  cell: (row: T) => string;
  /** `"right"` for numbers. */
  align?: "left" | "right";
}

/**
 * `rows` as a table: a heading line, then one line per row, the columns
 * padded to their widest cell and two spaces apart (no trailing spaces).
 *
 * @example
 * ```ts ignore
 * formatTable([{ name: "emails", queued: 3 }], [
 *   { header: "QUEUE", cell: (r) => r.name },
 *   { header: "QUEUED", cell: (r) => String(r.queued), align: "right" },
 * ]);
 * // "QUEUE   QUEUED\nemails       3\n"
 * ```
 */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((c) => oneLine(c.cell(row))));
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...cells.map((line) => line[i].length))
  );
  const lines = [columns.map((c) => c.header), ...cells].map((line) =>
    line.map((text, i) =>
      columns[i].align === "right" ? text.padStart(widths[i]) : text.padEnd(widths[i])
    )
      .join("  ").trimEnd()
  );
  return lines.join("\n") + "\n";
}

/**
 * Labelled values, one per line, the values aligned (`label  value`);
 * a value of several lines continues indented under the first.
 *
 * @example
 * ```ts ignore
 * formatFields([["id", "j1"], ["status", "done"]]); // "id      j1\nstatus  done\n"
 * ```
 */
export function formatFields(fields: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...fields.map(([label]) => label.length));
  return fields.map(([label, value]) => {
    const [first, ...rest] = value.split("\n");
    return [
      `${label.padEnd(width)}  ${first}`.trimEnd(),
      ...rest.map((l) => `${" ".repeat(width + 2)}${l}`),
    ]
      .join("\n");
  }).join("\n") + "\n";
}

/** `value` as pretty-printed JSON with a final newline, for `--json`. */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}

/** An epoch-ms time as ISO 8601 to the second (`2026-12-01T11:22:33Z`), or `-` for none. */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms <= 0) return "-";
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** `word` with its first letter upper-case (`purged` → `Purged`). */
export function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ");
}
