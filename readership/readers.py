"""Who counts as a reader of an article: a person's browser loading the page, not a crawler, a
link preview (Telegram, WhatsApp, Facebook), a prefetch or a HEAD request.

The list of user-agent words lives here and nowhere else; the article's view beacon
(``readership.views.count_view``) asks ``is_reader``.
"""

# Lowercase words in a user agent that mark a program, not a person: search engines' and SEO
# crawlers, and the link previews of messengers and social networks.
CRAWLER_WORDS = (
    "bot",  # Googlebot, bingbot, YandexBot, TelegramBot, Twitterbot, Applebot, DuckDuckBot...
    "crawl",
    "spider",
    "slurp",  # Yahoo
    "facebookexternalhit",
    "facebookcatalog",
    "meta-externalagent",
    "telegram",
    "whatsapp",
    "yandex",  # YandexMetrika, YandexImages... (the Yandex Browser says "YaBrowser")
    "mediapartners-google",
    "google-inspectiontool",
    "bingpreview",
    "skypeuripreview",
    "vkshare",
    "embedly",
    "pinterest",
    "ahrefs",
    "semrush",
    "mj12",
    "petalsearch",
)

PREFETCH_HEADERS = ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ")


def is_crawler(user_agent: str) -> bool:
    agent = user_agent.lower()
    return any(word in agent for word in CRAWLER_WORDS)


def is_reader(request) -> bool:
    """Whether this request (the page's beacon, a POST, or its pixel, a GET) comes from a person
    reading the page, and so counts as a view."""
    if request.method not in ("GET", "POST"):
        return False
    meta = request.META
    if any("prefetch" in meta.get(header, "").lower() for header in PREFETCH_HEADERS):
        return False
    return not is_crawler(meta.get("HTTP_USER_AGENT", ""))
