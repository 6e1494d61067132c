"""A local stand-in for Telegram's Bot API: an HTTP server on 127.0.0.1 that records every call and
answers as Telegram does (including its refusals), for the tests and bench/telegram_delivery.py.

It checks what Telegram checks: the token, the chat, the HTML of parse mode "HTML" (only <b>,
<i>, <a href>; &lt; &gt; &amp; &quot; and numeric entities), the 1024/4096 character limits
(UTF-16 units, after parsing), that an edit changes something and that a deleted message exists.
A test can script the next answers of a method: 429 with ``retry_after``, a 5xx, a 400 or 403
with a description, or a slow answer.
"""

import dataclasses
import email.parser
import email.policy
import html.parser
import json
import re
import threading
import time
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "123456789:AAHfakeTokenForTheTestsOnly-0123456789ab"
CHAT = "@newsroom_test"
ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);")
LIMITS = {"sendPhoto": 1024, "editMessageCaption": 1024, "sendMessage": 4096, "editMessageText": 4096}


@dataclasses.dataclass
class Call:
    method: str
    token: str
    fields: dict
    files: dict  # name -> bytes
    at: float  # time.time() when the request arrived


class TelegramHTML(html.parser.HTMLParser):
    """Telegram's parser, strictly enough: allowed tags, balanced, text length after parsing."""

    ALLOWED = {"b", "strong", "i", "em", "a", "u", "s", "code", "pre", "blockquote"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.error = ""

    def handle_starttag(self, tag, attrs):
        if tag not in self.ALLOWED:
            self.error = f'Unsupported start tag "{tag}"'
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.error = f'Unexpected end tag "{tag}"'

    def handle_data(self, data):
        self.text.append(data)


def parse_entities(text: str) -> tuple[str, str]:
    """(visible text, error): the error Telegram would give for this HTML, or ""."""
    for ampersand in re.finditer("&", text):
        if not ENTITY.match(text, ampersand.start()):
            return "", "Bad Request: can't parse entities: Character '&' is reserved"
    parser = TelegramHTML()
    parser.feed(text)
    parser.close()
    if parser.error:
        return "", f"Bad Request: can't parse entities: {parser.error}"
    if parser.stack:
        return "", "Bad Request: can't parse entities: Can't find end tag"
    if re.search(r"<(?![a-zA-Z/])", text):
        return "", "Bad Request: can't parse entities: Unexpected '<'"
    return "".join(parser.text), ""


class FakeBotAPI:
    def __init__(self, *, token: str = TOKEN, chats=(CHAT,), port: int = 0):
        self.tokens = {token}
        self.chats = set(chats)
        self.calls: list[Call] = []
        self.messages: dict[tuple[str, int], dict] = {}  # (chat, message_id) -> fields
        self.script: dict[str, deque] = defaultdict(deque)
        self.next_id = 100
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self.handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "FakeBotAPI":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- What a test sets up and reads ----------------------------------------------------------

    def then(self, method: str, *answers) -> None:
        """The next answers to ``method``, in order: ("429", seconds), ("500",), ("400", text),
        ("403", text), ("slow", seconds) (then a normal answer), ("drop",) (no answer at all)."""
        self.script[method].extend(answers)

    def sent(self, method: str | None = None) -> list[Call]:
        with self.lock:
            return [call for call in self.calls if method is None or call.method == method]

    # -- Answers --------------------------------------------------------------------------------

    def answer(self, method: str, token: str, fields: dict, files: dict) -> tuple[int, dict | None]:
        with self.lock:
            self.calls.append(Call(method, token, fields, files, time.time()))
            scripted = self.script[method].popleft() if self.script[method] else None
        if scripted:
            kind, *rest = scripted
            if kind == "slow":
                time.sleep(rest[0])
            elif kind == "drop":
                return 0, None
            elif kind == "429":
                retry_after = rest[0]
                return 429, refusal(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)
            elif kind.isdigit():
                code = int(kind)
                return code, refusal(code, rest[0] if rest else "Internal Server Error")
        if token not in self.tokens:
            return 401, refusal(401, "Unauthorized")
        chat = str(fields.get("chat_id", ""))
        if chat not in self.chats:
            return 400, refusal(400, "Bad Request: chat not found")
        with self.lock:
            return self.act(method, chat, fields, files)

    def act(self, method, chat, fields, files):
        if method in LIMITS:
            key = "caption" if "caption" in method.lower() or method == "sendPhoto" else "text"
            visible, error = parse_entities(str(fields.get(key, "")))
            if error:
                return 400, refusal(400, error)
            if len(visible.encode("utf-16-le")) // 2 > LIMITS[method]:
                what = "message caption is too long" if key == "caption" else "message is too long"
                return 400, refusal(400, f"Bad Request: {what}")
        if method in ("sendMessage", "sendPhoto"):
            if method == "sendPhoto" and not files.get("photo"):
                return 400, refusal(400, "Bad Request: there is no photo in the request")
            self.next_id += 1
            self.messages[(chat, self.next_id)] = {**fields, "photo": len(files.get("photo", b""))}
            return 200, {"ok": True, "result": {"message_id": self.next_id, "chat": {"id": -1001, "type": "channel"}}}
        message_id = int(fields.get("message_id", 0))
        message = self.messages.get((chat, message_id))
        if method in ("editMessageText", "editMessageCaption"):
            key = "text" if method == "editMessageText" else "caption"
            if message is None:
                return 400, refusal(400, "Bad Request: message to edit not found")
            if (key == "caption") != bool(message.get("photo")):
                return 400, refusal(400, "Bad Request: there is no text in the message to edit")
            if message.get(key) == fields.get(key):
                return 400, refusal(
                    400,
                    "Bad Request: message is not modified: specified new message content and reply markup "
                    "are exactly the same as a current content and reply markup of the message",
                )
            message[key] = fields.get(key)
            return 200, {"ok": True, "result": {"message_id": message_id}}
        if method == "deleteMessage":
            if self.messages.pop((chat, message_id), None) is None:
                return 400, refusal(400, "Bad Request: message to delete not found")
            return 200, {"ok": True, "result": True}
        return 404, refusal(404, "Not Found")

    def handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                match = re.fullmatch(r"/bot([^/]+)/(\w+)", self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if not match:
                    return self.reply(404, refusal(404, "Not Found"))
                fields, files = parse_body(self.headers.get("Content-Type", ""), body)
                code, payload = fake.answer(match[2], match[1], fields, files)
                if payload is None:  # "drop": close the connection without an answer
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                self.reply(code, payload)

            def reply(self, code, payload):
                data = json.dumps(payload).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped waiting (a test's timeout)

            def log_message(self, *args):
                pass

        return Handler


def refusal(code: int, description: str, *, retry_after: int | None = None) -> dict:
    body = {"ok": False, "error_code": code, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return body


def parse_body(content_type: str, body: bytes) -> tuple[dict, dict]:
    if content_type.startswith("application/json"):
        return json.loads(body or b"{}"), {}
    if content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
        )
        fields, files = {}, {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if part.get_filename():
                files[name] = payload
            else:
                fields[name] = payload.decode()
        return fields, files
    return {}, {}
