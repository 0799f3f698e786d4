"""A real Celery worker of a baked project answers `ping` through Redis."""

import time

import pytest

from tests.support.baking import bake
from tests.support.machine import PYTHON
from tests.support.machine import redis_answers
from tests.support.machine import require
from tests.support.machine import run
from tests.support.serving import celery_worker

pytestmark = pytest.mark.server

try:
    import redis
except ImportError:  # the test then skips, or fails under CI=true
    redis = None

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# Send `ping` through the broker and wait for the worker's answer.
CALL_PING = """
from my_flask_app import create_app
from my_flask_app.tasks import ping

with create_app().app_context():
    print(ping.delay().get(timeout=60))
"""


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_worker_answers_ping_through_redis(tmp_path, database):
    require(
        redis_answers(f"redis://{REDIS_HOST}:{REDIS_PORT}/0"),
        f"no Redis server answers on {REDIS_HOST}:{REDIS_PORT}",
    )
    project = bake(tmp_path, use_celery=True, database=database)
    # A database number of its own, emptied first, keeps other users' jobs apart:
    # one per parameter, since xdist runs both at once and either worker would
    # take the other's task.
    number = {"sqlite": 13, "postgresql": 14}[database]
    redis_url = f"redis://{REDIS_HOST}:{REDIS_PORT}/{number}"
    env = {
        "FLASK_SECRET_KEY": "worker-test-secret-key-0123456789",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite'}",
        "REDIS_URL": redis_url,
    }
    redis.Redis.from_url(redis_url).flushdb()
    with celery_worker(project, tmp_path, **env) as log:
        started = time.perf_counter()
        answer = run([PYTHON, "-c", CALL_PING], cwd=project, timeout=120, **env)
        elapsed = time.perf_counter() - started
        assert answer.returncode == 0, answer.stderr + log.read_text()[-3000:]
        assert answer.stdout.strip() == "pong"
        print(f"ping -> pong through Redis in {elapsed:.2f} s (worker start included)")
    assert "my_flask_app.tasks.ping" in log.read_text()
    assert "succeeded" in log.read_text()
