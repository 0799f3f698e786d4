"""The answer sets the template supports and refuses, as data with readable ids."""

import pytest

# The four extension flags: every valid mix (Migrate needs SQLAlchemy; Login needs
# SQLAlchemy and WTF), each crossed with every database where a database applies.
EXTENSIONS = {
    "all": dict(use_sqlalchemy=True, use_migrate=True, use_login=True, use_wtf=True),
    "db-migrate-wtf": dict(
        use_sqlalchemy=True, use_migrate=True, use_login=False, use_wtf=True
    ),
    "db-migrate": dict(
        use_sqlalchemy=True, use_migrate=True, use_login=False, use_wtf=False
    ),
    "db-login-wtf": dict(
        use_sqlalchemy=True, use_migrate=False, use_login=True, use_wtf=True
    ),
    "db-wtf": dict(
        use_sqlalchemy=True, use_migrate=False, use_login=False, use_wtf=True
    ),
    "db": dict(use_sqlalchemy=True, use_migrate=False, use_login=False, use_wtf=False),
}
NO_DATABASE = {
    "wtf-only": dict(
        use_sqlalchemy=False, use_migrate=False, use_login=False, use_wtf=True
    ),
    "bare": dict(
        use_sqlalchemy=False, use_migrate=False, use_login=False, use_wtf=False
    ),
}
DATABASES = ("sqlite", "postgresql", "mysql")

# Pairwise over the options that do not change the Python code: every pair of
# values of (use_docker, ci, license, python_version) appears in some row.
# The defaults (docker, github, MIT, 3.12) are baked by every row above.
PERIPHERALS = [
    dict(use_docker=True, ci="gitlab", license="BSD-3-Clause", python_version="3.13"),
    dict(use_docker=True, ci="none", license="Apache-2.0", python_version="3.11"),
    dict(use_docker=False, ci="github", license="BSD-3-Clause", python_version="3.11"),
    dict(use_docker=False, ci="gitlab", license="Apache-2.0", python_version="3.12"),
    dict(use_docker=False, ci="none", license="MIT", python_version="3.13"),
    dict(use_docker=True, ci="github", license="Proprietary", python_version="3.13"),
    dict(use_docker=False, ci="gitlab", license="Proprietary", python_version="3.11"),
    dict(use_docker=True, ci="none", license="BSD-3-Clause", python_version="3.12"),
    dict(use_docker=True, ci="github", license="Apache-2.0", python_version="3.13"),
    dict(use_docker=True, ci="gitlab", license="MIT", python_version="3.11"),
    dict(use_docker=True, ci="none", license="Proprietary", python_version="3.12"),
    # 3.14 and 3.15 change only the image tag and CI's Python: once each, with
    # Docker and a CI file, beside the pairs above.
    dict(use_docker=True, ci="github", license="MIT", python_version="3.14"),
    dict(use_docker=True, ci="gitlab", license="Apache-2.0", python_version="3.15"),
]


def peripheral_id(options):
    """A readable id such as 'nodocker-gitlab-Apache-2.0-py3.12'."""
    docker = "docker" if options["use_docker"] else "nodocker"
    return (
        f"{docker}-{options['ci']}-{options['license']}-py{options['python_version']}"
    )


SUPPORTED_COMBINATIONS = [
    pytest.param({**flags, "database": database}, id=f"{name}-{database}")
    for name, flags in EXTENSIONS.items()
    for database in DATABASES
] + [pytest.param(flags, id=name) for name, flags in NO_DATABASE.items()]
SUPPORTED_COMBINATIONS += [
    pytest.param(
        {"database": DATABASES[index % 3], **options},
        id=f"{peripheral_id(options)}-{DATABASES[index % 3]}",
    )
    for index, options in enumerate(PERIPHERALS)
]

# The options of issue 9, with what they interact with: the API with and without
# Login and without a database, Celery with each database and without one, the
# toolbar off with and without SQLAlchemy.
EXTRAS = {
    "api-login": dict(use_api=True),
    "api-nologin": dict(use_api=True, use_login=False),
    "api-nodb": dict(NO_DATABASE["bare"], use_api=True),
    "celery-sqlite": dict(use_celery=True),
    "celery-postgresql": dict(use_celery=True, database="postgresql"),
    "celery-mysql-initdb": dict(use_celery=True, database="mysql", use_migrate=False),
    "celery-nodb": dict(NO_DATABASE["wtf-only"], use_celery=True),
    "api-celery-postgresql": dict(use_api=True, use_celery=True, database="postgresql"),
    "notoolbar": dict(use_debugtoolbar=False),
    "notoolbar-nodb": dict(NO_DATABASE["bare"], use_debugtoolbar=False),
}
SUPPORTED_COMBINATIONS += [
    pytest.param(options, id=name) for name, options in EXTRAS.items()
]

# Kubernetes manifests (issue 18) with each kind of database they run against
# (a server: SQLite is refused below), with and without Celery, and without a
# database at all.
KUBERNETES = {
    "k8s-postgresql-celery": dict(
        use_kubernetes=True, database="postgresql", use_celery=True
    ),
    "k8s-postgresql": dict(use_kubernetes=True, database="postgresql"),
    "k8s-mysql-initdb": dict(use_kubernetes=True, database="mysql", use_migrate=False),
    "k8s-nodb-celery": dict(
        NO_DATABASE["wtf-only"], use_kubernetes=True, use_celery=True
    ),
}
SUPPORTED_COMBINATIONS += [
    pytest.param(options, id=name) for name, options in KUBERNETES.items()
]

# Each refused answer set, with a piece of the message that must explain it.
UNSUPPORTED_COMBINATIONS = [
    pytest.param(
        dict(use_sqlalchemy=False, use_migrate=True, use_login=False),
        "use_migrate=yes needs use_sqlalchemy=yes",
        id="migrate-without-sqlalchemy",
    ),
    pytest.param(
        dict(use_sqlalchemy=False, use_migrate=False, use_login=True),
        "use_login=yes needs use_sqlalchemy=yes",
        id="login-without-sqlalchemy",
    ),
    pytest.param(
        dict(use_wtf=False, use_login=True),
        "use_login=yes needs use_wtf=yes",
        id="login-without-wtf",
    ),
    pytest.param(dict(project_slug="my-app"), "project_slug='my-app'", id="slug-dash"),
    pytest.param(dict(project_slug="My_App"), "project_slug='My_App'", id="slug-upper"),
    pytest.param(dict(project_slug="3d_app"), "project_slug='3d_app'", id="slug-digit"),
    pytest.param(dict(project_slug="class"), "Python keyword", id="slug-keyword"),
    pytest.param(dict(project_slug="json"), "would shadow", id="slug-stdlib"),
    pytest.param(dict(project_slug="flask"), "would shadow", id="slug-dependency"),
    pytest.param(dict(project_slug="tests"), "would shadow", id="slug-own-folder"),
    pytest.param(dict(project_slug="3D"), "project_slug='3D'", id="slug-as-typed"),
    pytest.param(dict(author_email="nobody"), "author_email='nobody'", id="bad-email"),
    pytest.param(dict(version="one"), "version='one'", id="bad-version"),
    pytest.param(dict(project_slug="celery"), "would shadow", id="slug-celery"),
    pytest.param(dict(project_slug="a" * 41), "use at most 32", id="slug-too-long"),
    pytest.param(dict(project_slug="idna"), "would shadow", id="slug-indirect-dep"),
    pytest.param(dict(project_name="My\nApp"), "U+000A", id="name-newline"),
    pytest.param(dict(project_name="App\x00"), "U+0000", id="name-nul"),
    pytest.param(dict(project_name="  "), "is empty", id="name-blank"),
    pytest.param(dict(description="x" * 301), "at most 300", id="long-description"),
    pytest.param(dict(author_name="Ada\x1b[0m"), "U+001B", id="author-escape"),
    pytest.param(dict(author_email="zoë@example.com"), "(ASCII", id="email-non-ascii"),
    pytest.param(dict(version="1.0 "), "version='1.0 '", id="version-space"),
    pytest.param(
        dict(use_kubernetes=True, use_docker=False, database="postgresql"),
        "use_kubernetes=yes needs use_docker=yes",
        id="kubernetes-without-docker",
    ),
    pytest.param(
        dict(use_kubernetes=True, database="sqlite"),
        "use_kubernetes=yes with database=sqlite",
        id="kubernetes-sqlite",
    ),
]
