/**
 * The `repid` command line: `repid worker <module> [options]`. A thin entry;
 * the commands live in their own modules.
 *
 * @module
 */
export {};
