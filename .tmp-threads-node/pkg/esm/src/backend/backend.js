/**
 * The interface between `Worker`/`Repid` and a store. The Redis backend
 * implements it with one Lua script per transition; every transition of a
 * leased job presents the lease token and is refused when it no longer
 * matches.
 *
 * @module
 */
export {};
