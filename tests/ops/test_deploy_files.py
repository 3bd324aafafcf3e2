"""The deployment files agree with the code: every metric the dashboard and the alerts
query is one the app exports, `.env.example` lists every setting, and compose runs
migrations as their own step before the app."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from prometheus_client.registry import CollectorRegistry

from calendar_assistant.config import Settings
from calendar_assistant.observability.metrics import Metrics
from calendar_assistant.understanding.llm.metrics import register_router_metrics
from calendar_assistant.understanding.router import RouterStats

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "calendar-assistant.json"
ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yml"
COMPOSE = ROOT / "docker-compose.yml"

#: Series Prometheus itself makes (not the app's).
PROMETHEUS_OWN = frozenset({"up"})
#: Names in .env.example that are not Settings fields: compose's and the LLM libraries' own
#: variables.
ENV_EXTRAS = frozenset(
    {
        "POSTGRES_PASSWORD",
        "GRAFANA_ADMIN_PASSWORD",
        "APP_PORT",
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_BASE_URL",
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
    }
)
_SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_sum", "_count", "_created"),
    "summary": ("_sum", "_count", "_created"),
    "gauge": ("",),
}


def exported_series_names(registry: CollectorRegistry) -> set[str]:
    """Every series name a scrape of `registry` can show, labelled families included
    (which show nothing until first used)."""
    names: set[str] = set()
    for family in registry.collect():
        names.update(family.name + suffix for suffix in _SUFFIXES.get(family.type, ("",)))
    return names


def app_series_names() -> set[str]:
    metrics = Metrics()
    register_router_metrics(RouterStats(), metrics.registry)
    return exported_series_names(metrics.registry)


def dashboard_queries() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]


def alert_queries() -> list[str]:
    rules = yaml.safe_load(ALERTS.read_text())
    return [rule["expr"] for group in rules["groups"] for rule in group["rules"]]


_FUNCTIONS_AND_WORDS = frozenset(
    {
        "sum", "rate", "increase", "histogram_quantile", "by", "and", "deriv", "le",
        "clamp_min", "max", "min", "avg", "without", "on", "or", "unless",
    }
)  # fmt: skip


def metric_names(expr: str) -> set[str]:
    """Metric names in a PromQL expression: identifiers outside braces and strings that
    are not functions, keywords or label names in `by (...)`."""
    bare = re.sub(r'\{[^}]*\}|"[^"]*"|\$__\w+|\[[^\]]*\]', " ", expr)
    bare = re.sub(r"\b(by|without|on)\s*\([^)]*\)", " ", bare)
    words = set(re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", bare))
    return {w for w in words if w not in _FUNCTIONS_AND_WORDS}


def test_the_metric_name_parser_reads_promql() -> None:
    expr = (
        "histogram_quantile(0.95, sum by (backend, le) "
        '(rate(assistant_calendar_call_seconds_bucket{backend="google"}[$__rate_interval]))) '
        "/ sum(assistant_x_total)"
    )
    assert metric_names(expr) == {"assistant_calendar_call_seconds_bucket", "assistant_x_total"}


def test_every_metric_the_dashboard_queries_is_exported() -> None:
    used = {name for expr in dashboard_queries() for name in metric_names(expr)}
    unknown = used - app_series_names()
    assert not unknown, f"the dashboard queries metrics nobody exports: {sorted(unknown)}"
    # What an operator needs to see is all there.
    for needed in (
        "assistant_messages_total",
        "assistant_understanding_answers_total",
        "assistant_understanding_seconds_bucket",
        "assistant_calendar_call_seconds_bucket",
        "assistant_calendar_call_errors_total",
        "assistant_reminders_total",
        "assistant_reminder_lateness_seconds_bucket",
        "assistant_inbox_updates",
    ):
        assert needed in used, needed


def test_every_metric_the_alerts_query_is_exported() -> None:
    used = {name for expr in alert_queries() for name in metric_names(expr)}
    unknown = used - app_series_names() - PROMETHEUS_OWN
    assert not unknown, f"alerts query metrics nobody exports: {sorted(unknown)}"


def test_a_misspelt_metric_would_be_caught() -> None:
    assert "assistant_mesages_total" not in app_series_names()
    assert "assistant_messages_total" in app_series_names()


def env_example_names() -> dict[str, str]:
    """NAME -> value for `NAME=value` and commented `# NAME=` lines."""
    found: dict[str, str] = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = re.fullmatch(r"(?:# )?([A-Z][A-Z0-9_]*)=(.*)", line.strip())
        if match:
            found[match.group(1)] = match.group(2)
    return found


def test_env_example_lists_every_setting_and_loads() -> None:
    listed = env_example_names()
    fields = {name.upper() for name in Settings.model_fields}
    assert fields <= set(listed), f"missing from .env.example: {sorted(fields - set(listed))}"
    assert set(listed) - fields <= ENV_EXTRAS, sorted(set(listed) - fields - ENV_EXTRAS)
    Settings(_env_file=ROOT / ".env.example")  # type: ignore[call-arg]


def test_env_example_shows_the_real_defaults() -> None:
    fields = set(Settings.model_fields)
    shown = {
        name.lower(): value
        for name, value in env_example_names().items()
        if value and name.lower() in fields
    }
    assert len(shown) > 30
    written = Settings(_env_file=None, **shown)  # type: ignore[call-arg]
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    for name in shown:
        assert getattr(written, name) == getattr(defaults, name), name


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def test_compose_migrates_once_before_the_app_starts() -> None:
    services = compose()["services"]
    assert services["migrate"]["command"] == ["calendar-assistant", "migrate"]
    assert services["migrate"]["restart"] == "no"
    assert services["app"]["command"] == ["calendar-assistant", "serve"]
    waits = services["app"]["depends_on"]
    assert waits["migrate"]["condition"] == "service_completed_successfully"
    assert waits["postgres"]["condition"] == "service_healthy"
    assert services["app"]["environment"]["AUTO_MIGRATE"] == "false"


def test_compose_keeps_state_in_named_volumes_and_monitoring_optional() -> None:
    spec = compose()
    services = spec["services"]
    named = set(spec["volumes"])
    for service, path in (
        ("postgres", "/var/lib/postgresql/data"),
        ("redis", "/data"),
        ("app", "/var/lib/calendar-assistant"),
        ("prometheus", "/prometheus"),
        ("grafana", "/var/lib/grafana"),
    ):
        mounts = dict(volume.split(":")[:2] for volume in services[service]["volumes"])
        sources = [source for source, target in mounts.items() if target == path]
        assert sources, f"{service} keeps {path} in no volume"
        assert sources[0] in named, f"{service}'s {path} is not a named volume"
    for service in ("prometheus", "grafana"):
        assert services[service]["profiles"] == ["monitoring"]
    for service in ("app", "postgres", "redis", "migrate"):
        assert "profiles" not in services[service]


def test_compose_mounts_only_files_that_exist() -> None:
    for service in compose()["services"].values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), source


def test_the_image_installs_the_lock_runs_unprivileged_and_checks_health() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert text.index("-r requirements/base.txt") < text.index("--no-deps .")
    assert re.search(r"^USER (?!root|0\b)\S+", text, re.MULTILINE)
    assert re.search(r"^HEALTHCHECK .*\n?.*?/healthz", text, re.MULTILINE)
    assert "ffmpeg espeak-ng" in text
    assert "migrate" not in text.split("CMD [")[-1]  # the app's start never migrates
