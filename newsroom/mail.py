"""Sending mail with a known outcome: ``send_messages`` tells a send that certainly did not reach
the mail server (``Refused``: try again later) from one that may have (``Unknown``: never repeat
it by itself), through Django's default mailer (``settings.MAILERS``, made from EMAIL_*)."""

import smtplib
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core.mail import EmailMessage, mailers


class Refused(Exception):
    """The send certainly did not reach the server: try again later."""


class Unknown(Exception):
    """The server may have taken the message: never send it again by itself."""


def mail_timeout() -> float:
    """How long one exchange with the mail server may take, in seconds."""
    return float(settings.MAILERS["default"].get("OPTIONS", {}).get("timeout") or 30)


def send_messages(messages: Iterable[EmailMessage]) -> Iterator[Exception | None]:
    """Send ``messages`` one by one over one connection, yielding each one's outcome as it is
    known: None (the server took it), ``Refused`` or ``Unknown``. The caller records each outcome
    before the next message goes (the generator sends the next one only when asked).

    The backend's errors say which: nothing was sent while the connection was being opened, or
    when the server answered a command with an error (it did not take the message), nor when the
    backend could not write the message (an address it refuses: ``ValueError``); a timeout or
    a lost connection after that may be after the server took it. After an ``Unknown`` the
    connection is gone, so the messages after it are ``Refused`` without being tried."""
    connection = mailers.default
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as error:
        refused = Refused(f"No connection to the mail server: {error}")
        for _message in messages:
            yield refused
        return
    broken: Refused | None = None
    try:
        for message in messages:
            if broken:
                yield broken
                continue
            if not message.to or not message.to[0]:
                yield Refused("No email address.")
                continue
            try:
                connection.send_messages([message])
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
                yield Refused(f"The mail server refused the message: {error}")
            except ValueError as error:  # the backend cannot write an address or a header: nothing went
                yield Refused(f"The message cannot be sent as it is: {error}")
            except (smtplib.SMTPServerDisconnected, OSError) as error:
                broken = Refused("The connection to the mail server was lost before this message.")
                yield Unknown(f"No answer from the mail server after sending: {error!r}")
            except smtplib.SMTPException as error:
                broken = Refused("The connection to the mail server was lost before this message.")
                yield Unknown(f"The mail server's answer was not understood: {error}")
            else:
                yield None
    finally:
        try:
            connection.close()
        except (OSError, smtplib.SMTPException):
            pass


def deliver(message: EmailMessage) -> None:
    """Send one message; raises ``Refused`` when it certainly did not go, ``Unknown`` when it may
    have."""
    outcome = next(send_messages([message]))
    if outcome is not None:
        raise outcome
