"""E-mail: a message with a text and an HTML part, sent through the SMTP server of the settings (STARTTLS or TLS
from the first byte, and a login when a user is set)."""

from __future__ import annotations

import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from newsdesk.config import Settings
from newsdesk.errors import NewsdeskError


class MailError(NewsdeskError):
    """The message could not be handed to the SMTP server; the message says why."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def sender(settings: Settings) -> str:
    return settings.smtp_from or f"newsdesk@{socket.getfqdn() or 'localhost'}"


def build(settings: Settings, to: str, subject: str, text: str, html: str, *, message_id: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender(settings)
    message["To"] = to
    message["Subject"] = " ".join(subject.split())[:200]
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id or make_msgid(domain="newsdesk")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def _tls_context(settings: Settings) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=settings.smtp_ca_file or None)


def send(settings: Settings, message: EmailMessage) -> None:
    """Hand the message to the SMTP server (blocking; run it in a thread). MailError says why it failed; a
    refusal of the recipient is permanent, anything else worth trying again."""
    if not settings.smtp_host:
        raise MailError("no SMTP server is set (setting smtp_host)", permanent=True)
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    try:
        if settings.smtp_ssl:
            client = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout,
                                      context=_tls_context(settings))
        else:
            client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout)
        with client:
            if settings.smtp_starttls and not settings.smtp_ssl:
                client.starttls(context=_tls_context(settings))
            if settings.smtp_user:
                _login(client, settings.smtp_user, settings.smtp_password)
            client.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        raise MailError(f"{where} refused the recipient: {_first(exc.recipients)}", permanent=True) from None
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(f"{where} refused the login of {settings.smtp_user!r}: {exc.smtp_code} "
                        f"{exc.smtp_error.decode(errors='replace')}") from None
    except smtplib.SMTPNotSupportedError as exc:
        raise MailError(f"{where} does not offer it: {exc} (STARTTLS or AUTH; see the smtp_* settings)") from None
    except smtplib.SMTPResponseException as exc:
        raise MailError(f"{where} answered {exc.smtp_code} {exc.smtp_error.decode(errors='replace')}",
                        permanent=500 <= exc.smtp_code < 600 and exc.smtp_code != 530) from None
    except ssl.SSLError as exc:
        raise MailError(f"TLS with {where} failed: {exc.reason or exc}") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(f"could not send through {where}: {exc or type(exc).__name__}") from None


def _login(client: smtplib.SMTP, user: str, password: str) -> None:
    """Log in with the first of PLAIN and LOGIN the server offers (smtplib's `login` would try each in turn after
    a refusal, and some servers answer a second try by hanging up)."""
    client.ehlo_or_helo_if_needed()
    offered = client.esmtp_features.get("auth", "").upper().split()
    mechanism = next((m for m in ("PLAIN", "LOGIN") if m in offered), None)
    if mechanism is None:
        client.login(user, password)       # CRAM-MD5 only, or no AUTH: smtplib says which
        return
    client.user, client.password = user, password
    client.auth(mechanism, getattr(client, f"auth_{mechanism.lower()}"))


def _first(recipients: dict) -> str:
    for address, (code, text) in recipients.items():
        return f"{address} ({code} {text.decode(errors='replace') if isinstance(text, bytes) else text})"
    return "?"
