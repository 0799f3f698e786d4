"""Login limits of a baked Celery project are shared by its gunicorn workers (Redis)."""

import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.baking import bake
from tests.support.machine import redis_answers
from tests.support.machine import require
from tests.support.serving import serve

pytestmark = pytest.mark.server

try:
    import redis
except ImportError:  # the test then skips, or fails under CI=true
    redis = None

REDIS_URL = "redis://127.0.0.1:6379/10"  # a database of its own, emptied first
LIMIT = 5
WORKERS = 3
# An access log (off as shipped) whose lines name the worker that answered.
ACCESS_LOG = "--access-logfile - --access-logformat '%(p)s %(s)s %(m)s %(U)s'"
CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LOGIN_LINE = re.compile(r"<(\d+)> (\d{3}) POST /auth/login")


def post_login(url):
    """Fetch the login form, then POST a wrong password with its CSRF token."""
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    with browser.open(f"{url}/auth/login", timeout=30) as page:
        token = CSRF_TOKEN.search(page.read().decode())[1]
    form = urllib.parse.urlencode(
        {"csrf_token": token, "email": "ada@example.com", "password": "wrong"}
    )
    try:
        with browser.open(f"{url}/auth/login", form.encode(), timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.xdist_group("serving")
def test_login_limit_is_shared_by_gunicorn_workers(tmp_path):
    require(redis_answers(REDIS_URL), "no Redis server answers on 127.0.0.1:6379")
    redis.Redis.from_url(REDIS_URL).flushdb()
    project = bake(tmp_path, use_celery=True)
    env = {
        "REDIS_URL": REDIS_URL,
        "WEB_CONCURRENCY": str(WORKERS),
        "FLASK_LOGIN_RATE_LIMIT": f"{LIMIT} per hour",
        "GUNICORN_CMD_ARGS": ACCESS_LOG,
        # Plain HTTP on loopback: let the client send the session cookie back.
        "FLASK_SESSION_COOKIE_SECURE": "false",
    }
    statuses, pids = [], set()
    # Bursts of parallel requests, until at least two workers have answered.
    with serve(project, tmp_path, **env) as url, ThreadPoolExecutor(12) as pool:
        for _ in range(10):
            statuses += pool.map(post_login, [url] * 12)
            log = (tmp_path / "gunicorn.log").read_text()
            pids = {pid for pid, _ in LOGIN_LINE.findall(log)}
            if len(pids) >= 2:
                break
    log = (tmp_path / "gunicorn.log").read_text()
    assert len(pids) >= 2, log[-3000:]
    assert "counted in memory" not in log
    # A wrong password answers the form again (200) until the limit: then 429.
    counted = [status for status in statuses if status != 429]
    print(
        f"shared limit: {len(statuses)} login POSTs, {len(pids)} workers answered,"
        f" {len(counted)} before 429 (limit {LIMIT})"
    )
    assert len(counted) == LIMIT, statuses
    assert set(counted) == {200}
    assert redis.Redis.from_url(REDIS_URL).keys("LIMITS*")
