/**
 * The dashboard's only script, served as `<basePath>/assets/dashboard.js`
 * (the Content-Security-Policy runs scripts from the dashboard only; pages
 * carry no inline script). Plain browser JavaScript kept as text, so that
 * it ships inside the package and nothing is fetched at run time. It:
 * - refreshes every count (`[data-count-queue][data-count-state]`) and
 *   "paused" badge (`[data-paused="<queue>"]`) from `<base>/api/counts`
 *   every few seconds;
 * - on a job page whose job is unfinished (`data-job-live`), polls the job
 *   and reloads the page when its state (`data-job-stamp`) changes;
 * - asks before destructive actions (`form[data-confirm]`).
 *
 * It writes text only (`textContent`), never markup.
 *
 * @module
 */

/** How often the pages poll, in milliseconds. */
export const POLL_MS = 2_000;

/** The script. */
export const DASHBOARD_SCRIPT = `"use strict";
(() => {
  const body = document.body;
  const base = body.dataset.base || "";
  const every = ${POLL_MS};

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  async function getJson(url) {
    const response = await fetch(url, { headers: { accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok) throw new Error(String(response.status));
    return await response.json();
  }

  const counted = document.querySelectorAll("[data-count-queue], [data-paused]");
  if (counted.length > 0) {
    const refresh = async () => {
      try {
        const data = await getJson(base + "/api/counts");
        for (const el of counted) {
          if (el.dataset.countQueue !== undefined) {
            const value = data.queues?.[el.dataset.countQueue]?.counts?.[el.dataset.countState];
            if (typeof value === "number") {
              el.textContent = value.toLocaleString("en-US");
              el.classList.toggle("zero", value === 0);
            }
          } else {
            const queue = data.queues?.[el.dataset.paused];
            if (queue) el.hidden = !queue.paused;
          }
        }
        body.dataset.refreshed = String(Date.now());
      } catch {
        // the next round tries again
      }
      setTimeout(refresh, every);
    };
    setTimeout(refresh, every);
  }

  const live = document.querySelector("[data-job-live]");
  if (live) {
    const poll = async () => {
      try {
        const job = await getJson(live.dataset.jobLive);
        if (job.stamp !== live.dataset.jobStamp) {
          location.reload();
          return;
        }
      } catch {
        // the next round tries again
      }
      setTimeout(poll, every);
    };
    setTimeout(poll, every);
  }
})();
`;
