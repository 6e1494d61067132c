"""What a reader's browser does with an article page: load it, then send the page's view beacon
(static/js/view-beacon.js) with a token of its own for this page load."""

import re
import secrets

BEACON = re.compile(r'<script src="[^"]*view-beacon[^"]*" data-url="([^"]+)" defer></script>')


def beacon_url(page) -> str | None:
    """The address the page's beacon posts to, or None if the page carries no beacon."""
    found = BEACON.search(page.content.decode())
    return found[1] if found else None


def send_beacon(client, url: str, token: str | None = None, headers=None):
    return client.post(f"{url}?t={token or secrets.token_hex(16)}", headers=headers or {})


def read(client, url: str, headers=None):
    """Load the page at ``url`` as a browser does, beacon included; returns the page."""
    page = client.get(url, headers=headers or {})
    if (beacon := beacon_url(page)) is not None:
        assert send_beacon(client, beacon, headers=headers).status_code == 204
    return page
