// What the admin's writing desks share (the article form, article-desk.js; the live blog's
// entry box, live-desk.js): a copy of the text kept in this browser while one types, and a look
// at the session before sending, with a dialog that says what to do when it has ended.
// Copies are keyed "newsroom:autosave:<user>:<what>"; admin-session.js removes them at logout.
"use strict";
window.NewsroomDesk = (() => {
  const gettext = window.gettext || ((text) => text)
  const PREFIX = "newsroom:autosave:"

  // -- The copy in this browser (localStorage; full or refused storage is not an error) --------
  function store(user, what) {
    const key = `${PREFIX}${user}:${what}`
    return {
      key,
      read() {
        try {
          return JSON.parse(localStorage.getItem(key) || "null")
        } catch {
          return null
        }
      },
      write(entry) {
        try {
          localStorage.setItem(key, JSON.stringify(entry))
        } catch {
          // Storage full or refused: the page itself still holds the text.
        }
      },
      remove() {
        localStorage.removeItem(key)
      },
    }
  }

  // -- The session: "ok" with a fresh CSRF token, "logged-out" or "offline" ---------------------
  async function checkSession(url) {
    let session = null
    try {
      const response = await fetch(url, { credentials: "same-origin", cache: "no-store" })
      session = response.ok ? await response.json() : null
    } catch {
      session = null
    }
    if (session?.authenticated) return { state: "ok", csrf: session.csrf }
    return { state: session === null ? "offline" : "logged-out" }
  }

  // The dialog when the session check failed. texts: {offline, loggedOut, retry} (the sentences
  // name what was not sent: the article, the entry); onRetry sends again.
  function sessionDialog({ kind, loginUrl, texts, onRetry }) {
    document.querySelector(".session-dialog")?.remove()
    const dialog = document.createElement("dialog")
    dialog.className = "session-dialog"
    dialog.setAttribute("aria-labelledby", "session-dialog-title")
    const title = document.createElement("h2")
    title.id = "session-dialog-title"
    const text = document.createElement("p")
    if (kind === "offline") {
      title.textContent = gettext("No connection to the server")
      text.textContent = texts.offline
    } else {
      title.textContent = gettext("You are logged out")
      text.textContent = texts.loggedOut
    }
    const login = document.createElement("a")
    login.href = loginUrl
    login.target = "_blank"
    login.rel = "noopener"
    login.className = "button"
    login.textContent = gettext("Log in in a new tab")
    const retry = document.createElement("button")
    retry.type = "button"
    retry.className = "button default"
    retry.textContent = texts.retry
    const close = document.createElement("button")
    close.type = "button"
    close.className = "button"
    close.textContent = gettext("Back to the text")
    const actions = document.createElement("p")
    actions.className = "session-dialog__actions"
    actions.append(...(kind === "offline" ? [] : [login, " "]), retry, " ", close)
    dialog.append(title, text, actions)
    document.body.append(dialog)
    retry.addEventListener("click", () => {
      dialog.close()
      dialog.remove()
      onRetry()
    })
    close.addEventListener("click", () => {
      dialog.close()
      dialog.remove()
    })
    dialog.showModal()
  }

  return { store, checkSession, sessionDialog }
})()
