// The lead-photo field (photos/widgets.py): the admin's select2, searching the photo library
// with thumbnails, and the chosen photo shown under the field. A photo added with the admin's
// "+" pop-up arrives as a plain option; its preview is fetched by id.
"use strict";
{
  const $ = window.django.jQuery

  function option(photo) {
    if (!photo.thumb) return photo.text
    const label = document.createElement("span")
    label.className = "photo-option"
    const image = document.createElement("img")
    image.src = photo.thumb
    image.alt = ""
    image.width = 60
    image.height = 40
    label.append(image, document.createTextNode(photo.text))
    return $(label)
  }

  async function showPreview(select) {
    const figure = document.getElementById(`${select.id}_preview`)
    if (!figure) return
    if (!select.value) {
      figure.hidden = true
      figure.replaceChildren()
      return
    }
    const url = new URL(select.dataset.choicesUrl, window.location.href)
    url.searchParams.set("id", select.value)
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    if (!response.ok) return
    const [photo] = (await response.json()).results
    if (!photo) return
    const image = document.createElement("img")
    image.src = photo.preview
    image.alt = photo.alt
    const caption = document.createElement("figcaption")
    caption.textContent = photo.credit
    figure.replaceChildren(image, caption)
    figure.hidden = false
  }

  function init(select) {
    $(select).select2({
      ajax: {
        url: select.dataset.choicesUrl,
        dataType: "json",
        delay: 250,
        cache: true,
        data: (params) => ({ term: params.term || "", page: params.page || 1 }),
      },
      templateResult: option,
      templateSelection: option,
      allowClear: true,
      placeholder: select.dataset.placeholder,
      language: select.getAttribute("lang") || undefined,
      width: "32em",
      theme: "admin-autocomplete",
    })
    $(select).on("change", () => showPreview(select))
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const select of document.querySelectorAll("select.photo-select")) {
      if (!select.id.includes("__prefix__")) init(select)
    }
  })
}
