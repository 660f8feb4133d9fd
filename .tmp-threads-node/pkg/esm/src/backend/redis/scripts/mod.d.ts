/**
 * Every Lua script of the Redis backend, one per job transition.
 *
 * @module
 */
import type { Script } from "./common.ts";
export type { Script };
/** All scripts, to be defined on a client once. */
export declare const scripts: readonly Script[];
