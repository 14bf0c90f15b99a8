"""``casedesk mailgate --imap`` against an IMAP server on loopback.

Debian's dovecot is not installed on the build machines, so the server is a small
IMAP4rev1 subset (LOGIN, SELECT, UID SEARCH/FETCH/STORE/COPY, EXPUNGE, LOGOUT) speaking the
real protocol over TCP to the real ``imaplib`` client the command uses.
"""

import io
import re
import socketserver
import threading

import pytest
from django.core.management import call_command

from casedesk.cases.models import Case
from casedesk.mailgate.models import InboundMessage

from .conftest import corpus


class Mailbox:
    def __init__(self, messages):
        # uid → [raw, flags, folder]
        self.mail = {uid: [raw, set(flags), "INBOX"] for uid, (raw, flags) in messages.items()}
        self.logins = []


def _handler(box: Mailbox):
    class Handler(socketserver.StreamRequestHandler):
        def send(self, text: str | bytes):
            self.wfile.write(text.encode() if isinstance(text, str) else text)

        def handle(self):
            self.send("* OK IMAP4rev1 test server ready\r\n")
            while line := self.rfile.readline():
                tag, _, rest = line.decode().rstrip("\r\n").partition(" ")
                command, _, args = rest.partition(" ")
                command = command.upper()
                if command == "UID":
                    command, _, args = args.partition(" ")
                    command = "UID " + command.upper()
                if command == "CAPABILITY":
                    self.send(f"* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n")
                elif command == "LOGIN":
                    box.logins.append(args)
                    self.send(f"{tag} OK LOGIN completed\r\n")
                elif command == "SELECT":
                    self.send(f"* {len(box.mail)} EXISTS\r\n{tag} OK [READ-WRITE] done\r\n")
                elif command == "UID SEARCH":
                    uids = [
                        str(u)
                        for u, (_, f, folder) in box.mail.items()
                        if folder == "INBOX" and "\\Seen" not in f
                    ]
                    self.send(f"* SEARCH {' '.join(uids)}\r\n{tag} OK done\r\n")
                elif command == "UID FETCH":
                    uid = int(args.split()[0])
                    raw = box.mail[uid][0]
                    self.send(f"* {uid} FETCH (UID {uid} BODY[] {{{len(raw)}}}\r\n".encode() + raw)
                    self.send(f")\r\n{tag} OK done\r\n")
                elif command == "UID STORE":
                    uid = int(args.split()[0])
                    box.mail[uid][1] |= set(re.findall(r"\\\w+", args))
                    self.send(f"{tag} OK done\r\n")
                elif command == "UID COPY":
                    uid, folder = args.split(" ", 1)
                    box.mail[int(uid)][2] = folder.strip('"')
                    self.send(f"{tag} OK done\r\n")
                elif command in ("EXPUNGE", "NOOP", "CLOSE"):
                    self.send(f"{tag} OK done\r\n")
                elif command == "LOGOUT":
                    self.send(f"* BYE\r\n{tag} OK done\r\n")
                    return
                else:
                    self.send(f"{tag} BAD unknown command\r\n")

    return Handler


@pytest.fixture
def imap(settings):
    def start(messages):
        box = Mailbox(messages)
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _handler(box))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        settings.CASEDESK_IMAP_HOST = "127.0.0.1"
        settings.CASEDESK_IMAP_PORT = server.server_address[1]
        settings.CASEDESK_IMAP_SSL = False
        settings.CASEDESK_IMAP_USER = "support"
        settings.CASEDESK_IMAP_PASSWORD = "secret"
        started.append(server)
        return box

    started: list = []
    yield start
    for server in started:
        server.shutdown()
        server.server_close()


def test_imap_takes_the_unseen_mail_and_marks_it_seen(customers, imap):
    box = imap(
        {
            1: (corpus("outlook_gb2312.eml"), ()),
            2: (corpus("foxmail_gbk.eml"), ("\\Seen",)),  # read by a person: not taken
            3: (corpus("dsn_bounce.eml"), ()),
        }
    )
    out = io.StringIO()
    call_command("mailgate", "--imap", stdout=out)

    assert "2 message(s) taken from IMAP" in out.getvalue()
    assert box.logins == ['support "secret"']
    assert "\\Seen" in box.mail[1][1] and "\\Seen" in box.mail[3][1]
    assert Case.objects.get().organization.code == "ACME"
    assert set(InboundMessage.objects.values_list("status", "source")) == {
        ("processed", "imap"),
        ("ignored", "imap"),
    }
    call_command("mailgate", "--imap", stdout=(again := io.StringIO()))
    assert "0 message(s) taken from IMAP" in again.getvalue()


def test_imap_moves_what_it_took_to_the_done_folder(customers, imap, settings):
    box = imap({7: (corpus("gmail_rfc2231.eml"), ())})
    settings.CASEDESK_IMAP_DONE_FOLDER = "Processed"
    call_command("mailgate", "--imap", stdout=io.StringIO())
    raw, flags, folder = box.mail[7]
    assert folder == "Processed" and "\\Deleted" in flags
    assert Case.objects.get().channel == "email"
