/**
 * A sorted set of strings scored by numbers: the in-memory counterpart of a
 * Redis ZSET. Members are ordered by score, then by member (as Redis does
 * for equal scores), so the same operations return the same order.
 *
 * @module
 */

interface Entry {
  member: string;
  score: number;
}

function compare(a: Entry, b: Entry): number {
  if (a.score !== b.score) return a.score < b.score ? -1 : 1;
  return a.member < b.member ? -1 : a.member > b.member ? 1 : 0;
}

/**
 * Members with scores, kept in order. Removal at the low end (the usual case:
 * due jobs, expired leases) is O(1) amortised; elsewhere it is O(n).
 */
export class SortedSet {
  readonly #scores = new Map<string, number>();
  /** Entries from `#start` on are live, in order; those before it were removed. */
  #entries: Entry[] = [];
  #start = 0;

  /** How many members it holds (`ZCARD`). */
  get size(): number {
    return this.#scores.size;
  }

  /** The score of `member`, or `undefined` (`ZSCORE`). */
  score(member: string): number | undefined {
    return this.#scores.get(member);
  }

  /** Adds `member`, or moves it to its new `score` (`ZADD`). */
  add(member: string, score: number): void {
    if (this.#scores.has(member)) this.remove(member);
    this.#scores.set(member, score);
    const entry = { member, score };
    const entries = this.#entries;
    if (entries.length === this.#start || compare(entries[entries.length - 1], entry) <= 0) {
      entries.push(entry);
    } else {
      entries.splice(this.#find(entry), 0, entry);
    }
  }

  /** Removes `member`; `true` when it was there (`ZREM`). */
  remove(member: string): boolean {
    const score = this.#scores.get(member);
    if (score === undefined) return false;
    this.#scores.delete(member);
    const i = this.#find({ member, score });
    if (i === this.#start) this.#dropFirst();
    else this.#entries.splice(i, 1);
    return true;
  }

  /** The lowest member and its score, or `undefined` when empty. */
  first(): Entry | undefined {
    const e = this.#entries[this.#start];
    return e ? { member: e.member, score: e.score } : undefined;
  }

  /** Up to `limit` members scored at most `max`, lowest first (`ZRANGEBYSCORE -inf max LIMIT`). */
  rangeTo(max: number, limit = Infinity): string[] {
    const out: string[] = [];
    for (let i = this.#start; i < this.#entries.length && out.length < limit; i++) {
      const e = this.#entries[i];
      if (e.score > max) break;
      out.push(e.member);
    }
    return out;
  }

  /** How many members are scored at most `max` (`ZCOUNT -inf max`). */
  countTo(max: number): number {
    let n = 0;
    for (let i = this.#start; i < this.#entries.length; i++) {
      if (this.#entries[i].score > max) break;
      n++;
    }
    return n;
  }

  /** Removes every member scored at most `max` (`ZREMRANGEBYSCORE -inf max`). */
  removeTo(max: number): number {
    let n = 0;
    while (this.#start < this.#entries.length && this.#entries[this.#start].score <= max) {
      this.#scores.delete(this.#entries[this.#start].member);
      this.#dropFirst();
      n++;
    }
    return n;
  }

  /**
   * How many members sort at or above (`score`, `member`): the rank, from the
   * highest, where a walk down resumes after that entry (`ZREVRANK` plus one
   * when it is there).
   */
  countFrom(score: number, member: string): number {
    return this.#entries.length - this.#find({ member, score });
  }

  /** The member at `rank` counted from the highest (`ZREVRANGE rank rank`), or `undefined`. */
  atRevRank(rank: number): Entry | undefined {
    const i = this.#entries.length - 1 - rank;
    if (rank < 0 || i < this.#start) return undefined;
    const e = this.#entries[i];
    return { member: e.member, score: e.score };
  }

  /** The members, lowest first. */
  *[Symbol.iterator](): IterableIterator<string> {
    for (let i = this.#start; i < this.#entries.length; i++) yield this.#entries[i].member;
  }

  /** The index of `entry`, or where it would be inserted. */
  #find(entry: Entry): number {
    let lo = this.#start;
    let hi = this.#entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(this.#entries[mid], entry) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #dropFirst(): void {
    this.#start++;
    if (this.#start === this.#entries.length) {
      this.#entries = [];
      this.#start = 0;
    } else if (this.#start > 1024 && this.#start * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#start);
      this.#start = 0;
    }
  }
}
