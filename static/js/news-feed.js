// The news feed (/news/): «More news» is a plain link to the next 30 (?before=...), which works
// without JavaScript. With it, the next page is fetched and its lines are appended here; the link
// then points further on, and focus goes to the first new headline (for keyboards and readers).
"use strict";

function wire(link) {
  link.addEventListener("click", async (event) => {
    event.preventDefault();
    const list = document.getElementById(link.dataset.appendTo);
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
    const items = [...page.querySelectorAll(`#${link.dataset.appendTo} > li`)];
    list.append(...items.map((item) => document.adoptNode(item)));
    const next = page.querySelector("a[data-append-to]");
    if (next) {
      link.href = next.getAttribute("href");
      link.removeAttribute("aria-busy");
    } else {
      link.closest(".more").remove();
    }
    items[0]?.querySelector(".feed-title")?.focus();
  });
}

for (const link of document.querySelectorAll("a[data-append-to]")) wire(link);
