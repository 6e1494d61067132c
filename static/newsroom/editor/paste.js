// Paste into the article editor: text from Word (Windows and Mac), Google Docs, LibreOffice or
// a website keeps its structure (paragraphs, headings, bold, italic, lists, links, quotes) and
// loses everything else (styles, classes, mso-*, spans, fonts, comments, scripts).
//
// The clipboard's HTML is cleaned as a string before anything parses it: Chromium reports a
// Content-Security-Policy violation as soon as markup with a style attribute or an on* handler
// is parsed, even in a detached document. So the first pass works on the text of the tags:
// handlers go, style attributes are renamed to data-style (their values still tell bold from
// normal and a Word list from a paragraph), Office's conditional comments become markers. Only
// then does DOMParser read it, and the second pass rebuilds the structure from the elements.
import { Extension, Plugin } from "django-prose-editor/editor"

const gettext = window.gettext || ((text) => text)
const interpolate = window.interpolate || ((format, values) => format.replace(/%\(\w+\)s/g, (key) => values[key.slice(2, -2)]))

// What one paste may bring, after cleaning (the article body's own limit is in the admin form).
export const PASTE_LIMIT = 300_000
// Clipboard HTML beyond this is refused before it is even cleaned (Word's HTML of a 5 MB file).
export const CLIPBOARD_LIMIT = 20_000_000

const TAG = /<([a-zA-Z][\w:.-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*(\/?)>/g
const ATTRIBUTE = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g
const KEPT_ATTRIBUTES = new Set(["href", "class", "colspan", "rowspan", "start", "data-style", "data-mso-bullet"])

const escapeAttribute = (value) => value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;")

function rewriteTag(_match, name, attributes, selfClosing) {
  const tag = name.toLowerCase()
  if (tag.includes(":")) return "" // <o:p>, <v:shape>, <w:sdt>: Office's own elements
  const kept = []
  for (const [, key, double, single, bare] of attributes.matchAll(ATTRIBUTE)) {
    const attribute = key.toLowerCase()
    const value = double ?? single ?? bare ?? ""
    if (attribute === "style") kept.push(`data-style="${escapeAttribute(value)}"`)
    else if (KEPT_ATTRIBUTES.has(attribute)) kept.push(`${attribute}="${escapeAttribute(value)}"`)
  }
  return `<${tag}${kept.length ? ` ${kept.join(" ")}` : ""}${selfClosing}>`
}

/** The first pass, on the string: nothing here is ever parsed with its styles or handlers. */
export function stripToText(html) {
  let text = html
  const start = text.indexOf("<!--StartFragment-->")
  const end = text.indexOf("<!--EndFragment-->")
  if (start !== -1 && end > start) text = text.slice(start + 20, end)
  return (
    text
      // Office marks a list item's bullet or number: keep the marker, it is removed later.
      .replace(/<!(?:--)?\[if !supportLists\](?:--)?>/gi, '<span data-mso-bullet="1">')
      .replace(/<!(?:--)?\[endif\](?:--)?>/gi, "</span>")
      .replace(/<!(?:--)?\[if [^\]]*\](?:--)?>/gi, "<span>")
      .replace(/<!--[\s\S]*?-->/g, "")
      .replace(/<(script|style|xml|head|title|template|noscript|iframe|object|svg|math)\b[\s\S]*?<\/\1\s*>/gi, "")
      .replace(/<\/?(?:meta|link|base|html|body|img|picture|source|video|audio|input|button|select|textarea|form)\b[^>]*>/gi, "")
      .replace(/<\/([a-zA-Z][\w.-]*):[\w.-]+\s*>/g, "")
      .replace(TAG, rewriteTag)
  )
}

const styleOf = (element) => (element.getAttribute("data-style") || "").toLowerCase().replace(/\s+/g, "")
const BLOCKS = new Set(["p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "table", "hr", "div"])

function isWordListParagraph(element) {
  return (
    element.tagName === "P" &&
    (/MsoListParagraph/i.test(element.className) || /mso-list:l\d/.test(styleOf(element)))
  )
}

function listId(element) {
  const match = styleOf(element).match(/mso-list:(l\d+)/)
  return match ? match[1] : ""
}

function listLevel(element) {
  const match = styleOf(element).match(/mso-list:l\d+level(\d+)/)
  return match ? Number(match[1]) : 1
}

function bulletMarker(element) {
  return element.querySelector("[data-mso-bullet], [data-style*='mso-list:ignore' i]")
}

/** Word writes list items as paragraphs: turn runs of them into real, nested lists. */
function rebuildWordLists(doc) {
  const paragraphs = [...doc.body.querySelectorAll("p")].filter(isWordListParagraph)
  const done = new Set()
  for (const first of paragraphs) {
    if (done.has(first)) continue
    const run = [first]
    let next = first.nextElementSibling
    // One run per Word list: a bulleted list right after a numbered one is another list.
    while (next && isWordListParagraph(next) && listId(next) === listId(first)) {
      run.push(next)
      next = next.nextElementSibling
    }
    const stack = [] // [{list, level}]
    const root = { list: null }
    for (const paragraph of run) {
      done.add(paragraph)
      const level = listLevel(paragraph)
      const marker = bulletMarker(paragraph)
      const ordered = /^\s*(\d+|[a-z]|[ivxlcdm]+)[.)]/i.test(marker?.textContent || "")
      marker?.remove()
      while (stack.length && stack.at(-1).level > level) stack.pop()
      let current = stack.at(-1)
      if (!current || current.level < level) {
        const list = doc.createElement(ordered ? "ol" : "ul")
        if (current) {
          ;(current.list.lastElementChild || current.list.appendChild(doc.createElement("li"))).append(list)
        } else {
          root.list = list
        }
        current = { list, level }
        stack.push(current)
      }
      const item = doc.createElement("li")
      item.append(...paragraph.childNodes)
      current.list.append(item)
    }
    first.before(root.list)
    for (const paragraph of run) paragraph.remove()
  }
}

const QUOTE_CLASS = /Mso(Intense)?Quote|MsoBlockText|^quotations?$/i

function isQuoteParagraph(element) {
  if (element.tagName !== "P" || element.closest("blockquote, li, td, th")) return false
  if (QUOTE_CLASS.test(element.className)) return true
  // Word for Windows and LibreOffice: a quote is often only an indented paragraph (36 pt, 1 cm).
  const indent = styleOf(element).match(/margin-left:([\d.]+)(pt|px|cm|in)/)
  if (!indent || isWordListParagraph(element)) return false
  const points = Number(indent[1]) * { pt: 1, px: 0.75, cm: 28.35, in: 72 }[indent[2]]
  return points >= 25 && !/text-indent:-/.test(styleOf(element))
}

function rebuildQuotes(doc) {
  for (const paragraph of [...doc.body.querySelectorAll("p")]) {
    if (!paragraph.isConnected || !isQuoteParagraph(paragraph)) continue
    const quote = doc.createElement("blockquote")
    paragraph.before(quote)
    let current = paragraph
    while (current && isQuoteParagraph(current)) {
      const next = current.nextElementSibling
      quote.append(current)
      current = next
    }
  }
}

const INLINE_KEEP = { STRONG: "strong", B: "strong", EM: "em", I: "em", U: "u", S: "s", STRIKE: "s", DEL: "s", SUB: "sub", SUP: "sup", CITE: "cite", BR: "br" }
const BLOCK_KEEP = { P: "p", H1: "h2", H2: "h2", H3: "h3", H4: "h4", H5: "h4", H6: "h4", UL: "ul", OL: "ol", LI: "li", BLOCKQUOTE: "blockquote", HR: "hr", TABLE: "table", THEAD: "thead", TBODY: "tbody", TR: "tr", TH: "th", TD: "td" }
const SAFE_LINK = /^(https?:|mailto:)/i

/** The second pass: write out only the editor's elements; wrappers give up their children. */
function serialize(node, doc) {
  if (node.nodeType === Node.TEXT_NODE) {
    const text = node.textContent.replace(/\u00a0/g, " ")
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
  }
  if (node.nodeType !== Node.ELEMENT_NODE) return ""
  const children = () => [...node.childNodes].map((child) => serialize(child, doc)).join("")
  const style = styleOf(node)
  let tag = INLINE_KEEP[node.tagName] || BLOCK_KEEP[node.tagName]
  // Google Docs wraps a whole paste in <b style="font-weight:normal">: that is not bold.
  if (tag === "strong" && /(?:^|;)font-weight:(normal|[1-4]00)/.test(style)) tag = null
  if (tag === "br" || tag === "hr") return `<${tag}>`
  if (node.tagName === "A") {
    const href = (node.getAttribute("href") || "").trim()
    return SAFE_LINK.test(href) ? `<a href="${escapeAttribute(href)}">${children()}</a>` : children()
  }
  if (node.tagName === "DIV") {
    const hasBlocks = [...node.children].some((child) => BLOCKS.has(child.tagName.toLowerCase()))
    return hasBlocks ? children() : `<p>${children()}</p>`
  }
  if (!tag) {
    // Spans carry Google Docs' and Word's bold and italic as styles.
    let inner = children()
    if (/(?:^|;)font-weight:(bold|[6-9]00)/.test(style)) inner = `<strong>${inner}</strong>`
    if (/(?:^|;)font-style:italic/.test(style)) inner = `<em>${inner}</em>`
    return inner
  }
  let attributes = ""
  for (const name of ["colspan", "rowspan"]) {
    const value = node.getAttribute(name)
    if ((tag === "td" || tag === "th") && /^\d+$/.test(value || "")) attributes += ` ${name}="${value}"`
  }
  if (tag === "ol" && /^\d+$/.test(node.getAttribute("start") || "")) attributes += ` start="${node.getAttribute("start")}"`
  return `<${tag}${attributes}>${children()}</${tag}>`
}

/** Clipboard HTML in, the editor's markup out. */
export function cleanPastedHTML(html) {
  const doc = new DOMParser().parseFromString(stripToText(html), "text/html")
  rebuildWordLists(doc)
  rebuildQuotes(doc)
  return [...doc.body.childNodes]
    .map((node) => serialize(node, doc))
    .join("")
    .replace(/<(p|h2|h3|h4|li)>\s*<\/\1>/g, "")
    .replace(/>\s+</g, "><") // the line breaks between Office's blocks
    .trim()
    .replace(/(<br>)+$/, "") // Google Docs ends with one
}

function showNotice(view, message) {
  const container = view.dom.closest(".prose-editor")
  let notice = container?.querySelector(".editor-notice")
  if (!container) return
  if (!notice) {
    notice = document.createElement("p")
    notice.className = "editor-notice"
    notice.setAttribute("role", "alert")
    container.prepend(notice)
  }
  notice.textContent = message
}

function clearNotice(view) {
  view.dom.closest(".prose-editor")?.querySelector(".editor-notice")?.remove()
}

/** The editor extension: clean every paste first (highest priority) and refuse oversized ones. */
export const NewsroomPaste = Extension.create({
  name: "newsroomPaste",
  priority: 1000,

  addProseMirrorPlugins() {
    let refused = null
    return [
      new Plugin({
        props: {
          transformPastedHTML(html) {
            refused = null
            if (html.length > CLIPBOARD_LIMIT) {
              refused = html.length
              return ""
            }
            const cleaned = cleanPastedHTML(html)
            if (cleaned.length > PASTE_LIMIT) {
              refused = cleaned.length
              return ""
            }
            return cleaned
          },
          handlePaste(view, event, slice) {
            const plain = event.clipboardData?.getData("text/plain") || ""
            const size = refused ?? (slice.content.size > PASTE_LIMIT ? slice.content.size : null) ?? (plain.length > PASTE_LIMIT && !event.clipboardData?.getData("text/html") ? plain.length : null)
            refused = null
            if (size !== null) {
              showNotice(
                view,
                interpolate(
                  gettext("Nothing was pasted: the text is too long (%(size)s characters; one paste may bring up to %(limit)s). Paste it in parts."),
                  { size: size.toLocaleString(), limit: PASTE_LIMIT.toLocaleString() },
                  true,
                ),
              )
              return true
            }
            clearNotice(view)
            return false
          },
        },
      }),
    ]
  },
})
