// The newsroom's own extensions of the article editor (django-prose-editor, Tiptap/ProseMirror),
// named in newsroom/html.py's BODY_EXTENSIONS, which is also the server's allowlist:
//   Cite          the attribution under a quote: <cite>— Айдос Сарсенбаев, министр</cite>
//   LibraryPhoto  a figure with a photo from the library, its caption editable in place
//   Link          the package's link, refusing addresses other than http(s) and mailto
//   NewsroomDesk  Russian and Kazakh labels for the toolbar, and a hint on lone links that
//                 readers will get as embeds (Telegram, YouTube, X)
import {
  Extension,
  Link as BaseLink,
  Mark,
  Node,
  Plugin,
  mergeAttributes,
  pm,
  updateAttrsDialog,
} from "django-prose-editor/editor"

const gettext = window.gettext || ((text) => text)
const gettext_noop = (text) => text
const interpolate = window.interpolate || ((format, values) => format.replace(/%\(\w+\)s/g, (key) => values[key.slice(2, -2)]))

// -- Cite ---------------------------------------------------------------------------------------

export const Cite = Mark.create({
  name: "cite",

  parseHTML() {
    return [{ tag: "cite" }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["cite", mergeAttributes(HTMLAttributes), 0]
  },

  addCommands() {
    return {
      toggleCite:
        () =>
        ({ commands }) =>
          commands.toggleMark(this.name),
    }
  },

  addKeyboardShortcuts() {
    return { "Mod-Shift-a": () => this.editor.commands.toggleCite() }
  },

  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "cite",
      groups: "marks",
      priority: 50,
      button: buttons.material("record_voice_over", gettext("Quote attribution (Ctrl+Shift+A)")),
      command: (editor) => editor.chain().focus().toggleCite().run(),
      active: (editor) => editor.isActive("cite"),
    })
  },
})

// -- Links: only http(s) and mailto ---------------------------------------------------------------

const SAFE_URL = /^(https?:\/\/|mailto:|\/|#)/i

async function linkDialog(editor, attrs) {
  let values = { href: attrs.href || "", title: attrs.title || "", openInNewWindow: attrs.target === "_blank" }
  let problem = ""
  for (;;) {
    const result = await updateAttrsDialog(
      {
        href: {
          type: "string",
          title: gettext("Address"),
          description: problem || gettext("https://…, or mailto: for an e-mail address"),
          required: true,
        },
        title: { type: "string", title: gettext("Title (shown on hover)") },
        openInNewWindow: { type: "boolean", title: gettext("Open in a new tab") },
      },
      { title: gettext("Link"), submitText: gettext("Apply") },
    )(editor, values)
    if (!result) return null
    const href = result.href.trim()
    if (SAFE_URL.test(href)) {
      return {
        href,
        title: result.title.trim() || null,
        target: result.openInNewWindow ? "_blank" : null,
        rel: result.openInNewWindow ? "noopener" : null,
      }
    }
    // javascript:, data: and other schemes are refused here (and stripped on save anyway).
    problem = gettext("Only web (http, https) and e-mail (mailto) addresses can be links.")
    values = { ...result, href }
  }
}

export const Link = BaseLink.extend({
  addOptions() {
    return {
      ...this.parent?.(),
      protocols: ["http", "https", "mailto"],
      isAllowedUri: (url) => SAFE_URL.test((url || "").trim()),
    }
  },

  addCommands() {
    return {
      ...this.parent?.(),
      addLink:
        () =>
        ({ editor }) => {
          if (editor.state.selection.empty && !editor.isActive("link")) return false
          linkDialog(editor, editor.getAttributes(this.name)).then((attrs) => {
            editor.view.focus() // the dialog had the focus; give it back now, not a frame later
            if (!attrs) return
            const chain = editor.chain()
            if (editor.isActive("link")) chain.extendMarkRange(this.name).updateAttributes(this.name, attrs)
            else chain.setMark(this.name, attrs)
            // Go on writing after the link: a key pressed next never replaces the linked words.
            chain.setTextSelection(editor.state.selection.to).run()
          })
          return true
        },
    }
  },
})

// -- Photos from the library ----------------------------------------------------------------------

function element(tag, properties = {}, children = []) {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(properties)) {
    if (key.startsWith("data-") || key.startsWith("aria-") || key === "role") node.setAttribute(key, value)
    else node[key] = value
  }
  node.append(...children)
  return node
}

function csrfToken() {
  return document.querySelector("input[name=csrfmiddlewaretoken]")?.value || ""
}

/** A dialog to search the library (thumbnails) and pick a photo, or upload a new one. */
function pickPhoto(options) {
  return new Promise((resolve) => {
    let page = 1
    let query = ""
    const results = element("ul", { className: "photo-picker__results" })
    const more = element("button", { type: "button", className: "photo-picker__more", hidden: true, textContent: gettext("More photos") })
    const status = element("p", { className: "photo-picker__status", "aria-live": "polite" })
    const search = element("input", { type: "search", id: "photo-picker-search", placeholder: gettext("Caption, credit or description"), autocomplete: "off" })
    const file = element("input", { type: "file", name: "image", id: "photo-picker-file", accept: "image/jpeg,image/png,image/webp,image/avif", required: true })
    const alt = element("input", { type: "text", name: "alt_text", id: "photo-picker-alt", required: true, maxLength: 300 })
    const caption = element("input", { type: "text", name: "caption", id: "photo-picker-caption", maxLength: 300 })
    const credit = element("input", { type: "text", name: "credit", id: "photo-picker-credit", maxLength: 200 })
    const errors = element("div", { className: "photo-picker__errors", role: "alert" })
    const label = (input, text) => element("label", { htmlFor: input.id, textContent: text })
    const upload = element("form", { className: "photo-picker__upload" }, [
      element("h3", { textContent: gettext("Upload a new photo") }),
      label(file, gettext("File (JPEG, PNG, WebP or AVIF)")),
      file,
      label(alt, gettext("Description for readers who cannot see it (required)")),
      alt,
      label(caption, gettext("Caption")),
      caption,
      label(credit, gettext("Credit, e.g. Фото: пресс-служба министерства")),
      credit,
      errors,
      element("button", { type: "submit", textContent: gettext("Upload and insert") }),
    ])
    const cancel = element("button", { type: "button", className: "photo-picker__cancel", textContent: gettext("Cancel") })
    const dialog = element("dialog", { className: "photo-picker", "aria-labelledby": "photo-picker-title" }, [
      element("h2", { id: "photo-picker-title", textContent: gettext("Photo from the library") }),
      element("div", { className: "photo-picker__search" }, [label(search, gettext("Search the library")), search]),
      status,
      results,
      more,
      upload,
      cancel,
    ])

    const finish = (photo) => {
      dialog.close()
      dialog.remove()
      resolve(photo)
    }

    async function load(reset) {
      if (reset) {
        page = 1
        results.replaceChildren()
      }
      status.textContent = gettext("Searching…")
      const url = new URL(options.choicesUrl, window.location.href)
      url.searchParams.set("term", query)
      url.searchParams.set("page", String(page))
      let data
      try {
        const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        if (!response.ok) throw new Error(String(response.status))
        data = await response.json()
      } catch {
        status.textContent = gettext("The library did not answer. Check the connection and try again.")
        return
      }
      for (const photo of data.results) {
        const choose = element("button", { type: "button", className: "photo-picker__choice" }, [
          element("img", { src: photo.thumb, alt: "", width: 160, height: 107, loading: "lazy" }),
          element("span", { textContent: photo.text }),
        ])
        choose.setAttribute("aria-label", interpolate(gettext("Insert: %(photo)s"), { photo: photo.text }, true))
        choose.addEventListener("click", () => finish(photo))
        results.append(element("li", {}, [choose]))
      }
      more.hidden = !data.pagination.more
      status.textContent = results.childElementCount ? "" : gettext("No photo matches.")
    }

    let timer = null
    search.addEventListener("input", () => {
      clearTimeout(timer)
      timer = setTimeout(() => {
        query = search.value.trim()
        load(true)
      }, 250)
    })
    more.addEventListener("click", () => {
      page += 1
      load(false)
    })
    upload.addEventListener("submit", async (event) => {
      event.preventDefault()
      errors.replaceChildren()
      const body = new FormData(upload)
      body.append("focal_x", "50")
      body.append("focal_y", "50")
      let response
      try {
        response = await fetch(options.uploadUrl, {
          method: "POST",
          body,
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
        })
      } catch {
        errors.append(element("p", { textContent: gettext("The upload did not reach the server. Check the connection and try again.") }))
        return
      }
      const data = response.headers.get("content-type")?.includes("json") ? await response.json() : {}
      if (response.ok && data.photo) {
        finish(data.photo)
        return
      }
      const messages = Object.values(data.errors || {}).flat().map((error) => error.message)
      const fallback = response.status === 403 ? gettext("Your session has ended: log in again in another tab, then try again.") : gettext("The photo could not be uploaded.")
      for (const message of messages.length ? messages : [fallback]) {
        // Messages are text (a duplicate's link is part of the admin page, not of this dialog).
        errors.append(element("p", { textContent: message.replace(/<[^>]+>/g, "") }))
      }
    })
    cancel.addEventListener("click", () => finish(null))
    dialog.addEventListener("cancel", () => finish(null))

    document.body.append(dialog)
    dialog.showModal()
    search.focus()
    load(true)
  })
}

export const LibraryPhoto = Node.create({
  name: "libraryPhoto",
  group: "block",
  content: "inline*",
  draggable: true,
  isolating: true,
  defining: true,

  addOptions() {
    return { choicesUrl: "", uploadUrl: "" }
  },

  addAttributes() {
    return {
      photoId: {
        default: null,
        parseHTML: (node) => node.getAttribute("data-photo-id"),
        renderHTML: (attributes) => ({ "data-photo-id": attributes.photoId }),
      },
      src: { default: "", parseHTML: (node) => node.querySelector("img")?.getAttribute("src") || "", renderHTML: () => ({}) },
      alt: { default: "", parseHTML: (node) => node.querySelector("img")?.getAttribute("alt") || "", renderHTML: () => ({}) },
    }
  },

  parseHTML() {
    return [{ tag: "figure[data-photo-id]", contentElement: "figcaption" }]
  },

  renderHTML({ node }) {
    return ["figure", { "data-photo-id": node.attrs.photoId }, ["img", { src: node.attrs.src, alt: node.attrs.alt }], ["figcaption", 0]]
  },

  addCommands() {
    return {
      insertLibraryPhoto:
        (photo) =>
        ({ commands }) =>
          // A paragraph after the figure, so that writing goes on below it.
          commands.insertContent([
            {
              type: this.name,
              attrs: { photoId: String(photo.id), src: photo.preview, alt: photo.alt },
              content: photo.caption ? [{ type: "text", text: photo.caption }] : [],
            },
            { type: "paragraph" },
          ]),
      pickLibraryPhoto:
        () =>
        ({ editor }) => {
          pickPhoto(this.options).then((photo) => {
            if (photo) editor.chain().focus().insertLibraryPhoto(photo).run()
            else editor.commands.focus()
          })
          return true
        },
    }
  },

  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "libraryPhoto",
      groups: "nodes",
      button: buttons.material("add_photo_alternate", gettext("Photo from the library")),
      command: (editor) => editor.commands.pickLibraryPhoto(),
    })
  },
})

// -- The desk: labels in the newsroom's languages, embed hints ------------------------------------

// The toolbar's own (English) labels, translated through the admin's JavaScript catalogue.
const LABELS = {
  bold: gettext_noop("Bold (Ctrl+B)"),
  italic: gettext_noop("Italic (Ctrl+I)"),
  underline: gettext_noop("Underline (Ctrl+U)"),
  strike: gettext_noop("Strikethrough"),
  subscript: gettext_noop("Subscript"),
  superscript: gettext_noop("Superscript"),
  "unordered list": gettext_noop("Bulleted list"),
  "ordered list": gettext_noop("Numbered list"),
  blockquote: gettext_noop("Quote"),
  "horizontal rule": gettext_noop("Horizontal rule"),
  "insert link": gettext_noop("Link (Ctrl+K)"),
  "remove link": gettext_noop("Remove the link"),
  undo: gettext_noop("Undo (Ctrl+Z)"),
  redo: gettext_noop("Redo (Ctrl+Shift+Z)"),
  paragraph: gettext_noop("Paragraph"),
  Paragraph: gettext_noop("Paragraph"),
  "heading 2": gettext_noop("Heading 2"),
  "heading 3": gettext_noop("Heading 3"),
  "heading 4": gettext_noop("Heading 4"),
  "Heading 2": gettext_noop("Heading 2"),
  "Heading 3": gettext_noop("Heading 3"),
  "Heading 4": gettext_noop("Heading 4"),
  "Insert table": gettext_noop("Table"),
  "Add column": gettext_noop("Add a column"),
  "Delete column": gettext_noop("Delete the column"),
  "Add row": gettext_noop("Add a row"),
  "Delete row": gettext_noop("Delete the row"),
  "Merge cells": gettext_noop("Merge cells"),
  "Split cell": gettext_noop("Split the cell"),
  "Toggle header cell": gettext_noop("Header cell"),
  "Delete table": gettext_noop("Delete the table"),
}
// Strings of django-prose-editor's own dialogs, for this catalogue (the package asks gettext).
gettext_noop("Rows")
gettext_noop("Columns")
gettext_noop("Include header row")
gettext_noop("Table Properties")
gettext_noop("Insert Table")
gettext_noop("Update")
gettext_noop("Cancel")
gettext_noop("List properties")
gettext_noop("List type")
gettext_noop("Start at")
gettext_noop("Decimal numbers")
gettext_noop("Lowercase letters")
gettext_noop("Uppercase letters")
gettext_noop("Lowercase Roman numerals")
gettext_noop("Uppercase Roman numerals")

function translateToolbar(root) {
  for (const button of root.querySelectorAll(".prose-menubar__button, .prose-menubar__option > *")) {
    const label = LABELS[button.title] || LABELS[button.textContent]
    if (button.title && LABELS[button.title]) {
      button.title = gettext(LABELS[button.title])
      button.setAttribute("aria-label", button.title)
    } else if (!button.title && label && !button.classList.contains("material-icons")) {
      button.textContent = gettext(label)
    }
  }
}

// Lone links that readers get as embeds (articles/body.py decides; this only hints).
const EMBEDS = [
  [/^https?:\/\/(t|telegram)\.me\/(s\/)?[A-Za-z][A-Za-z0-9_]{3,31}\/\d+\/?$/, gettext_noop("Readers see a Telegram post here")],
  [/^https?:\/\/((www|m)\.)?(youtube\.com\/(watch\?v=|shorts\/|live\/|embed\/)|youtu\.be\/)[A-Za-z0-9_-]{11}/, gettext_noop("Readers see a YouTube video here")],
  [/^https?:\/\/(www\.)?(twitter|x)\.com\/\w+\/status\/\d+\/?$/, gettext_noop("Readers see a post from X here")],
]

function loneLink(node) {
  if (node.type.name !== "paragraph" || node.childCount !== 1) return null
  const text = node.firstChild
  if (!text.isText) return null
  const link = text.marks.find((mark) => mark.type.name === "link")
  return (link?.attrs.href || text.text).trim()
}

function embedHints(doc) {
  const decorations = []
  doc.descendants((node, position) => {
    const url = loneLink(node)
    if (url) {
      const embed = EMBEDS.find(([pattern]) => pattern.test(url))
      if (embed) {
        decorations.push(pm.view.Decoration.node(position, position + node.nodeSize, { class: "embed-hint", "data-embed-hint": gettext(embed[1]) }))
      }
    }
    return node.type.name !== "paragraph"
  })
  return pm.view.DecorationSet.create(doc, decorations)
}

export const NewsroomDesk = Extension.create({
  name: "newsroomDesk",

  onCreate() {
    // After every extension's onCreate: the menu bar is built in one of them.
    setTimeout(() => {
      const root = this.editor.view.dom.closest(".prose-editor")
      if (root) translateToolbar(root)
    })
  },

  addProseMirrorPlugins() {
    return [
      new Plugin({
        state: {
          init: (_config, state) => embedHints(state.doc),
          apply: (transaction, hints) => (transaction.docChanged ? embedHints(transaction.doc) : hints),
        },
        props: {
          decorations(state) {
            return this.getState(state)
          },
        },
      }),
    ]
  },
})
