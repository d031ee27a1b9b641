"""E-mail alerts and digests through a real SMTP server (aiosmtpd) on 127.0.0.1 that the test starts: what
arrives has a text and an HTML part naming the story; STARTTLS and a login work with the smtp_* settings (the
server's certificate trusted through smtp_ca_file); a wrong password is a clear, logged failure."""

import asyncio
import email
import shutil
import socket
import subprocess
from datetime import timedelta
from email import policy

import pytest

from newsdesk.alerts import Deliverer, MailUnavailable, Matcher, follow, set_digest
from newsdesk.config import Settings
from newsdesk.model import DeliveryState
from newsdesk.timeutil import utcnow

from .helpers import Desk, user
from .test_matching import BUDGET, QUAKE, QUAKE_2

aiosmtpd = pytest.importorskip("aiosmtpd")
from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import AuthResult  # noqa: E402


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def deliver(storage, s, now=None):
    async def run():
        deliverer = Deliverer(storage, s)
        try:
            return await deliverer.run_once(now)
        finally:
            await deliverer.aclose()
    return asyncio.run(run())


def parts(message):
    return {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}


def test_an_alert_arrives_as_text_and_html(storage, smtp):
    inbox, port = smtp
    s = Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False, smtp_from="desk@example.org",
                 desk_url="https://news.example.org")
    ann = user(storage, "ann")
    follow(storage, ann, "query", "earthquake", email="ann@example.org", settings=s)
    quake, ids = Desk(storage).story("quake", [QUAKE])
    Matcher(storage, s).match(ids)
    report = deliver(storage, s)
    assert report.sent == 1, report.errors
    [(to, message)] = inbox.messages
    assert to == ["ann@example.org"] and message["From"] == "desk@example.org"
    assert QUAKE[1] in message["Subject"] and "earthquake" in message["Subject"]
    found = parts(message)
    assert set(found) == {"text/plain", "text/html"}
    assert QUAKE[1] in found["text/plain"] and f"https://news.example.org/stories/" in found["text/plain"]
    assert f'<a href="https://news.example.org/stories/' in found["text/html"]
    assert "A magnitude 6.1 earthquake struck the Fenwick Valley on Monday." in found["text/html"]
    assert deliver(storage, s).sent == 0 and len(inbox.messages) == 1


def test_email_needs_an_smtp_server(storage):
    ann = user(storage, "ann")
    with pytest.raises(MailUnavailable, match="smtp_host"):
        follow(storage, ann, "query", "earthquake", email="ann@example.org", settings=Settings())


@pytest.fixture
def tls_smtp(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make the test server's certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    import ssl
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((mechanism, auth_data.login))
        ok = auth_data.login == b"desk" and auth_data.password == b"s3cret"
        return AuthResult(success=ok, handled=False)     # a refusal answered 535 by the server

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                            authenticator=authenticator, auth_require_tls=True)
    controller.start()
    yield inbox, port, cert, logins
    controller.stop()


def test_starttls_and_login(sqlite_storage, tls_smtp):
    inbox, port, cert, logins = tls_smtp
    s = Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=True, smtp_user="desk",
                 smtp_password="s3cret", smtp_ca_file=str(cert), alert_retry_seconds=0.1)
    ann = user(sqlite_storage, "ann")
    follow(sqlite_storage, ann, "query", "earthquake", email="ann@example.org", settings=s)
    Matcher(sqlite_storage, s).match(Desk(sqlite_storage).story("quake", [QUAKE])[1])
    report = deliver(sqlite_storage, s)
    assert report.sent == 1, report.errors
    assert logins and logins[-1][1] == b"desk"
    assert len(inbox.messages) == 1
    wrong = Settings(**{**s.__dict__, "smtp_password": "wrong"})
    Matcher(sqlite_storage, wrong).match(Desk(sqlite_storage).story("budget", [("Valley Weekly", "Earthquake drill",
                                                                               "An earthquake drill was held.")])[1])
    report = deliver(sqlite_storage, wrong)
    assert report.retried == 1 and "refused the login of 'desk'" in report.errors[0]
    assert "refused the login" in sqlite_storage.delivery_log(ann.id)[0].error
    untrusted = Settings(**{**s.__dict__, "smtp_ca_file": ""})
    report = deliver(sqlite_storage, untrusted, now=utcnow() + timedelta(seconds=5))
    assert report.retried == 1 and "TLS" in report.errors[0]


def test_daily_digest_by_email_and_feed(storage, smtp):
    inbox, port = smtp
    s = Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False, timezone="UTC")
    ann = user(storage, "ann")
    follow(storage, ann, "query", "earthquake", events="new,grows")
    follow(storage, ann, "query", "budget")
    desk = Desk(storage)
    start = utcnow()
    digest = set_digest(storage, s, ann, "daily", email="ann@example.org", hour=7, now=start - timedelta(days=1))
    assert digest.next_at <= start
    matcher = Matcher(storage, s)
    quake, ids = desk.story("quake", [QUAKE])
    budget, more = desk.story("budget", [BUDGET])
    matcher.match(ids + more)
    report = deliver(storage, s)
    assert report.digests == 1 and report.sent == 1, report.errors
    [(to, message)] = inbox.messages
    text = parts(message)["text/plain"]
    assert "Daily digest" in message["Subject"] and "2 stories you follow" in message["Subject"]
    assert QUAKE[1] in text and BUDGET[1] in text and "new since the last digest" in text
    assert "A magnitude 6.1 earthquake struck" in text                          # its summary
    assert "text/html" in parts(message)
    # the next day: the quake grew; the digest says by how much since the last one
    grown = desk.report(quake, *QUAKE_2)
    matcher.match([grown])
    tomorrow = utcnow() + timedelta(days=1)
    storage.set_digest(ann.id, "daily", "ann@example.org", 7, tomorrow - timedelta(seconds=1))
    report = deliver(storage, s, now=tomorrow)
    assert report.digests == 1
    text = parts(inbox.messages[-1][1])["text/plain"]
    assert "1 more source since the last digest" in text and "2 independent sources" in text
    assert BUDGET[1] not in text                                                  # nothing new there
    issues = storage.digest_issues(ann.id)
    assert len(issues) == 2 and issues[0].stories == {quake: 2}
    assert all(d.state == DeliveryState.SENT for d in storage.deliveries(user_id=ann.id))
