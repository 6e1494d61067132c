"""A local stand-in for partners' wires: an HTTP server on 127.0.0.1 that answers as a partner's
ninjs API (Bearer key, ``since`` cursor, pages), an RSS feed (ETag, 304) and its pictures would,
and records every request. A test can script the next answers of a path: a status with headers
(429 with Retry-After, 500), a body that is not what it should be, or a slow answer."""

import dataclasses
import json
import threading
import time
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

KEY = "partner-key-ABCDEF0123456789-secret"


@dataclasses.dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict = dataclasses.field(default_factory=dict)
    delay: float = 0.0


@dataclasses.dataclass
class Request:
    path: str
    query: dict
    headers: dict


class FakePartner:
    def __init__(self):
        self.requests: list[Request] = []
        self.scripted: dict[str, deque[Answer]] = defaultdict(deque)
        self.ninjs_items: list[dict] = []  # the API's items, oldest first; the cursor is an index
        self.page_size = 50
        self.feed = b""  # the feed's body; its ETag follows its content
        self.files: dict[str, bytes] = {}  # other paths (pictures)
        self.slow_pages: dict[str, float] = {}  # cursor -> seconds the API takes to answer it
        self.drip = 0.0  # seconds between chunks of 64 bytes of every answer (0: all at once)
        partner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                address = urlsplit(self.path)
                request = Request(address.path, parse_qs(address.query), dict(self.headers))
                partner.requests.append(request)
                answer = partner.answer(request)
                if answer.delay:
                    time.sleep(answer.delay)
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    if partner.drip:  # the body a few bytes at a time, slowly
                        for start in range(0, len(answer.body), 64):
                            self.wfile.write(answer.body[start : start + 64])
                            self.wfile.flush()
                            time.sleep(partner.drip)
                    else:
                        self.wfile.write(answer.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout): as a real server would

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_port}"

    def start(self) -> "FakePartner":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def then(self, path: str, *answers: Answer) -> None:
        """The next requests to ``path`` get these answers, in order, before the usual one."""
        self.scripted[path].extend(answers)

    def asked(self, path: str) -> list[Request]:
        return [request for request in self.requests if request.path == path]

    # -- The usual answers --

    def answer(self, request: Request) -> Answer:
        if self.scripted[request.path]:
            return self.scripted[request.path].popleft()
        if request.path == "/api/items":
            return self.ninjs_page(request)
        if request.path == "/feed.xml":
            return self.feed_answer(request)
        if request.path in self.files:
            return Answer(200, self.files[request.path], {"Content-Type": "image/jpeg"})
        return Answer(404, b"not found")

    def ninjs_page(self, request: Request) -> Answer:
        if request.headers.get("Authorization") != f"Bearer {KEY}":
            return Answer(401, json.dumps({"detail": "Unauthorized"}).encode(), {"Content-Type": "application/json"})
        since = request.query.get("since", ["0"])[0]
        start = int(since) if since.isdigit() else 0
        page = self.ninjs_items[start : start + self.page_size]
        end = start + len(page)
        body = {"items": page, "next": str(end), "more": end < len(self.ninjs_items)}
        delay = self.slow_pages.get(since, 0.0)
        return Answer(200, json.dumps(body, ensure_ascii=False).encode(), {"Content-Type": "application/json"}, delay)

    def feed_answer(self, request: Request) -> Answer:
        etag = f'"{hash(self.feed) & 0xFFFFFFFF:x}"'
        if request.headers.get("If-None-Match") == etag:
            return Answer(304, b"", {"ETag": etag})
        return Answer(200, self.feed, {"Content-Type": "application/rss+xml; charset=utf-8", "ETag": etag})


def ninjs_item(number: int, *, version: int = 1, **fields) -> dict:
    """A ninjs 2.x item as a partner sends it: Russian text with guillemets and Kazakh letters."""
    item = {
        "uri": f"urn:partner:item:{number}",
        "version": str(version),
        "type": "text",
        "language": "ru",
        "urgency": 5,
        "pubstatus": "usable",
        "versioncreated": f"2026-12-01T08:{number % 60:02d}:00Z",
        "firstcreated": f"2026-12-01T08:{number % 60:02d}:00Z",
        "headline": f"Сообщение {number}: «Қазақстан» и Әлем",
        "description_text": f"Краткое содержание сообщения {number}.",
        "body_html": f"<p>Текст сообщения {number}, версия {version}.</p>",
        "subject": [{"code": "medtop:04000000", "name": "экономика"}],
        "byline": "Айгерім Сәрсенова",
        "located": "Астана",
    }
    item.update(fields)
    return item
