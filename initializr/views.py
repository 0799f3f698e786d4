"""The pages and downloads: the form, its preview, archives and metadata."""

import io
from urllib.parse import urlencode

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import jsonify
from flask import render_template
from flask import request
from flask import send_file
from flask import url_for
from werkzeug.datastructures import MultiDict

from initializr.baking import BakeError
from initializr.baking import BakeTimeout

bp = Blueprint("initializr", __name__)
# The archives: rate limited on their own (security.init_app), as each may bake.
downloads = Blueprint("downloads", __name__)
# Parameters of the page that are not answers.
PAGE_PARAMETERS = ("file",)
MEDIA_TYPES = {"zip": "application/zip", "tar.gz": "application/gzip"}


def starter():
    """The app's Starter (template, cache and previews)."""
    return current_app.extensions["initializr"]


class State:
    """The answers a request carries, what the hook says of them, and their link."""

    def __init__(self, values):
        template = starter().template
        answers = MultiDict(
            (k, v) for k, v in values.items(multi=True) if k not in PAGE_PARAMETERS
        )
        self.given, unknown = template.read(answers)
        self.answers = template.answers(self.given)
        self.problems = [
            (
                name,
                f"{name} is not an option of this template; the options are:"
                f" {', '.join(template.options)}.",
            )
            for name in unknown
        ] + template.problems(self.answers)
        self.by_option = {}
        for name, message in self.problems:
            self.by_option.setdefault(name, []).append(message)
        self.pairs = template.canonical(self.given, self.answers)
        self.query = urlencode(self.pairs, safe="/")
        fixed = template.fixed(self.answers) if self.problems else None
        self.fix = None
        if fixed is not None:
            self.fix = urlencode(template.canonical(fixed, template.answers(fixed)))

    def url(self, endpoint, external=False, **extra):
        """The URL of `endpoint` with these answers (only those not the defaults)."""
        base = url_for(endpoint, _external=external)
        query = urlencode([*self.pairs, *extra.items()], safe="/")
        return f"{base}?{query}" if query else base


def refusal(state, status=400):
    """The hook's messages, as the client asked: text, JSON or the page."""
    kind = request.accept_mimetypes.best_match(
        ["text/plain", "application/json", "text/html"], default="text/plain"
    )
    fix = url_for("initializr.index", _external=True) + (
        f"?{state.fix}" if state.fix else ""
    )
    if kind == "application/json":
        errors = [{"option": name, "message": text} for name, text in state.problems]
        body = {"errors": errors}
        if state.fix is not None:
            body["fixed"] = fix
        return jsonify(body), status
    if kind == "text/html":
        return page(state, status=status)
    lines = [f"ERROR: {message}" for _, message in state.problems]
    if state.fix is not None:
        lines.append(f"With each refused answer fixed or left at its default: {fix}")
    return (
        "\n".join(lines) + "\n",
        status,
        {"Content-Type": "text/plain; charset=utf-8"},
    )


def tree(paths, statuses):
    """Nested folders of `paths`: [(name, path or None, status, children)]."""
    root = {}
    for path in paths:
        node = root
        for part in path.split("/")[:-1]:
            node = node.setdefault(part + "/", {})
        node[path.rsplit("/", 1)[-1]] = path

    def rows(node):
        folders = sorted((k, v) for k, v in node.items() if isinstance(v, dict))
        files = sorted((k, v) for k, v in node.items() if not isinstance(v, dict))
        return [(name, None, None, rows(child)) for name, child in folders] + [
            (name, path, statuses.get(path), []) for name, path in files
        ]

    return rows(root)


def preview(state, chosen):
    """What the page shows of the project: its tree, a file, the differences."""
    engine = starter()
    files = engine.project(state.answers)
    slug = state.answers["project_slug"]
    added, removed, changed = engine.difference(state.answers, engine.template.defaults)
    role = {path: engine.as_default(path, slug) for path in files}
    statuses = {
        path: "added" if role[path] in added else "changed"
        for path in files
        if role[path] in added or role[path] in changed
    }
    shown = None
    if chosen is not None:
        shown = {"path": chosen, "missing": chosen not in files}
        if not shown["missing"]:
            data = files[chosen][1]
            try:
                shown["text"] = data.decode("utf-8")
            except UnicodeDecodeError:
                shown["text"] = None
            shown["size"] = len(data)
    return {
        "slug": slug,
        "count": len(files),
        "tree": tree(files, statuses),
        "added": added,
        "removed": removed,
        "changed": changed,
        "effects": engine.effects(state.given),
        "file": shown,
    }


def page(state, status=200, chosen=None):
    """The form for `state`, with its preview when the hook accepts the answers."""
    engine = starter()
    project = None if state.problems else preview(state, chosen)
    if project and project["file"] and project["file"]["missing"]:
        status = 404
    return (
        render_template(
            "index.html",
            state=state,
            options=engine.template.options.values(),
            template=engine.template,
            source=engine.source,
            project=project,
        ),
        status,
    )


@bp.get("/")
def index():
    """The form with every option, its help and default, and the project's preview."""
    return page(State(request.args), chosen=request.args.get("file"))


def download(kind):
    """The archive of the answers in the query or form; 400 with the hook's reasons."""
    state = State(request.values)
    if state.problems:
        return refusal(state)
    engine = starter()
    try:
        data = engine.archive(state.answers, kind)
    except BakeTimeout:
        abort(503, "Baking these answers took too long; try again later.")
    except BakeError as error:
        current_app.logger.error("bake failed for %s: %s", state.query, error)
        abort(500)
    response = send_file(
        io.BytesIO(data),
        mimetype=MEDIA_TYPES[kind],
        as_attachment=True,
        download_name=f"{state.answers['project_slug']}.{kind}",
        etag=f"{engine.key(state.answers)}-{kind}",
        conditional=True,
        max_age=0,
    )
    return response


@downloads.route("/starter.zip", methods=["GET", "POST"])
def starter_zip():
    """The baked project as a zip."""
    return download("zip")


@downloads.route("/starter.tar.gz", methods=["GET", "POST"])
def starter_tar_gz():
    """The baked project as a gzipped tar."""
    return download("tar.gz")


@bp.get("/options.json")
def options_json():
    """The options, their choices, defaults, help and rules, for scripts and IDEs."""
    engine = starter()
    options = []
    for option in engine.template.options.values():
        entry = {
            "name": option.name,
            "type": option.kind,
            "default": option.default,
            "help": option.help,
        }
        if option.kind == "choice":
            entry["choices"] = [
                {"value": value, "label": label} for value, label in option.choices
            ]
        if option.derived:
            entry["derived"] = True
        if option.max_length:
            entry["max_length"] = option.max_length
        if option.needs:
            entry["needs"] = option.needs
        options.append(entry)
    rules = [
        {"option": option.name, "needs": needed, "why": why}
        for option in engine.template.options.values()
        for needed, why in option.why.items()
    ]
    return jsonify(
        template={"source": engine.source, "version": engine.template.version},
        options=options,
        rules=rules,
        links={
            kind: url_for(f"downloads.starter_{kind.replace('.', '_')}")
            for kind in MEDIA_TYPES
        },
    )


@bp.get("/healthz")
def healthz():
    """Liveness: the process answers."""
    return {"status": "ok"}
