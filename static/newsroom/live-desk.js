// The live blog's entry box on the article's admin page (templates/admin/live/entry_box.html):
//  - Post without leaving the page: a look at the session first (desk-common.js, as the article
//    form does), then the box goes with fetch to live.admin's post view (JSON). The new entry is
//    put at the top of the list and the box empties; a refusal (empty, too long, the coverage
//    ended) is shown beside the box and the text stays. Ctrl+Enter posts.
//  - A copy of the box in this browser while one types (one per user and blog), put back after a
//    reload, a closed tab or a crash, removed once the entry is posted.
// Without JavaScript the same form posts to the same view, which answers with a page.
"use strict";
{
  const gettext = window.gettext || ((text) => text)
  const SAVE_EVERY_MS = 2000
  const TEXT_FIELDS = ["headline", "body"]

  // The editor starts (a module) before or after DOMContentLoaded: listen from the start.
  const editors = new Map()
  document.addEventListener("prose-editor:ready", (event) => {
    editors.set(event.detail.textarea, event.detail.editor)
    event.detail.textarea.dispatchEvent(new CustomEvent("live-desk:editor", { detail: event.detail.editor }))
  })

  document.addEventListener("DOMContentLoaded", () => {
    for (const form of document.querySelectorAll("form.live-box")) start(form)
  })

  function start(form) {
    const copy = window.NewsroomDesk.store(form.dataset.user, `live:${form.dataset.article}`)
    const field = (name) => form.elements.namedItem(`live-${name}`)
    const body = field("body")
    const submit = form.querySelector("button[type=submit]")
    const list = document.querySelector(".live-desk__entries")
    const status = document.createElement("p")
    status.className = "live-box__status"
    status.setAttribute("role", "status")
    submit.after(status)
    let dirty = false
    let sending = false

    const setBody = (html) => {
      body.value = html
      const editor = editors.get(body)
      if (editor) editor.commands.setContent(html, { emitUpdate: false })
    }
    body.addEventListener("live-desk:editor", (event) => {
      if (body.value) event.detail.commands.setContent(body.value, { emitUpdate: false })
    })

    // -- The copy in this browser ---------------------------------------------------------------
    const values = () => Object.fromEntries(TEXT_FIELDS.map((name) => [name, field(name).value]))
    const save = () => {
      const fields = values()
      if (Object.values(fields).some((value) => value.trim())) {
        copy.write({ savedAt: new Date().toISOString(), fields })
      } else {
        copy.remove()
      }
      dirty = false
    }
    const stored = copy.read()
    const hasErrors = form.querySelector(".errorlist, .errornote")
    const boxEmpty = TEXT_FIELDS.every((name) => !field(name).value.trim())
    if (stored && !hasErrors && boxEmpty && Object.values(stored.fields || {}).some((value) => value?.trim())) {
      field("headline").value = stored.fields.headline || ""
      setBody(stored.fields.body || "")
      const note = document.createElement("p")
      note.className = "live-box__restored"
      note.textContent = gettext("The text you had not posted is back in the box.")
      const discard = document.createElement("button")
      discard.type = "button"
      discard.className = "button"
      discard.textContent = gettext("Discard it")
      discard.addEventListener("click", () => {
        empty()
        note.remove()
      })
      note.append(" ", discard)
      form.prepend(note)
    }
    form.addEventListener("input", (event) => {
      if (TEXT_FIELDS.some((name) => event.target === field(name))) dirty = true
    })
    setInterval(() => {
      if (dirty) save()
    }, SAVE_EVERY_MS)
    window.addEventListener("pagehide", () => {
      if (dirty) save()
    })

    // -- Posting --------------------------------------------------------------------------------
    form.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault()
        form.requestSubmit()
      }
    })
    form.addEventListener("submit", async (event) => {
      event.preventDefault()
      if (sending) return
      save()
      sending = true
      submit.disabled = true
      status.textContent = gettext("Posting…")
      try {
        await send()
      } finally {
        sending = false
        submit.disabled = false
      }
    })

    async function send() {
      const session = await window.NewsroomDesk.checkSession(form.dataset.sessionUrl)
      if (session.state !== "ok") {
        status.textContent = ""
        window.NewsroomDesk.sessionDialog({
          kind: session.state,
          loginUrl: form.dataset.loginUrl,
          texts: {
            offline: gettext("The entry was not posted. Your text is kept in this browser; try again when the connection is back."),
            loggedOut: gettext(
              "Your session has ended, so the entry was not posted. Your text is kept here and in this browser. Log in again in a new tab, then come back and post.",
            ),
            retry: gettext("Post now"),
          },
          onRetry: () => form.requestSubmit(),
        })
        return
      }
      const token = form.elements.namedItem("csrfmiddlewaretoken")
      if (token && session.csrf) token.value = session.csrf // a login in another tab changed it
      let response = null
      let answer = null
      try {
        response = await fetch(form.action, {
          method: "POST",
          body: new FormData(form),
          credentials: "same-origin",
          headers: { Accept: "application/json", "X-CSRFToken": session.csrf },
        })
        answer = await response.json()
      } catch {
        answer = null
      }
      if (!response?.ok || !answer?.html) {
        const errors = answer?.errors || { __all__: [gettext("The entry was not posted: the server did not answer. Your text is kept; try again.")] }
        showErrors(errors)
        return
      }
      showErrors({})
      if (!list) {
        window.location.assign(form.dataset.doneUrl) // the page without the list (no-JS errors)
        return
      }
      list.querySelector(".live-desk__empty")?.remove()
      list.insertAdjacentHTML("afterbegin", answer.html)
      empty()
      status.textContent = gettext("Posted.")
      body.closest(".live-box__body").querySelector("[contenteditable=true]")?.focus()
    }

    function empty() {
      field("headline").value = ""
      setBody("")
      for (const name of ["published_at", "key_event", "pinned", "telegram"]) {
        const input = field(name)
        if (!input) continue
        if (input.type === "checkbox") input.checked = false
        else input.value = ""
      }
      copy.remove()
      dirty = false
    }

    function showErrors(errors) {
      status.textContent = ""
      const general = form.querySelector(".live-box__errors")
      general.replaceChildren()
      for (const box of form.querySelectorAll(".live-box__field-errors")) box.replaceChildren()
      const messages = []
      for (const [name, list] of Object.entries(errors)) {
        const box = form.querySelector(`.live-box__field-errors[data-for="${name}"]`)
        if (box) {
          const ul = document.createElement("ul")
          ul.className = "errorlist"
          for (const message of list) {
            const li = document.createElement("li")
            li.textContent = message
            ul.append(li)
          }
          box.append(ul)
        } else {
          messages.push(...list)
        }
      }
      if (messages.length) {
        const note = document.createElement("p")
        note.className = "errornote"
        note.textContent = messages.join(" ")
        general.append(note)
      }
    }
  }
}
