/**
 * Waiting for results: a subscription to the queue's "finished" channel is
 * made before the job's state is read, so a job that finishes between the
 * read and the wait is never missed. After a reconnect of the subscriber,
 * and every `recheckMs` as a safety net, pending jobs are read again.
 *
 * @module
 */
import { deferred } from "../core/sleep.js";
import { JobNotFoundError, ResultTimeoutError } from "../errors.js";
/** Waits for results of many jobs over one subscription per queue. */
export class ResultWaiter {
    #backend;
    #recheckMs;
    #subscriptions = new Map();
    #pending = new Map();
    #timer;
    /**
     * @param backend The store.
     * @param recheckMs How often pending jobs are read again as a safety net (≥ 100).
     */
    constructor(backend, recheckMs) {
        this.#backend = backend;
        this.#recheckMs = Math.max(100, recheckMs);
    }
    /** Resolves with the job's result once it has finished. */
    async wait(queue, id, options = {}) {
        const { signal, timeoutMs } = options;
        signal?.throwIfAborted();
        const d = deferred();
        const onAbort = () => d.reject(signal.reason);
        signal?.addEventListener("abort", onAbort, { once: true });
        const timer = timeoutMs === undefined
            ? undefined
            : setTimeout(() => d.reject(new ResultTimeoutError(id, timeoutMs)), timeoutMs);
        const key = `${queue}\n${id}`;
        try {
            // Subscribe first, then read the state: a job finishing in between is never missed.
            await Promise.race([this.#subscribe(queue), d.promise]);
            let p = this.#pending.get(key);
            if (!p) {
                p = { queue, id, waiters: new Set(), checking: false, again: false };
                this.#pending.set(key, p);
            }
            p.waiters.add(d);
            this.#ensureTimer();
            void this.#check(key);
            return await d.promise;
        }
        finally {
            clearTimeout(timer);
            signal?.removeEventListener("abort", onAbort);
            const cur = this.#pending.get(key);
            if (cur) {
                cur.waiters.delete(d);
                if (cur.waiters.size === 0)
                    this.#pending.delete(key);
            }
            if (this.#pending.size === 0 && this.#timer !== undefined) {
                clearInterval(this.#timer);
                this.#timer = undefined;
            }
        }
    }
    #subscribe(queue) {
        let s = this.#subscriptions.get(queue);
        if (!s) {
            s = this.#backend.onFinished(queue, (id) => void this.#check(`${queue}\n${id}`), () => this.#recheckAll());
            s.catch(() => this.#subscriptions.delete(queue));
            this.#subscriptions.set(queue, s);
        }
        return s;
    }
    #ensureTimer() {
        if (this.#timer === undefined) {
            this.#timer = setInterval(() => this.#recheckAll(), this.#recheckMs);
        }
    }
    #recheckAll() {
        for (const key of this.#pending.keys())
            void this.#check(key);
    }
    async #check(key) {
        const p = this.#pending.get(key);
        if (!p)
            return;
        if (p.checking) {
            p.again = true; // a notification came in while reading: read once more afterwards
            return;
        }
        p.checking = true;
        let info;
        try {
            info = await this.#backend.getJob(p.queue, p.id);
        }
        catch {
            return; // the store is unreachable: the next notification or recheck tries again
        }
        finally {
            p.checking = false;
            if (p.again) {
                p.again = false;
                queueMicrotask(() => void this.#check(key));
            }
        }
        if (info === null) {
            for (const w of p.waiters)
                w.reject(new JobNotFoundError(p.id, p.queue));
        }
        else if (info.result) {
            for (const w of p.waiters)
                w.resolve(info.result);
        }
    }
    /** Ends every subscription. Pending waits are rejected. */
    async close() {
        clearInterval(this.#timer);
        this.#timer = undefined;
        for (const p of this.#pending.values()) {
            for (const w of p.waiters)
                w.reject(new Error("The producer was closed"));
        }
        this.#pending.clear();
        const subs = [...this.#subscriptions.values()];
        this.#subscriptions.clear();
        await Promise.all(subs.map(async (s) => {
            try {
                await (await s)();
            }
            catch {
                // already gone
            }
        }));
    }
}
