// The article form as a journalist's desk (templates/admin/articles/article/change_form.html):
//  - Autosave: while one types, the text fields are kept in this browser (localStorage, one
//    entry per user and article) every few seconds. Coming back after a closed tab, a crashed
//    browser or a lost connection offers to restore them, saying when they were typed.
//  - Before saving, a look at the session: if the login has expired, the form is not sent
//    (that would lose it); the journalist logs in again in another tab and presses Save again,
//    and the form goes with a fresh CSRF token.
//  - Live counters: headline and lead characters, body words and reading time.
// Entries are removed once the article is saved (admin-session.js, on the page that says so),
// when the journalist discards them, and at logout. The copy and the session check are
// desk-common.js's (the live blog's entry box uses them too).
"use strict";
{
  const gettext = window.gettext || ((text) => text)
  const ngettext = window.ngettext || ((one, many, count) => (count === 1 ? one : many))
  const interpolate = window.interpolate || ((format, values) => format.replace(/%\(\w+\)s/g, (key) => values[key.slice(2, -2)]))

  const FIELDS = ["title", "slug", "lead", "body", "photo_caption", "seo_title", "seo_description"]
  const SAVE_EVERY_MS = 3000
  const HEADLINE_LIMIT = 80 // what search engines show of a title
  const WORDS_PER_MINUTE = 200 // as articles/body.py counts for readers

  document.addEventListener("DOMContentLoaded", () => {
    const desk = document.getElementById("article-desk")
    const form = desk?.closest("form")
    if (desk && form) start(desk, form)
  })

  function start(desk, form) {
    const copy = window.NewsroomDesk.store(desk.dataset.user, desk.dataset.article)
    const field = (name) => form.elements.namedItem(name)
    const present = FIELDS.filter((name) => field(name) && field(name).type !== "hidden")
    let editor = null
    let dirty = false

    document.addEventListener("prose-editor:ready", (event) => {
      if (event.detail.textarea === field("body")) editor = event.detail.editor
    })

    const values = () => Object.fromEntries(present.map((name) => [name, field(name).value]))
    const save = (submitted = false) => {
      copy.write({ savedAt: new Date().toISOString(), fields: values(), submitted })
      dirty = false
    }
    const sameAsForm = (entry) => present.every((name) => (entry.fields[name] ?? "") === field(name).value)

    // -- Restore what was typed and not saved --------------------------------------------------
    const stored = copy.read()
    const hasErrors = document.querySelector(".errornote, .errorlist")
    if (stored && hasErrors) {
      copy.write({ ...stored, submitted: false }) // the form came back with the text; keep the copy
    } else if (stored && sameAsForm(stored)) {
      copy.remove()
    } else if (stored) {
      offerRestore(stored)
    }

    function offerRestore(entry) {
      const when = new Date(entry.savedAt).toLocaleString(document.documentElement.lang || undefined, {
        day: "numeric",
        month: "long",
        hour: "2-digit",
        minute: "2-digit",
      })
      const banner = document.createElement("div")
      banner.className = "autosave-banner"
      banner.setAttribute("role", "alert")
      const text = document.createElement("p")
      text.textContent = interpolate(
        gettext("This browser kept text you typed here on %(when)s and did not save: «%(title)s»."),
        { when, title: (entry.fields.title || entry.fields.lead || "").slice(0, 80) || "…" },
        true,
      )
      const restore = document.createElement("button")
      restore.type = "button"
      restore.className = "button"
      restore.textContent = gettext("Restore it")
      const discard = document.createElement("button")
      discard.type = "button"
      discard.className = "button"
      discard.textContent = gettext("Discard it")
      banner.append(text, restore, " ", discard)
      desk.after(banner)
      restore.addEventListener("click", () => {
        for (const name of present) {
          if (!(name in entry.fields)) continue
          const input = field(name)
          input.value = entry.fields[name]
          if (name === "body" && editor) editor.commands.setContent(entry.fields.body, { emitUpdate: true })
          input.dispatchEvent(new Event("input", { bubbles: true }))
        }
        banner.remove()
        save()
        field("title")?.focus()
      })
      discard.addEventListener("click", () => {
        copy.remove()
        banner.remove()
      })
    }

    // -- Keep a copy while typing ---------------------------------------------------------------
    form.addEventListener("input", (event) => {
      if (present.includes(event.target.name)) dirty = true
    })
    setInterval(() => {
      if (dirty) save()
    }, SAVE_EVERY_MS)
    window.addEventListener("pagehide", () => {
      if (dirty) save()
    })

    // -- Save only with a live session ----------------------------------------------------------
    let checked = false
    form.addEventListener("submit", async (event) => {
      save(true)
      if (checked) return
      event.preventDefault()
      const submitter = event.submitter
      const session = await window.NewsroomDesk.checkSession(desk.dataset.sessionUrl)
      if (session.state === "ok") {
        // A login in another tab gives a new CSRF token: send the form with it.
        const token = form.elements.namedItem("csrfmiddlewaretoken")
        if (token && session.csrf) token.value = session.csrf
        checked = true
        form.requestSubmit(submitter)
        return
      }
      window.NewsroomDesk.sessionDialog({
        kind: session.state,
        loginUrl: desk.dataset.loginUrl,
        texts: {
          offline: gettext("The article was not sent. Your text is kept in this browser; try again when the connection is back."),
          loggedOut: gettext(
            "Your session has ended, so the article was not sent. Your text is kept here and in this browser. Log in again in a new tab, then come back and save.",
          ),
          retry: gettext("Save now"),
        },
        onRetry: () => form.requestSubmit(submitter),
      })
    })

    // -- Counters -------------------------------------------------------------------------------
    const counter = (name) => {
      const input = field(name)
      if (!input) return null
      const output = document.createElement("p")
      output.className = "desk-counter"
      output.id = `${input.id}_counter`
      const anchor = name === "body" ? input.closest(".prose-editor") || input : input
      anchor.after(output)
      input.setAttribute("aria-describedby", [input.getAttribute("aria-describedby"), output.id].filter(Boolean).join(" "))
      return { input, output }
    }
    const headline = counter("title")
    const lead = counter("lead")
    const seoTitle = counter("seo_title")
    const seoDescription = counter("seo_description")
    const body = counter("body")

    const characters = (count) => interpolate(ngettext("%(count)s character", "%(count)s characters", count), { count }, true)
    function update() {
      if (headline) {
        const length = headline.input.value.trim().length
        const over = length > HEADLINE_LIMIT
        headline.output.textContent = over
          ? `${characters(length)} — ${interpolate(gettext("search engines show about the first %(limit)s"), { limit: HEADLINE_LIMIT }, true)}`
          : characters(length)
        headline.output.classList.toggle("desk-counter--warning", over)
      }
      for (const [item, limit] of [[lead, 0], [seoTitle, 60], [seoDescription, 160]]) {
        if (!item) continue
        const length = item.input.value.trim().length
        item.output.textContent = characters(length)
        item.output.classList.toggle("desk-counter--warning", limit > 0 && length > limit)
      }
      if (body) {
        const text = new DOMParser().parseFromString(body.input.value, "text/html").body.textContent || ""
        const words = (text.match(/[\p{L}\p{N}]+/gu) || []).length
        const minutes = Math.max(1, Math.round(words / WORDS_PER_MINUTE))
        body.output.textContent = `${interpolate(ngettext("%(count)s word", "%(count)s words", words), { count: words }, true)} · ${interpolate(ngettext("%(minutes)s min read", "%(minutes)s min read", minutes), { minutes }, true)}`
      }
    }
    form.addEventListener("input", update)
    update()
  }
}
