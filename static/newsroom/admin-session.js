// Every admin page: the article form's autosaved copies (article-desk.js) are forgotten once
// the admin reports a successful save, and all of them leave this browser at logout.
"use strict";
{
  const PREFIX = "newsroom:autosave:"
  const user = document.querySelector('meta[name="newsroom-user"]')?.content
  const keys = () => Object.keys(localStorage).filter((key) => key.startsWith(PREFIX))

  if (user && document.querySelector(".messagelist .success")) {
    for (const key of keys().filter((key) => key.startsWith(`${PREFIX}${user}:`))) {
      try {
        if (JSON.parse(localStorage.getItem(key))?.submitted) localStorage.removeItem(key)
      } catch {
        localStorage.removeItem(key)
      }
    }
  }

  document.getElementById("logout-form")?.addEventListener("submit", () => {
    for (const key of keys()) localStorage.removeItem(key)
  })
}
