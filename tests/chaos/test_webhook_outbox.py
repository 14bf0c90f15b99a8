"""Chaos: the worker posting webhook deliveries is killed with SIGKILL mid-delivery, three
times, and restarted; every delivery still arrives, at most one twice per kill, and one
posted twice is the same delivery (the same ``X-Casedesk-Delivery`` and document).

300 deliveries of real CASE events wait for a real HTTP receiver (``http.server`` on
127.0.0.1, in this process), which kills ``casedesk worker`` at its 50th, 140th and 230th
request: twice before answering (the worker dies not knowing it was delivered), once just
after.  A dead worker's claimed rows are taken over once the claim lapses in real time.
"""

from __future__ import annotations

import json
import threading
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.db import transaction

from casedesk.webhooks.choices import DeliveryStatus
from casedesk.webhooks.models import Webhook, WebhookDelivery
from tests.factories import make_case

HOOKS, CASES = "abcd", 75  # 300 deliveries of the CASEs' "opened" events
KILLS = {50: "unanswered", 140: "answered", 230: "unanswered"}


def start_receiver(senders):
    """A webhook receiver that keeps (path, delivery id, body) and kills on cue."""
    received: list[tuple[str, str, bytes]] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                received.append((self.path, self.headers["X-Casedesk-Delivery"], body))
                cue = KILLS.get(len(received))
            if cue == "unanswered":
                senders.kill()
            data = json.dumps({"ok": True}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            if cue == "answered":
                senders.kill()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, received


def test_kill_9_while_posting_webhooks_posts_each_once_but_one_per_kill(senders, org):
    server, received = start_receiver(senders)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        for name in HOOKS:
            Webhook.objects.create(
                name=name, url=f"{url}/{name}", secret="k", event_kinds=["opened"]
            )
        with transaction.atomic():  # one commit, one kick: the worker finds them waiting
            for i in range(CASES):
                make_case(org=org, title=f"混沌 {i}")
        rows = {
            str(pk): path for pk, path in WebhookDelivery.objects.values_list("pk", "webhook__url")
        }
        assert len(rows) == len(HOOKS) * CASES

        senders.start()
        sent = WebhookDelivery.objects.filter(status=DeliveryStatus.SENT)
        senders.wait_until(lambda: sent.count() == len(rows), 90, "every delivery posted")
        senders.stop()
    finally:
        server.shutdown()
        server.server_close()

    assert len(senders.killed) == len(KILLS)
    bodies: dict[str, set[bytes]] = defaultdict(set)
    for path, delivery, body in received:
        assert rows[delivery] == url + path
        bodies[delivery].add(json.loads(body)["event"]["id"])
    # Every delivery arrived; one posted twice is the same delivery of the same event.
    assert set(bodies) == set(rows)
    assert all(len(events) == 1 for events in bodies.values())
    # At most one delivery twice per kill, never a batch.
    twice = {d: n for d, n in Counter(d for _, d, _ in received).items() if n > 1}
    assert len(received) - len(rows) <= len(KILLS), twice
    assert max(twice.values(), default=1) <= 2, twice
    assert not WebhookDelivery.objects.exclude(status=DeliveryStatus.SENT).exists()
