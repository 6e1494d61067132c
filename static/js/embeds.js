// Embeds in articles (articles/body.py): each is a card linking to the post or video. Nothing is
// loaded from YouTube, Telegram or X until the reader presses "Show here"; only then does the
// frame replace the card. The page's Content-Security-Policy allows exactly these frames.
"use strict";

// Entries a live blog's page receives later announce themselves with a "newsroom:content"
// event (static/js/live-blog.js); their buttons are wired the same way.
function wireEmbeds(root) {
  for (const button of root.querySelectorAll(".embed-load")) {
    if (!button.hidden) continue; // wired already
    button.hidden = false;
    button.addEventListener("click", () => showEmbed(button));
  }
}

function showEmbed(button) {
  const figure = button.closest(".embed");
  const frame = document.createElement("iframe");
  frame.src = button.dataset.embedSrc;
  frame.title = button.dataset.embedTitle;
  frame.className = "embed-frame";
  frame.allow = "encrypted-media; picture-in-picture; fullscreen";
  frame.referrerPolicy = "strict-origin-when-cross-origin";
  frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-popups allow-presentation");
  figure.querySelector(".embed-card").replaceWith(frame);
  button.closest(".embed-note").remove();
  frame.focus();
}

wireEmbeds(document);
document.addEventListener("newsroom:content", (event) => wireEmbeds(event.target));

// Telegram's post frames report their height; a frame fits its post instead of scrolling.
window.addEventListener("message", (event) => {
  if (event.origin !== "https://t.me" || typeof event.data !== "string") return;
  let data;
  try {
    data = JSON.parse(event.data);
  } catch {
    return;
  }
  if (data.event !== "resize" || !(data.height > 0)) return;
  for (const frame of document.querySelectorAll(".embed-telegram iframe")) {
    if (frame.contentWindow === event.source) frame.style.height = `${Math.min(data.height, 2000)}px`;
  }
});
