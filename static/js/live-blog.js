// A live blog's page (website.liveblog): new entries without a reload, and «Show more» in place.
//
// Every data-live-seconds the page asks data-live-poll?since=<data-live-since>: the same address
// for every reader whose page is up to date (a Unix time in tens of seconds), so the page cache
// and nginx answer them all with one render. The answer (JSON) holds the entries published or
// edited since then, rendered as the page renders them, the ids deleted, the blog's state and
// the since to ask with next. An entry already on the page is replaced in place; a deleted one
// leaves; a new one waits behind the «N new entries» button, so nothing moves under the
// reader's eyes. Once the coverage has ended the status line says so and the polling stops.
// Without JavaScript a reload shows all of it, and «Show more» is a plain link.
"use strict";

(function () {
  const blog = document.querySelector("[data-live-poll]") || document.querySelector(".live-blog");

  function parse(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    return template.content.firstElementChild;
  }

  // Embeds in entries that arrive later get their «Show here» button (static/js/embeds.js).
  function announce(element) {
    element.dispatchEvent(new CustomEvent("newsroom:content", { bubbles: true }));
  }

  function wireMore(link, list) {
    link.addEventListener("click", async (event) => {
      event.preventDefault();
      link.setAttribute("aria-busy", "true");
      let page;
      try {
        const response = await fetch(link.href, { credentials: "same-origin" });
        if (!response.ok) throw new Error(String(response.status));
        page = new DOMParser().parseFromString(await response.text(), "text/html");
      } catch {
        window.location.href = link.href; // let the browser show what the server says
        return;
      }
      const entries = [...page.querySelectorAll("#live-entries > .live-entry")].filter(
        (entry) => !document.getElementById(entry.id),
      );
      for (const entry of entries) {
        const adopted = document.adoptNode(entry);
        list.append(adopted);
        announce(adopted);
      }
      const next = page.querySelector("a[data-live-more]");
      if (next) {
        link.href = next.getAttribute("href");
        link.removeAttribute("aria-busy");
      } else {
        link.closest(".more").remove();
      }
      document.getElementById(entries[0]?.id)?.focus();
    });
  }

  function startPolling(root, list) {
    const address = root.dataset.livePoll;
    const labels = JSON.parse(root.dataset.liveLabels || "[]");
    const plural = new Intl.PluralRules(document.documentElement.lang || undefined);
    const button = root.querySelector(".live-new");
    const pending = new Map(); // id -> the entry's element, not shown yet
    let since = Number(root.dataset.liveSince);
    let seconds = Math.max(1, Number(root.dataset.liveSeconds) || 10);
    let delay = seconds;
    let timer = null;
    let asking = false;
    let stopped = false;

    const shown = () => [...root.querySelectorAll(".live-entry")];
    let newest = Math.max(0, ...shown().map((entry) => Number(entry.dataset.published)));

    // «N new entries»: the label for N (1 to 40 come with the page), or for a number of the same
    // plural category with N put in its place.
    function label(count) {
      if (count <= labels.length) return labels[count - 1];
      const category = plural.select(count);
      const index = [...labels.keys()].reverse().find((i) => plural.select(i + 1) === category) ?? labels.length - 1;
      return labels[index].replace(String(index + 1), String(count));
    }

    function showButton() {
      button.hidden = pending.size === 0;
      if (pending.size) button.textContent = label(pending.size);
    }

    function apply(answer) {
      for (const id of answer.deleted) {
        pending.delete(id);
        document.getElementById(`entry-${id}`)?.remove();
      }
      for (const item of answer.entries) {
        const entry = parse(item.html);
        const current = document.getElementById(entry.id);
        if (current) {
          if (current.dataset.updated !== entry.dataset.updated) {
            current.replaceWith(entry);
            announce(entry);
          }
        } else if (pending.has(item.id) || item.published >= newest) {
          pending.set(item.id, entry);
        } // else: an older entry not on this page; «Show more» or a reload brings it
      }
      since = Math.max(since, answer.since);
      const status = document.querySelector(".live-status");
      if (status && status.dataset.liveState !== answer.state) status.replaceWith(parse(answer.status));
      if (answer.interval) seconds = Math.max(1, answer.interval);
      showButton();
      if (answer.state === "ended" || answer.state === "none") stop();
    }

    async function poll() {
      timer = null;
      if (stopped || asking) return;
      if (document.hidden) return; // asked again when the tab is shown
      asking = true;
      try {
        const response = await fetch(`${address}?since=${since}`, { credentials: "omit" });
        if (response.status === 404) return stop(); // withdrawn or no longer a live blog
        if (!response.ok) throw new Error(String(response.status));
        apply(await response.json());
        delay = seconds;
      } catch {
        delay = Math.min(delay * 2, 300); // the network or the server is away: ask less often
      } finally {
        asking = false;
      }
      schedule();
    }

    function schedule() {
      if (!stopped && timer === null) timer = window.setTimeout(poll, delay * 1000);
    }

    function stop() {
      stopped = true;
      if (timer !== null) window.clearTimeout(timer);
    }

    button.addEventListener("click", () => {
      const entries = [...pending.values()].sort((a, b) => Number(b.dataset.published) - Number(a.dataset.published));
      pending.clear();
      list.prepend(...entries);
      for (const entry of entries) announce(entry);
      newest = Math.max(newest, ...entries.map((entry) => Number(entry.dataset.published)));
      root.querySelector(".live-empty")?.remove();
      showButton();
      entries[0]?.focus();
    });

    document.addEventListener("visibilitychange", () => {
      if (!document.hidden && timer === null) poll();
    });
    schedule();
  }

  if (blog) {
    const list = blog.querySelector("#live-entries");
    const more = blog.querySelector("a[data-live-more]");
    if (more) wireMore(more, list);
    if (blog.dataset.livePoll) startPolling(blog, list);
  }
})();
