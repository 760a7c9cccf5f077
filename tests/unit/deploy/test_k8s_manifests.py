"""deploy/k8s: the Kubernetes manifests agree with the processes they run (ports, probes,
settings) and keep two replicas of each tier through disruptions. No cluster is needed."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from scaled_configs import rasa_yaml

from deploy.scaled.health import HEALTH_CHECKS
from deploy.scaled.topology import DEFAULT_PORTS, REPO, WEBHOOK_PATH

K8S = REPO / "deploy" / "k8s"
TIERS = {"rasa": "RASA_LB_PORT", "actions": "ACTION_LB_PORT", "bot": "BOT_LB_PORT"}


def documents() -> list[dict[str, Any]]:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    found = []
    for name in kustomization["resources"]:
        found += [doc for doc in yaml.safe_load_all((K8S / name).read_text()) if doc]
    return found


def of_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in documents() if doc["kind"] == kind}


def container(deployment: dict[str, Any]) -> dict[str, Any]:
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return dict(only)


def config() -> dict[str, str]:
    return dict(of_kind("ConfigMap")["produbanco-config"]["data"])


def test_every_file_is_listed_and_every_tier_has_two_replicas_and_a_budget() -> None:
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    assert listed == {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    deployments, budgets = of_kind("Deployment"), of_kind("PodDisruptionBudget")
    assert set(deployments) == set(TIERS)
    for name, deployment in deployments.items():
        assert deployment["spec"]["replicas"] == 2, name
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
        assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
        budget = budgets[name]["spec"]
        assert budget["minAvailable"] == 1
        assert budget["selector"]["matchLabels"].items() <= labels.items()
        resources = container(deployment)["resources"]
        assert {"cpu", "memory"} <= set(resources["requests"]) and resources["limits"]["memory"]


@pytest.mark.parametrize("name", sorted(TIERS))
def test_services_ports_and_probes_match_the_real_processes(name: str) -> None:
    deployment, service = of_kind("Deployment")[name], of_kind("Service")[name]
    port = DEFAULT_PORTS[TIERS[name]]
    main = container(deployment)
    (container_port,) = main["ports"]
    assert container_port["containerPort"] == port
    (service_port,) = service["spec"]["ports"]
    assert service_port["port"] == port
    assert service_port["targetPort"] == container_port["name"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    for probe in ("readinessProbe", "livenessProbe"):
        check = main[probe]
        if name == "bot":
            # Kubernetes counts a 405 as a failure: the webhook tier is checked by TCP.
            assert check["tcpSocket"]["port"] == container_port["name"]
        else:
            assert check["httpGet"]["path"] == HEALTH_CHECKS[name][0]
            assert check["httpGet"]["port"] == container_port["name"]


def test_the_commands_are_the_ones_the_local_topology_runs() -> None:
    deployments = of_kind("Deployment")
    rasa = container(deployments["rasa"])
    args = rasa["args"]
    assert rasa["command"] == ["rasa"] and args[0] == "run"
    assert args[args.index("--port") + 1] == "5005"
    assert "--enable-api" not in args
    mount = rasa["volumeMounts"][0]["mountPath"]
    assert args[args.index("--endpoints") + 1] == f"{mount}/endpoints.yml"
    assert container(deployments["actions"])["command"] == [
        "python", "-m", "bot.supervision.action_server", "--actions", "actions", "--port", "5055",
    ]  # fmt: skip
    assert container(deployments["bot"])["command"] == ["python", "-m", "bot"]


def test_settings_reach_each_tier_through_the_services() -> None:
    settings = config()
    assert settings["RASA_URL"] == f"http://rasa:{DEFAULT_PORTS['RASA_LB_PORT']}"
    assert settings["ACTION_SERVER_URL"] == f"http://actions:{DEFAULT_PORTS['ACTION_LB_PORT']}"
    assert settings["BOT_MODE"] == "webhook"
    assert settings["WEBHOOK_PORT"] == str(DEFAULT_PORTS["BOT_LB_PORT"])
    assert settings["WEBHOOK_URL"].startswith("https://")
    assert settings["WEBHOOK_URL"].endswith(WEBHOOK_PATH)
    ingress = of_kind("Ingress")["bot-webhook"]["spec"]
    (path,) = ingress["rules"][0]["http"]["paths"]
    assert path["path"] == WEBHOOK_PATH and path["backend"]["service"]["name"] == "bot"
    endpoints = yaml.safe_load(of_kind("ConfigMap")["rasa-endpoints"]["data"]["endpoints.yml"])
    assert endpoints["action_endpoint"]["url"] == (
        f"http://actions:{DEFAULT_PORTS['ACTION_LB_PORT']}/webhook"
    )
    assert endpoints["tracker_store"]["dialect"] == "postgresql"
    local = yaml.safe_load((REPO / "endpoints.yml").read_text())["tracker_store"]
    assert endpoints["tracker_store"]["type"] == local["type"], "the same store as make run"
    assert endpoints["lock_store"]["type"] == "redis", "two Rasa pods need the shared lock"
    # Every ${VAR} Rasa expands is given to the Rasa pod (ConfigMap or Secret), and expanded.
    rasa = container(of_kind("Deployment")["rasa"])
    given = set(settings) | {item["name"] for item in rasa["env"]}
    wanted = set(re.findall(r"\$\{([A-Z_]+)\}", str(endpoints)))
    assert wanted and wanted <= given, wanted - given
    pod_env = {**settings, **{name: f"<{name}>" for name in given - set(settings)}}
    text = of_kind("ConfigMap")["rasa-endpoints"]["data"]["endpoints.yml"]
    expanded = rasa_yaml(text, pod_env)
    assert "${" not in str(expanded), "a quoted ${VAR} is not replaced by Rasa"
    assert expanded["tracker_store"]["url"] == settings["POSTGRES_HOST"]
    assert expanded["lock_store"]["password"] == "<REDIS_PASSWORD>"


def test_secrets_come_only_from_the_secret_and_each_setting_is_one_the_code_reads() -> None:
    sources = "\n".join(
        path.read_text()
        for folder in ("bot", "bank", "actions")
        for path in (REPO / folder).rglob("*.py")
    )
    settings = config()
    for name in settings:
        if name in ("POSTGRES_HOST", "POSTGRES_PORT", "TRACKER_DB", "TRACKER_DB_USER"):
            continue  # Read by Rasa from endpoints.yml, checked above.
        if name in ("REDIS_HOST", "REDIS_PORT", "LOCK_STORE_DB", "LOCK_STORE_KEY_PREFIX"):
            continue
        if name in ("SANIC_HOST", "SANIC_GRACEFUL_SHUTDOWN_TIMEOUT"):
            continue  # Read by Sanic.
        assert f'"{name}"' in sources, f"{name} is read by no code"
    for name in settings:
        assert not any(word in name for word in ("TOKEN", "SECRET", "PASSWORD")), name
    for name, deployment in of_kind("Deployment").items():
        for item in container(deployment).get("env", []):
            reference = item["valueFrom"]["secretKeyRef"]
            assert reference["name"] == "produbanco-secrets", (name, item["name"])
            assert reference["key"] == item["name"]
