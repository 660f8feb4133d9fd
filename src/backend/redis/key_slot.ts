/**
 * The Redis Cluster slot of a key (CRC16/XMODEM of the key, or of its hash
 * tag `{…}`, modulo 16384), as Redis computes it.
 *
 * @module
 */

const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let b = 0; b < 8; b++) c = c & 0x8000 ? (c << 1) ^ 0x1021 : c << 1;
    t[i] = c & 0xffff;
  }
  return t;
})();

const encoder = new TextEncoder();

/** The slot (0–16383) of `key`. */
export function keySlot(key: string): number {
  const open = key.indexOf("{");
  if (open >= 0) {
    const close = key.indexOf("}", open + 1);
    if (close > open + 1) key = key.slice(open + 1, close);
  }
  let crc = 0;
  for (const byte of encoder.encode(key)) {
    crc = ((crc << 8) ^ TABLE[((crc >> 8) ^ byte) & 0xff]) & 0xffff;
  }
  return crc % 16384;
}

/** The `host:port` a Cluster names one of its node connections by. */
export function nodeKey(node: { options: { host?: string; port?: number } }): string {
  return `${node.options.host}:${node.options.port}`;
}
