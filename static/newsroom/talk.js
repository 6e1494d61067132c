// Comments on an article's admin page (templates/admin/planning/talk_panel.html):
//  - «Quote the selection»: the passage selected in the body's editor (ProseMirror) goes into the
//    comment's passage field; without JavaScript the field is a plain text box.
//  - Post without leaving the page: a look at the session first (desk-common.js), then the box
//    goes with fetch to planning.admin_talk's post view (JSON). The new comment is put last in
//    the list and the box empties; a refusal (empty, too long) is shown beside the box and the
//    text stays. A copy of the box is kept in this browser while one types.
// Without JavaScript the same form posts to the same view, which answers with a page.
"use strict";
{
  const gettext = window.gettext || ((text) => text)
  const SAVE_EVERY_MS = 2000
  let selected = ""

  // The last text selected inside the article body's editor.
  document.addEventListener("selectionchange", () => {
    const selection = document.getSelection()
    if (!selection || selection.isCollapsed) return
    const node = selection.anchorNode?.nodeType === Node.TEXT_NODE ? selection.anchorNode.parentElement : selection.anchorNode
    if (node?.closest?.(".field-body [contenteditable=true], .field-body .ProseMirror")) {
      selected = selection.toString().trim()
    }
  })

  document.addEventListener("DOMContentLoaded", () => {
    for (const form of document.querySelectorAll("form.talk-box")) start(form)
  })

  function start(form) {
    const text = form.elements.namedItem("talk-text")
    const quote = form.elements.namedItem("talk-quote")
    const submit = form.querySelector("button[type=submit]")
    const list = document.querySelector(".talk__comments")
    const copy = window.NewsroomDesk.store(form.dataset.user, `talk:${form.dataset.article}`)
    const status = document.createElement("p")
    status.className = "talk-box__status"
    status.setAttribute("role", "status")
    submit.after(status)
    let dirty = false
    let sending = false

    // -- The passage ------------------------------------------------------------------------------
    if (document.querySelector(".field-body")) {
      const button = document.createElement("button")
      button.type = "button"
      button.className = "button talk-box__quote-button"
      button.textContent = gettext("Quote the selection")
      button.addEventListener("mousedown", (event) => event.preventDefault()) // keep the selection
      button.addEventListener("click", () => {
        if (!selected) {
          status.textContent = gettext("Select a passage in the article's body first.")
          return
        }
        quote.value = selected.slice(0, 2000)
        quote.closest("details").open = true
        dirty = true
        status.textContent = ""
        text.focus()
      })
      submit.before(button, " ")
    }

    // -- The copy in this browser -------------------------------------------------------------------
    const save = () => {
      if (text.value.trim() || quote.value.trim()) copy.write({ savedAt: new Date().toISOString(), text: text.value, quote: quote.value })
      else copy.remove()
      dirty = false
    }
    const stored = copy.read()
    if (stored && !text.value.trim() && !form.querySelector(".errorlist, .errornote") && (stored.text || "").trim()) {
      text.value = stored.text || ""
      quote.value = stored.quote || ""
      if (quote.value) quote.closest("details").open = true
      status.textContent = gettext("The comment you had not posted is back in the box.")
    }
    form.addEventListener("input", () => {
      dirty = true
    })
    setInterval(() => {
      if (dirty) save()
    }, SAVE_EVERY_MS)
    window.addEventListener("pagehide", () => {
      if (dirty) save()
    })

    // -- Posting --------------------------------------------------------------------------------------
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
      status.textContent = gettext("Sending the comment…")
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
            offline: gettext("The comment was not posted. Your text is kept in this browser; try again when the connection is back."),
            loggedOut: gettext(
              "Your session has ended, so the comment was not posted. Your text is kept here and in this browser. Log in again in a new tab, then come back and post.",
            ),
            retry: gettext("Send the comment now"),
          },
          onRetry: () => form.requestSubmit(),
        })
        return
      }
      const token = form.elements.namedItem("csrfmiddlewaretoken")
      if (token && session.csrf) token.value = session.csrf
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
        showErrors(answer?.errors || { __all__: [gettext("The comment was not posted: the server did not answer. Your text is kept; try again.")] })
        return
      }
      showErrors({})
      list.querySelector(".talk__empty")?.remove()
      list.insertAdjacentHTML("beforeend", answer.html)
      text.value = ""
      quote.value = ""
      quote.closest("details").open = false
      copy.remove()
      dirty = false
      status.textContent = answer.note ? `${gettext("Comment sent.")} ${answer.note}` : gettext("Comment sent.")
    }

    function showErrors(errors) {
      status.textContent = ""
      const general = form.querySelector(".talk-box__errors")
      general.replaceChildren()
      for (const box of form.querySelectorAll(".talk-box__field-errors")) box.replaceChildren()
      const messages = []
      for (const [name, found] of Object.entries(errors)) {
        const box = form.querySelector(`.talk-box__field-errors[data-for="${name}"]`)
        if (box) {
          const ul = document.createElement("ul")
          ul.className = "errorlist"
          for (const message of found) {
            const li = document.createElement("li")
            li.textContent = message
            ul.append(li)
          }
          box.append(ul)
          if (name === "quote") box.closest("details").open = true
        } else {
          messages.push(...found)
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
