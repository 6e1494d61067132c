"""A real SMTP server on this machine for the mail tests (aiosmtpd): ``Mailbox`` records what it
received and answers as a test asks; the ``smtp`` fixture (tests/conftest.py) runs it on a free
port and points the site's mail settings (as newsroom/settings.py makes them from EMAIL_*) at it."""

import asyncio
import email
import email.policy
import socket
import threading

from aiosmtpd.controller import Controller


class Mailbox:
    """What the local SMTP server received; ``mode`` says how it answers the next message:
    "accept", "refuse" (451 to the recipient), "reject" (550), "hangup" (takes the message,
    then closes the connection before answering) or "hang" (takes it and never answers)."""

    def __init__(self):
        self.messages = []
        self.mode = "accept"
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "refuse":
            return "451 4.3.0 Mailbox busy, try again later"
        if self.mode == "reject":
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        if self.mode == "hangup":
            server.transport.close()
        elif self.mode == "hang":
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return "250 Message accepted"


def use_server(settings, port: int, **options) -> None:
    """The site's mail settings as newsroom/settings.py makes them from EMAIL_*, for ``port``."""
    settings.EMAIL_ENABLED = True
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 2} | options,
        }
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smtp_server(settings):
    """A real SMTP server on a free local port, and the site's EMAIL_* settings pointing at it."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    use_server(settings, port)
    settings.SITE_URL = "https://dknews.kz"
    yield mailbox
    mailbox.release.set()
    controller.stop()
