// A minimal RESP2 client over node:net, used by the bench (Deno and Node alike)
// for INFO snapshots and key cleanup, independent of the library under test.
import { Buffer } from "node:buffer";
import net from "node:net";

/**
 * Opens a connection to `url` (redis://host:port).
 * @param {string} url
 * @returns {Promise<{ command: (...args: (string|number)[]) => Promise<unknown>, close: () => void }>}
 */
export function openRaw(url) {
  const u = new URL(url);
  const socket = net.createConnection({
    host: u.hostname,
    port: Number(u.port || 6379),
  });
  socket.setNoDelay(true);
  /** @type {{ resolve: (v: unknown) => void, reject: (e: unknown) => void }[]} */
  const pending = [];
  let buf = Buffer.alloc(0);
  socket.on("data", (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (pending.length) {
      const parsed = parse(buf, 0);
      if (!parsed) break;
      buf = buf.subarray(parsed.end);
      const p = pending.shift();
      if (parsed.value instanceof Error) p.reject(parsed.value);
      else p.resolve(parsed.value);
    }
  });
  const failAll = (e) => {
    while (pending.length) pending.shift().reject(e);
  };
  socket.on("error", failAll);
  socket.on("close", () => failAll(new Error("connection closed")));
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.once("connect", () => {
      socket.off("error", reject);
      resolve({
        command(...args) {
          let out = `*${args.length}\r\n`;
          for (const a of args) {
            const s = String(a);
            out += `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
          }
          return new Promise((res, rej) => {
            pending.push({ resolve: res, reject: rej });
            socket.write(out);
          });
        },
        close() {
          socket.destroy();
        },
      });
    });
  });
}

/** Parses one reply at `pos`; `null` when incomplete. */
function parse(buf, pos) {
  const eol = buf.indexOf("\r\n", pos);
  if (eol < 0) return null;
  const type = String.fromCharCode(buf[pos]);
  const line = buf.toString("utf8", pos + 1, eol);
  const next = eol + 2;
  switch (type) {
    case "+":
      return { value: line, end: next };
    case "-":
      return { value: new Error(line), end: next };
    case ":":
      return { value: Number(line), end: next };
    case "$": {
      const len = Number(line);
      if (len < 0) return { value: null, end: next };
      if (buf.length < next + len + 2) return null;
      return {
        value: buf.toString("utf8", next, next + len),
        end: next + len + 2,
      };
    }
    case "*": {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      const items = [];
      let p = next;
      for (let i = 0; i < n; i++) {
        const r = parse(buf, p);
        if (!r) return null;
        items.push(r.value);
        p = r.end;
      }
      return { value: items, end: p };
    }
    default:
      throw new Error(`unexpected RESP type ${type}`);
  }
}

/**
 * Reads the figures the bench compares: total command calls (per command),
 * and Redis CPU seconds (user + sys).
 * @param {{ command: (...args: (string|number)[]) => Promise<unknown> }} raw
 */
export async function infoSnapshot(raw) {
  const text = String(await raw.command("INFO", "commandstats"));
  const cpuText = String(await raw.command("INFO", "cpu"));
  /** @type {Record<string, number>} */
  const calls = {};
  for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    calls[m[1]] = Number(m[2]);
  }
  const user = Number(/used_cpu_user:([\d.]+)/.exec(cpuText)?.[1] ?? 0);
  const sys = Number(/used_cpu_sys:([\d.]+)/.exec(cpuText)?.[1] ?? 0);
  return { calls, cpuUs: Math.round((user + sys) * 1e6) };
}

/** The difference of two snapshots, INFO itself left out. */
export function infoDelta(before, after) {
  /** @type {Record<string, number>} */
  const calls = {};
  let total = 0;
  for (const [name, n] of Object.entries(after.calls)) {
    if (name === "info") continue;
    const d = n - (before.calls[name] ?? 0);
    if (d > 0) {
      calls[name] = d;
      total += d;
    }
  }
  return { calls, totalCalls: total, cpuUs: after.cpuUs - before.cpuUs };
}

/** Deletes every key under `prefix:` with SCAN + UNLINK; returns how many. */
export async function deletePrefix(raw, prefix) {
  let cursor = "0";
  let deleted = 0;
  do {
    const [next, keys] = /** @type {[string, string[]]} */ (
      await raw.command("SCAN", cursor, "MATCH", `${prefix}:*`, "COUNT", 1000)
    );
    cursor = next;
    if (keys.length) deleted += Number(await raw.command("UNLINK", ...keys));
  } while (cursor !== "0");
  return deleted;
}
