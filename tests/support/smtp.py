"""A real SMTP server on loopback (aiosmtpd) that keeps the mails it receives."""

import contextlib
import email
import email.policy
import threading

from tests.support.machine import free_port
from tests.support.machine import require

try:
    from aiosmtpd.controller import Controller
except ImportError:  # the tests then skip, or fail under CI=true
    Controller = None


class Inbox:
    """An aiosmtpd handler that keeps every delivered mail, parsed."""

    def __init__(self):
        self.mails = []
        self.arrived = threading.Condition()
        self.port = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        """Called by aiosmtpd for each mail received: keep it."""
        mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.arrived:
            self.mails.append((envelope.rcpt_tos, mail))
            self.arrived.notify_all()
        return "250 OK"

    def wait_for(self, count, timeout=60):
        """The first `count` mails, once that many have arrived."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.mails) >= count, timeout)
            assert len(self.mails) >= count, [m["Subject"] for _, m in self.mails]
            return self.mails[:count]


@contextlib.contextmanager
def smtp_inbox():
    """Run an SMTP server on loopback; yield its Inbox, whose .port it listens on."""
    require(Controller is not None, "aiosmtpd is not installed")
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    try:
        yield handler
    finally:
        controller.stop()
