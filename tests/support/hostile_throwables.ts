/**
 * Test support: values an actor may throw that break naive error handling
 * (getters that throw, revoked proxies, cycles without a prototype, values
 * that are not objects), each with the description a stored error must have.
 * Shared by the unit tests of `toJobError`, the contract tests and a thread
 * fixture (so each value is made where it is thrown).
 */

/** One hostile value: how to make it, and what its stored message must match. */
export interface HostileThrowable {
  /** Names the value in test titles. */
  label: string;
  /** Makes a fresh value to throw. */
  value: () => unknown;
  /** What the stored error's message must match. */
  message: RegExp;
}

/** A proxy whose every trap throws `trap refused`. */
function trapEverything(): object {
  const refuse = () => {
    throw new Error("trap refused");
  };
  return new Proxy({}, {
    get: refuse,
    has: refuse,
    getPrototypeOf: refuse,
    ownKeys: refuse,
    getOwnPropertyDescriptor: refuse,
  });
}

/** The hostile values, in a fixed order (index them by position). */
export function hostileThrowables(): HostileThrowable[] {
  return [
    {
      label: "a cyclic object without a prototype",
      value: () => {
        const o = Object.create(null);
        o.self = o;
        return o;
      },
      // V8 says "Converting circular structure to JSON", JavaScriptCore (Bun)
      // "JSON.stringify cannot serialize cyclic structures".
      message: /^\[object Object\] \(not JSON: .*(circular|cyclic) structure/,
    },
    {
      label: "an Error whose message getter throws",
      value: () => {
        const e = new Error("unseen");
        Object.defineProperty(e, "message", {
          get() {
            throw new Error("no message for you");
          },
        });
        return e;
      },
      message: /^\(the error's message could not be read: no message for you\)$/,
    },
    {
      label: "a revoked Proxy",
      value: () => {
        const { proxy, revoke } = Proxy.revocable({}, {});
        revoke();
        return proxy;
      },
      message: /^an object that cannot be read \(.*revoked/,
    },
    {
      label: "a Proxy whose every trap throws",
      value: trapEverything,
      message: /^an object that cannot be read \(trap refused\)$/,
    },
    { label: "a symbol", value: () => Symbol("boom"), message: /^Symbol\(boom\)$/ },
    { label: "a BigInt", value: () => 10n, message: /^10n$/ },
    {
      label: "an object whose toJSON and toString throw",
      value: () => ({
        toJSON() {
          throw new Error("no JSON here");
        },
        toString() {
          throw new Error("no string here");
        },
      }),
      message: /^\[object Object\] \(not JSON: no JSON here\)$/,
    },
    {
      label: "an object holding a BigInt",
      value: () => ({ n: 1n }),
      message: /^\[object Object\] \(not JSON: .*BigInt/,
    },
    {
      label: "an error-like object whose name and message are not strings",
      value: () => ({ name: { not: "a string" }, message: Symbol("m") }),
      message: /^Symbol\(m\)$/,
    },
    {
      label: "an Error whose name and stack getters throw",
      value: () => {
        const e = new TypeError("kept message");
        // The stack first: Node formats a stack (reading the name) when it is replaced.
        for (const key of ["stack", "name"]) {
          Object.defineProperty(e, key, {
            get() {
              throw new Error(`no ${key}`);
            },
          });
        }
        return e;
      },
      message: /^kept message$/,
    },
  ];
}
