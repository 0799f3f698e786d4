"""The initializr: answers read, archives and metadata served, refusals explained."""

import html
import io
import json
import os
import re
import subprocess
import tarfile
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from initializr import baking
from initializr import create_app
from initializr.starter import Starter
from tests.support.baking import TEMPLATE
from tests.support.baking import answers as cookiecutter_answers
from tests.support.baking import load_hook
from tests.support.combinations import UNSUPPORTED_COMBINATIONS
from tests.support.initializr import as_query
from tests.support.initializr import shared_cache


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app(
        {
            "TESTING": True,
            "CACHE_DIR": shared_cache(tmp_path_factory),
            "RATELIMIT_ENABLED": False,
        }
    )


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def template(app):
    return app.extensions["initializr"].template


def unzip(data):
    """{name: (executable, bytes)} of a zip, names as stored."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            info.filename: (bool(info.external_attr >> 16 & 0o100), archive.read(info))
            for info in archive.infolist()
            if not info.is_dir()
        }


# Reading answers: yes/no as the prompts read them, the last of repeated names.
@pytest.mark.parametrize(
    ("query", "given"),
    [
        ([("use_api", "yes")], {"use_api": True}),
        ([("use_api", "on")], {"use_api": True}),
        ([("use_api", "True")], {"use_api": True}),
        ([("use_login", "no")], {"use_login": False}),
        ([("use_login", "0")], {"use_login": False}),
        ([("use_login", "no"), ("use_login", "yes")], {"use_login": True}),
        ([("use_login", "maybe")], {"use_login": "maybe"}),
        ([("database", "postgresql")], {"database": "postgresql"}),
        ([("project_name", " {{ 7*7 }} ")], {"project_name": " {{ 7*7 }} "}),
    ],
)
def test_answers_are_read_as_the_prompts_read_them(template, query, given):
    assert template.read(MultiDict(query)) == (given, [])


def test_unknown_and_private_names_are_not_answers(template):
    query = MultiDict([("use_apy", "yes"), ("_extensions", "os.system")])
    assert template.read(query) == ({}, ["use_apy", "_extensions"])


def test_answers_match_cookiecutters_for_the_same_input(template):
    given = {"project_name": "2048 Game", "use_login": False, "database": "mysql"}
    ours = template.answers(given)
    theirs = cookiecutter_answers(given)
    assert {k: ours[k] for k in theirs} == theirs
    assert ours["project_slug"] == "app_2048_game"


def test_typed_text_is_never_rendered_as_jinja(template):
    ours = template.answers({"project_name": "{{ cookiecutter.version }} {% raw %}"})
    assert ours["project_name"] == "{{ cookiecutter.version }} {% raw %}"


def test_rules_come_from_the_hook(template):
    rules = load_hook("pre_gen_project").RULES
    for option in {option for option, _needed, _why in rules}:
        assert template.options[option].why == {
            needed: why for rule, needed, why in rules if rule == option
        }
        assert template.options[option].needs == list(template.options[option].why)


def test_canonical_link_keeps_only_answers_that_differ(template):
    given = {"use_api": True, "use_login": True, "project_name": "Shop"}
    assert template.canonical(given, template.answers(given)) == [
        ("project_name", "Shop"),
        ("use_api", "yes"),
    ]
    given = {"project_name": "Shop", "project_slug": "shop"}
    assert template.canonical(given, template.answers(given)) == [
        ("project_name", "Shop")
    ]


CHAIN = ("use_sqlalchemy", "use_migrate", "use_wtf", "use_login", "use_mail")


@pytest.mark.parametrize(
    ("option", "value", "also"),
    [
        ("use_login", True, {"use_sqlalchemy": True, "use_wtf": True}),
        ("use_mail", True, {"use_login": True, "use_sqlalchemy": True}),
        ("use_sqlalchemy", False, {"use_login": False, "use_migrate": False}),
        ("use_wtf", False, {"use_login": False, "use_mail": False}),
    ],
)
def test_choosing_an_option_applies_the_rules(app, option, value, also):
    starter = app.extensions["initializr"]
    # Everything off before turning one on; everything on before turning one off.
    base = dict(starter.template.defaults, **dict.fromkeys(CHAIN, not value))
    changed = starter.with_rules(base, option, value)
    assert {k: changed[k] for k in also} == also
    assert starter.template.problems(changed) == []


def test_archives_are_reproducible_with_modes_under_one_folder():
    files = {"run.sh": (True, b"#!/bin/sh\n"), "pkg/a.py": (False, b"a = 1\n")}
    zipped = baking.make_zip("demo", files, 1_700_000_000)
    assert zipped == baking.make_zip("demo", files, 1_700_000_000)
    assert baking.read_zip(zipped) == files
    tarred = baking.make_tar_gz("demo", files, 1_700_000_000)
    assert tarred == baking.make_tar_gz("demo", files, 1_700_000_000)
    with tarfile.open(fileobj=io.BytesIO(tarred)) as archive:
        members = {m.name: m for m in archive.getmembers()}
    assert sorted(members) == ["demo", "demo/pkg", "demo/pkg/a.py", "demo/run.sh"]
    assert members["demo/run.sh"].mode == 0o755
    assert members["demo/pkg/a.py"].mode == 0o644
    assert {m.uid for m in members.values()} == {0}


def test_the_cache_bakes_once_and_keeps_the_most_recent(tmp_path):
    cache = baking.Cache(tmp_path, entries=2)
    made = []

    def make(name):
        def bake():
            made.append(name)
            return name.encode()

        return bake

    assert cache.get("a", "zip", make("a")) == b"a"
    assert cache.get("a", "zip", make("a")) == b"a"
    assert cache.get("a", "tar.gz", make("a-tar")) == b"a-tar"
    cache.get("b", "zip", make("b"))
    os.utime(tmp_path / "b.zip", (1, 1))  # b is now the least recently used
    cache.get("a", "zip", make("a"))
    cache.get("c", "zip", make("c"))
    assert made == ["a", "a-tar", "b", "c"]
    assert sorted(p.name for p in tmp_path.glob("*.zip")) == ["a.zip", "c.zip"]
    assert not list(tmp_path.glob("b.*"))


def slow_template(folder, hook):
    """A one-file template whose pre-generation hook is `hook`."""
    (folder / "hooks").mkdir(parents=True)
    (folder / "cookiecutter.json").write_text('{"project_slug": "slow"}')
    (folder / "hooks" / "pre_gen_project.py").write_text(hook)
    (folder / "{{cookiecutter.project_slug}}").mkdir()
    (folder / "{{cookiecutter.project_slug}}" / "README.md").write_text("hi\n")
    return folder


def test_a_bake_past_its_time_limit_is_killed_and_cleaned_up(tmp_path, monkeypatch):
    pid_file = tmp_path / "hook.pid"
    hook = f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
    template = slow_template(tmp_path / "template", hook + "time.sleep(600)\n")
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    with pytest.raises(baking.BakeTimeout):
        baking.bake(template, {"project_slug": "slow"}, timeout=5)
    assert list(tmp_path.glob("initializr-*")) == []
    pid = int(pid_file.read_text())
    for _ in range(100):  # the killed hook is reaped by init, soon
        status = Path(f"/proc/{pid}/status")
        if not status.exists() or "\nState:\tZ" in status.read_text():
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"the hook {pid} still runs")


def test_a_failed_bake_reports_the_hooks_output(tmp_path):
    hook = "import sys\nprint('no thanks', file=sys.stderr)\nsys.exit(1)\n"
    template = slow_template(tmp_path / "template", hook)
    with pytest.raises(baking.BakeError, match="no thanks"):
        baking.bake(template, {"project_slug": "slow"}, timeout=60)


def tiny_template(folder):
    """A fork in miniature: two questions, one file, no hooks, in a git repository."""
    (folder / "{{cookiecutter.project_slug}}").mkdir(parents=True)
    (folder / "cookiecutter.json").write_text(
        json.dumps(
            {
                "project_slug": "tiny",
                "use_extra": False,
                "__prompts__": {"use_extra": "Add the extra file?"},
            }
        )
    )
    readme = "# {{ cookiecutter.project_slug }} {{ cookiecutter.use_extra }}\n"
    (folder / "{{cookiecutter.project_slug}}" / "README.md").write_text(readme)
    for command in (
        ["init", "-q"],
        ["add", "."],
        ["-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-qm", "t"],
    ):
        subprocess.run(["git", "-C", str(folder), *command], check=True)
    return folder


@pytest.mark.parametrize("as_url", [False, True], ids=["path", "git-url"])
def test_a_team_serves_its_own_template(tmp_path, as_url):
    folder = tiny_template(tmp_path / "fork")
    app = create_app(
        {
            "TESTING": True,
            "TEMPLATE": f"git+file://{folder}" if as_url else str(folder),
            "CACHE_DIR": str(tmp_path / "cache"),
        }
    )
    client = app.test_client()
    meta = client.get("/options.json").get_json()
    assert [o["name"] for o in meta["options"]] == ["project_slug", "use_extra"]
    assert meta["options"][1]["help"] == "Add the extra file?"
    head = subprocess.run(
        ["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True
    )
    assert meta["template"]["version"] == head.stdout.strip()
    files = unzip(client.get("/starter.zip?use_extra=yes").data)
    assert files == {"tiny/README.md": (False, b"# tiny True\n")}


# curl-style: the archive, the metadata, each refusal.
def test_default_zip(client):
    response = client.get("/starter.zip")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    disposition = response.headers["Content-Disposition"]
    assert disposition == "attachment; filename=my_flask_app.zip"
    files = unzip(response.data)
    assert all(name.startswith("my_flask_app/") for name in files)
    assert "my_flask_app/pyproject.toml" in files
    assert files["my_flask_app/docker-entrypoint.sh"][0] is True
    assert files["my_flask_app/README.md"][0] is False
    again = client.get(
        "/starter.zip", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


def test_tar_gz_has_the_zips_files(client):
    zipped = unzip(client.get("/starter.zip?use_api=yes").data)
    response = client.get("/starter.tar.gz", query_string={"use_api": "yes"})
    assert response.mimetype == "application/gzip"
    with tarfile.open(fileobj=io.BytesIO(response.data)) as archive:
        tarred = {
            m.name: (bool(m.mode & 0o100), archive.extractfile(m).read())
            for m in archive.getmembers()
            if m.isfile()
        }
    assert tarred == zipped


def test_a_form_post_downloads_too(client):
    response = client.post("/starter.zip", data={"use_api": "no", "use_login": "yes"})
    assert response.status_code == 200
    assert response.data == client.get("/starter.zip").data


def test_options_json_lists_every_option_with_its_help_and_rules(client):
    meta = client.get("/options.json").get_json()
    raw = json.loads((TEMPLATE / "cookiecutter.json").read_text())
    names = [name for name in raw if not name.startswith("_")]
    assert [option["name"] for option in meta["options"]] == names
    by_name = {option["name"]: option for option in meta["options"]}
    assert by_name["use_login"]["help"] == raw["__prompts__"]["use_login"]
    assert by_name["use_login"]["default"] is True
    assert [c["value"] for c in by_name["database"]["choices"]] == raw["database"]
    assert by_name["project_slug"]["derived"] is True
    rule = {"option": "use_login", "needs": "use_wtf"}
    assert any(rule.items() <= r.items() for r in meta["rules"])
    assert meta["links"] == {"zip": "/starter.zip", "tar.gz": "/starter.tar.gz"}


@pytest.mark.parametrize(("combination", "message"), UNSUPPORTED_COMBINATIONS)
def test_each_refusal_is_the_hooks_message(client, combination, message):
    query = as_query(combination)
    text = client.get(f"/starter.zip?{query}")
    assert text.status_code == 400
    assert text.mimetype == "text/plain"
    assert message in text.get_data(as_text=True)
    assert text.get_data(as_text=True).startswith("ERROR: ")
    data = client.get(
        f"/starter.tar.gz?{query}", headers={"Accept": "application/json"}
    )
    assert data.status_code == 400
    assert any(message in error["message"] for error in data.get_json()["errors"])
    page = client.get(f"/starter.zip?{query}", headers={"Accept": "text/html"})
    assert page.status_code == 400
    assert message in html.unescape(page.get_data(as_text=True))


def test_a_refusal_links_to_the_answers_fixed(client):
    response = client.get(
        "/starter.zip?use_sqlalchemy=no", headers={"Accept": "application/json"}
    )
    fixed = response.get_json()["fixed"]
    assert fixed.endswith("/?use_sqlalchemy=no&use_migrate=no&use_login=no")


def test_an_unknown_option_is_refused_by_name(client):
    response = client.get("/starter.zip?use_apy=yes")
    assert response.status_code == 400
    assert "use_apy is not an option" in response.get_data(as_text=True)


# The page: every option, its help and default; state in the URL; the preview.
def test_the_form_shows_every_option_help_and_default(client, template):
    page = client.get("/").get_data(as_text=True)
    for option in template.options.values():
        assert f'name="{option.name}"' in page
        assert option.help in html.unescape(page)
    assert 'id="use_login" name="use_login" value="yes" checked' in page
    assert "<script src=" in page
    assert not re.search(r"<script(?![^>]*\ssrc=)", page)
    assert " style=" not in page and "<style" not in page
    assert not re.search(r"\son\w+=", page)


def test_the_page_previews_the_tree_a_file_and_the_differences(client):
    page = client.get("/?use_api=yes&file=my_flask_app/api/routes.py")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'href="/?use_api=yes&amp;file=my_flask_app/api/routes.py#file"' in text
    assert "(added)" in text and "(changed)" in text
    assert "<code>use_api=yes</code>" in text
    assert "adds my_flask_app/api/__init__.py" in text
    assert "MethodView" in text  # the file's content
    assert 'href="/starter.zip?use_api=yes"' in text


def test_a_refused_answer_shows_next_to_its_option(client):
    page = client.get("/?use_kubernetes=yes").get_data(as_text=True)
    refusal = page.split('id="use_kubernetes-refusal"', 1)[1].split("</div>", 1)[0]
    assert "use_kubernetes=yes with database=sqlite" in refusal
    assert 'id="use_kubernetes" name="use_kubernetes" value="yes" checked' in page


@pytest.mark.parametrize(
    "path",
    ["../../etc/passwd", "/etc/passwd", "my_flask_app/../../../etc/passwd", "%2e%2e/x"],
)
def test_file_previews_name_only_files_of_the_project(client, path):
    response = client.get("/", query_string={"file": path})
    assert response.status_code == 404
    assert "root:" not in response.get_data(as_text=True)


def test_security_headers_and_limits(app, client):
    response = client.get("/")
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert client.get("/?project_name=" + "x" * 5000).status_code == 414
    assert (
        client.post("/starter.zip", data={"project_name": "x" * 20000}).status_code
        == 413
    )
    assert client.get("/?project_name=%ff").status_code == 400
    assert (
        "Strict-Transport-Security"
        in client.get("/healthz", base_url="https://x").headers
    )


def test_downloads_are_rate_limited(tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "CACHE_DIR": shared_cache(tmp_path_factory),
            "ARCHIVE_RATE_LIMIT": "2 per minute",
        }
    )
    client = app.test_client()
    codes = [client.get("/starter.zip?use_sqlalchemy=no").status_code for _ in range(3)]
    assert codes == [400, 400, 429]


# Hostile names: whatever is typed, nothing reaches the archive's paths, its
# file name or the page unescaped. Baking is stubbed; the hook is real.
FUZZ = settings(
    max_examples=25,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
TRICKY = st.sampled_from(
    ["../", "/", "\\", "\x00", "\n", "<script>", '"', "'", "{{", "{%", ";", "%2f", " "]
)
HOSTILE = st.lists(TRICKY | st.characters(), max_size=12).map("".join)


@FUZZ
@example(name="<script>alert(1)</script>", slug="")
@example(name="a", slug="../../evil")
@example(name="x", slug='a"; filename=evil.sh')
@given(
    name=HOSTILE,
    slug=st.one_of(
        st.just(""), HOSTILE, st.from_regex(r"[a-z]\w{0,8}", fullmatch=True)
    ),
)
def test_hostile_names_cannot_inject(app, monkeypatch, name, slug):
    starter = app.extensions["initializr"]
    monkeypatch.setattr(
        Starter,
        "archive",
        lambda self, answers, kind: baking.make_zip(
            answers["project_slug"], {"README.md": (False, b"x")}, 0
        ),
    )
    monkeypatch.setattr(
        Starter, "project", lambda self, answers: {"README.md": (False, b"x")}
    )
    monkeypatch.setattr(Starter, "effects", lambda self, given: [])
    query = {"project_name": name, **({"project_slug": slug} if slug else {})}
    client = app.test_client()
    response = client.get("/starter.zip", query_string=query)
    if response.status_code == 200:
        answers = starter.template.answers(starter.template.read(MultiDict(query))[0])
        assert re.fullmatch(r"[a-z][a-z0-9_]*", answers["project_slug"])
        disposition = response.headers["Content-Disposition"]
        assert disposition == f"attachment; filename={answers['project_slug']}.zip"
        for entry in unzip(response.data):
            assert entry.startswith(answers["project_slug"] + "/")
            assert ".." not in entry.split("/")
    else:
        assert response.status_code in (400, 414)
    for accept in ("text/html", "application/json"):
        response = client.get(
            "/starter.zip", query_string=query, headers={"Accept": accept}
        )
        if response.status_code == 400 and accept == "text/html":
            page = response.get_data(as_text=True)
            assert "<script>alert" not in page
            assert "<script" not in page.replace(
                '<script src="/static/initializr.js" defer>', ""
            )
    page = client.get("/", query_string=query).get_data(as_text=True)
    assert page.count("<script") == 1
    assert "<script>alert" not in page


def test_a_hostile_but_valid_name_is_baked_as_typed(client):
    name = "<script>alert(1)</script> {{ 7*7 }} {% raw %}"
    response = client.get("/starter.zip", query_string={"project_name": name})
    assert response.status_code == 200
    files = unzip(response.data)
    slug = (
        response.headers["Content-Disposition"].rpartition("=")[2].removesuffix(".zip")
    )
    assert slug == "script_alert_1_script_7_7_raw"
    assert b"{{ 7*7 }} {% raw %}" in files[f"{slug}/README.md"][1]
    assert b"alert(1)" in files[f"{slug}/README.md"][1]
    page = client.get("/", query_string={"project_name": name}).get_data(as_text=True)
    assert "<script>alert" not in page and html.escape(name) in page
