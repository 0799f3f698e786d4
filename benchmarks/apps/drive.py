"""Send N GETs to a WSGI app in this process: the loop that callgrind counts.

Run by instructions.py with a side's own Python, in its project folder and
production environment: `drive.py ours|peer PATH WARMUP N`. The app gets a fresh
environ per request, as gunicorn builds one; the body is read and closed.
"""

import gc
import io
import sys

from werkzeug.test import EnvironBuilder

side, path, warmup, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
if side == "ours":
    from my_flask_app import create_app
else:
    from my_flask_app.app import create_app
app = create_app()


def environ():
    """A GET as wrk sends it, from 127.0.0.1."""
    built = EnvironBuilder(
        path=path,
        base_url="http://127.0.0.1:8000",
        headers={"User-Agent": "wrk", "Accept": "*/*"},
    ).get_environ()
    built.update({"REMOTE_ADDR": "127.0.0.1", "wsgi.input": io.BytesIO(b"")})
    return built


statuses = []


def send(request):
    """One request through the app, its body read and closed."""
    body = app(request, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(body)
    getattr(body, "close", lambda: None)()


requests = [environ() for _ in range(warmup + count)]
for request in requests[:warmup]:
    send(request)
# Whatever N, both runs freeze here, so they differ by the N requests alone (not by
# what the collector does at exit). Our gunicorn.conf.py freezes in pre_fork too.
gc.freeze()
for request in requests[warmup:]:
    send(request)
print(statuses[-1], file=sys.stderr)
