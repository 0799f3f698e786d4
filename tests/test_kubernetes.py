"""The Kubernetes manifests of use_kubernetes, validated offline and read closely.

Each manifest is checked against the Kubernetes API schemas bundled with
kubernetes-validate (strict: an unknown field fails), for a pinned Kubernetes
version, and then for what an operator relies on: probes on the app's health
routes, the image's non-root uid, settings from the ConfigMap and the Secret,
a migration Job, a CronJob that ends idle logins, no pod that migrates by itself.
"""

import re

import kubernetes_validate
import pytest
import yaml

from tests.support.baking import answers
from tests.support.baking import bake
from tests.support.combinations import KUBERNETES

KUBERNETES_VERSION = "1.34.0"


@pytest.fixture(scope="module", params=list(KUBERNETES), ids=list(KUBERNETES))
def manifests(request, tmp_path_factory):
    """(answers, project folder, {kind/name: document}) of one kubernetes bake."""
    choices = KUBERNETES[request.param]
    project = bake(tmp_path_factory.mktemp("kubernetes"), **choices)
    documents = {}
    for path in sorted((project / "deploy" / "kubernetes").glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            documents[f"{document['kind']}/{document['metadata']['name']}"] = document
    return answers(choices), project, documents


def pod_template(document):
    """The pod template of a workload: a CronJob holds it inside its Job's."""
    spec = document["spec"]
    if document["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return spec["template"]


def pod_specs(documents):
    """The pod specs of every workload: Deployments, Jobs and CronJobs."""
    return [
        pod_template(doc)["spec"]
        for doc in documents.values()
        if doc["kind"] in {"Deployment", "Job", "CronJob"}
    ]


def pod_spec(documents, kind, component):
    """The pod template's spec of the workload of `kind` named for `component`."""
    [spec] = [
        pod_template(doc)["spec"]
        for doc in documents.values()
        if doc["kind"] == kind
        and doc["metadata"]["labels"].get("app.kubernetes.io/component") == component
    ]
    return spec


def test_every_manifest_is_valid_kubernetes(manifests):
    _, _, documents = manifests
    assert documents
    for name, document in documents.items():
        try:
            kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{name}: {error.message} at {list(error.path)}")


def test_validation_would_catch_a_mistake(manifests):
    _, _, documents = manifests
    [deployment] = [d for n, d in documents.items() if n.endswith("-web")]
    broken = yaml.safe_load(yaml.safe_dump(deployment))
    broken["spec"]["template"]["spec"]["containers"][0]["readinessprobe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_pods_run_as_the_image_user_without_privileges(manifests):
    _, project, documents = manifests
    uid = int(re.search(r"--uid (\d+)", (project / "Dockerfile").read_text())[1])
    pods = pod_specs(documents)
    assert pods
    for pod in pods:
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] == uid
        for container in pod["containers"]:
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False
            assert context["readOnlyRootFilesystem"] is True
            assert context["capabilities"]["drop"] == ["ALL"]
            assert "memory" in container["resources"]["limits"]
            mounts = {m["mountPath"] for m in container["volumeMounts"]}
            assert "/tmp" in mounts


def test_web_pods_probe_health_and_read_their_settings(manifests):
    context, _, documents = manifests
    web = pod_spec(documents, "Deployment", "web")
    [container] = web["containers"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    sources = {
        next(iter(source.values()))["name"]: next(iter(source))
        for source in container["envFrom"]
    }
    [config_map] = [d for d in documents.values() if d["kind"] == "ConfigMap"]
    [secret] = [d for d in documents.values() if d["kind"] == "Secret"]
    assert sources == {
        config_map["metadata"]["name"]: "configMapRef",
        secret["metadata"]["name"]: "secretRef",
    }
    assert "FLASK_SECRET_KEY" in secret["stringData"]
    assert ("DATABASE_URL" in secret["stringData"]) == context["use_sqlalchemy"]
    # The web pods never migrate: the entrypoint is told not to, and the Job does.
    if context["use_migrate"]:
        assert config_map["data"]["RUN_MIGRATIONS"] == "0"
    [service] = [d for d in documents.values() if d["kind"] == "Service"]
    selected = service["spec"]["selector"]
    [deployment] = [d for n, d in documents.items() if n.endswith("-web")]
    assert deployment["spec"]["template"]["metadata"]["labels"] == selected


def test_migration_job_and_worker_follow_the_answers(manifests):
    context, _, documents = manifests
    jobs = [d for d in documents.values() if d["kind"] == "Job"]
    if context["use_sqlalchemy"]:
        [container] = pod_spec(documents, "Job", "migrate")["containers"]
        expected = ["flask", "db", "upgrade"] if context["use_migrate"] else None
        assert container["command"] == (expected or ["flask", "init-db"])
    else:
        assert jobs == []
    workers = [
        d
        for d in documents.values()
        if d["metadata"]["labels"].get("app.kubernetes.io/component") == "worker"
    ]
    assert bool(workers) == context["use_celery"]
    if context["use_celery"]:
        [container] = pod_spec(documents, "Deployment", "worker")["containers"]
        assert f"--app={context['project_slug']}.tasks" in container["command"]
    cron_jobs = [d for d in documents.values() if d["kind"] == "CronJob"]
    assert bool(cron_jobs) == context["use_login"]
    if context["use_login"]:
        [container] = pod_spec(documents, "CronJob", "session-cleanup")["containers"]
        assert container["command"] == ["flask", "auth", "end-idle-sessions"]
        [cron_job] = cron_jobs
        assert cron_job["spec"]["concurrencyPolicy"] == "Forbid"
    images = {c["image"] for pod in pod_specs(documents) for c in pod["containers"]}
    assert len(images) == 1, images
