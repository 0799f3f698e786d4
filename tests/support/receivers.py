"""Receivers on loopback for a served project's signals: OTLP/HTTP traces, Sentry.

Each runs an http.server in a thread of the test process and keeps what it was
sent, decoded as the real backend would decode it: spans from opentelemetry-proto's
ExportTraceServiceRequest, events from Sentry's envelope format.
"""

import contextlib
import gzip
import json
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceResponse,
)


def decompress(body, encoding):
    """The body of a request sent with Content-Encoding `encoding`."""
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    if encoding == "br":  # sentry-sdk's choice when the brotli package is there
        import brotli

        return brotli.decompress(body)
    assert encoding in ("", "identity"), f"unknown Content-Encoding {encoding}"
    return body


class Receiver:
    """A loopback HTTP server keeping each POST's (path, headers, decoded body)."""

    def __init__(self, answer):
        self.requests = []
        self.changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = decompress(
                    self.rfile.read(length), self.headers.get("Content-Encoding", "")
                )
                with receiver.changed:
                    receiver.requests.append((self.path, dict(self.headers), body))
                    receiver.changed.notify_all()
                status, content_type, reply = answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                """Quiet: pytest's output is for the tests."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def bodies(self, path):
        """The decoded bodies POSTed to `path` so far."""
        with self.changed:
            return [body for at, _, body in self.requests if at == path]

    def wait_for(self, found, timeout=30):
        """Wait until `found()` returns something true; return it (or fail)."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                result = found()
                if result:
                    return result
                left = deadline - time.monotonic()
                assert left > 0, f"not received within {timeout} s: {self.requests}"
                self.changed.wait(left)


@contextlib.contextmanager
def serving(receiver):
    """Run `receiver` in a thread until the block ends."""
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
        thread.join()


class OtlpReceiver(Receiver):
    """An OTLP/HTTP collector of traces: POST /v1/traces, binary protobuf."""

    def __init__(self):
        empty = ExportTraceServiceResponse().SerializeToString()
        super().__init__(lambda path: (200, "application/x-protobuf", empty))

    def spans(self):
        """Every span received: (resource attributes, scope name, span) tuples."""
        found = []
        for body in self.bodies("/v1/traces"):
            request = ExportTraceServiceRequest.FromString(body)
            for resource_spans in request.resource_spans:
                resource = attributes(resource_spans.resource.attributes)
                for scope_spans in resource_spans.scope_spans:
                    for span in scope_spans.spans:
                        found.append((resource, scope_spans.scope.name, span))
        return found


def attributes(key_values):
    """OTLP KeyValues as a dict of plain values."""
    return {
        pair.key: getattr(pair.value, pair.value.WhichOneof("value"))
        for pair in key_values
        if pair.value.WhichOneof("value")
    }


def otlp_receiver():
    """An OtlpReceiver on a free loopback port, until the block ends."""
    return serving(OtlpReceiver())


class SentryReceiver(Receiver):
    """A Sentry ingest endpoint: envelopes POSTed to /api/<project>/envelope/."""

    def __init__(self):
        super().__init__(lambda path: (200, "application/json", b"{}"))

    def dsn(self, project=1):
        """The DSN that sends to this receiver (the key is public, as in a DSN)."""
        return f"http://public@127.0.0.1:{self.port}/{project}"

    def envelopes(self):
        """Every envelope received, as (header, [(item header, payload bytes)])."""
        return [
            parse_envelope(body)
            for path, _, body in self.requests
            if path.endswith("/envelope/")
        ]

    def raw(self):
        """All bytes received, decompressed, for searches of what must not be there."""
        return b"\n".join(body for _, _, body in self.requests)

    def events(self):
        """The payloads of the envelopes' "event" items, as dicts."""
        return [
            json.loads(payload)
            for _, items in self.envelopes()
            for header, payload in items
            if header.get("type") == "event"
        ]


def parse_envelope(data):
    """Sentry's envelope: a JSON header line, then items of a header and a payload.

    An item header with "length" gives its payload's size in bytes (then a
    newline may follow); without it the payload runs to the next newline.
    """
    header_line, _, rest = data.partition(b"\n")
    items = []
    while rest.strip():
        item_line, _, rest = rest.partition(b"\n")
        item = json.loads(item_line)
        if "length" in item:
            payload, rest = rest[: item["length"]], rest[item["length"] :]
            rest = rest.removeprefix(b"\n")
        else:
            payload, _, rest = rest.partition(b"\n")
        items.append((item, payload))
    return json.loads(header_line), items


def sentry_receiver():
    """A SentryReceiver on a free loopback port, until the block ends."""
    return serving(SentryReceiver())
