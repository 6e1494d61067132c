// Every admin page: accessible names for what the admin's own widgets leave unnamed, so that
// a screen reader (and axe) can tell what each field is: Django's select2 autocompletes and the
// rich-text editor's editable area take the text of the field's <label>.
"use strict";
{
  const labelOf = (id) => document.querySelector(`label[for="${id}"]`)?.textContent.trim().replace(/:$/, "") || ""

  function nameSelect2(container) {
    const select = container.previousElementSibling
    if (!select || select.tagName !== "SELECT") return
    const label = labelOf(select.id)
    if (!label) return
    const combobox = container.querySelector(".select2-selection[role=combobox]")
    if (combobox) {
      combobox.removeAttribute("aria-labelledby") // it named the box after its (empty) value
      combobox.setAttribute("aria-label", label)
    }
    const rendered = container.querySelector(".select2-selection__rendered[role=textbox]")
    if (rendered) {
      // The chosen value is the combobox's own text; no second, nameless text box inside it.
      rendered.removeAttribute("role")
      rendered.removeAttribute("aria-readonly")
    }
    const search = container.querySelector(".select2-search__field")
    if (search) search.setAttribute("aria-label", label)
    // select2 puts its "clear all" button inside the list of choices: list items only there.
    for (const clear of container.querySelectorAll("ul > .select2-selection__clear")) {
      clear.setAttribute("role", "listitem")
    }
  }

  function nameEditors(root) {
    for (const editable of root.querySelectorAll(".prose-editor [contenteditable][role=textbox]:not([aria-label])")) {
      const textarea = editable.closest(".prose-editor")?.querySelector("textarea")
      const label = textarea && labelOf(textarea.id)
      if (label) editable.setAttribute("aria-label", label)
    }
  }

  function fix(root) {
    for (const container of root.querySelectorAll(".select2-container")) nameSelect2(container)
    nameEditors(root)
  }

  document.addEventListener("DOMContentLoaded", () => {
    fix(document)
    // select2 and the editor build their markup after the page loads, and again on changes.
    new MutationObserver(() => fix(document)).observe(document.body, { childList: true, subtree: true })
  })
}
