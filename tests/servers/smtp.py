"""A real SMTP server (aiosmtpd) and a webhook receiver on 127.0.0.1, for the alerts.

The SMTP server asks for a login (AUTH PLAIN/LOGIN without TLS, as a relay inside the
city's network might) and keeps every mail it receives, parsed. The webhook receiver
is http.server in a thread; it keeps every JSON body and answers with the status the
test sets (200, or 500 for a broken receiver).
"""

from __future__ import annotations

import email
import email.policy
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from servers import free_port

SMTP_USER = "alerts"
SMTP_PASSWORD = "smtp-secret-Gj7qZ2"  # a test-only secret, looked for in logs and mails
FROM = "partnerships@stadtdo.example"


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    message: EmailMessage
    raw: bytes

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content().replace("\r\n", "\n") if part else ""

    def attachment_names(self) -> list[str]:
        return [p.get_filename() for p in self.message.iter_attachments()]

    def attachment(self, name: str) -> bytes:
        for part in self.message.iter_attachments():
            if part.get_filename() == name:
                return part.get_payload(decode=True)
        raise KeyError(name)


@dataclass
class SmtpServer:
    port: int
    mails: list[Mail] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    def url(self, *recipients: str, password: str = SMTP_PASSWORD) -> str:
        """An Apprise mailto:// URL for this server: plain SMTP with a login."""
        to = ",".join(recipients)
        return (
            f"mailto://{SMTP_USER}:{password}@127.0.0.1:{self.port}"
            f"?smtp=127.0.0.1&mode=insecure&from={FROM}&to={to}"
        )

    # aiosmtpd handler hooks
    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        mail = Mail(envelope.mail_from, list(envelope.rcpt_tos), message, envelope.content)
        self.mails.append(mail)
        return "250 OK"


class _Authenticator:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    def __call__(self, smtp, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode() == SMTP_USER and auth_data.password.decode() == SMTP_PASSWORD
        )
        if ok:
            self.server.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port())
    controller = Controller(
        server,
        hostname="127.0.0.1",
        port=server.port,
        authenticator=_Authenticator(server),
        auth_required=True,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@dataclass
class WebhookReceiver:
    port: int
    status: int = 200
    bodies: list[dict] = field(default_factory=list)
    #: every request, also the ones answered with an error
    requests: int = 0

    def url(self, path: str = "hooks/nightly") -> str:
        return f"json://127.0.0.1:{self.port}/{path}"


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(free_port())

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            receiver.requests += 1
            if receiver.status == 200:
                receiver.bodies.append(json.loads(body))
            self.send_response(receiver.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:  # keep the test output quiet
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", receiver.port), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        httpd.shutdown()
        httpd.server_close()
