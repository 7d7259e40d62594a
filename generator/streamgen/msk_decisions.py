"""MSK and MSK Connect values decided when the catalog is silent.

Shared by :mod:`streamgen.msk_checks` and :mod:`streamgen.resolve.msk`, so
what is validated is exactly what is generated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import connect_kinds
from .index import CatalogIndex, Entry
from .model import ConnectorCapacity
from .naming import Namer
from .spec.env import Environment


def plugin_choice(connector: Any, env: Environment) -> tuple[str | None, str | None]:
    """(plugin key, problem): the plugin named by the connector or the one providing its kind."""
    plugins = env.msk_connect.plugins
    if connector.plugin is not None:
        plugin = plugins.get(connector.plugin)
        if plugin is None:
            known = ", ".join(sorted(plugins)) or "none declared"
            return None, f"no plugin '{connector.plugin}' in env.yaml msk_connect.plugins ({known})"
        if connector.kind != "custom" and plugin.kinds and connector.kind not in plugin.kinds:
            provides = ", ".join(plugin.kinds)
            return None, f"plugin '{connector.plugin}' provides {provides}, not {connector.kind}"
        return connector.plugin, None
    providers = sorted(key for key, plugin in plugins.items() if connector.kind in plugin.kinds)
    if not providers:
        return None, (
            f"no plugin in env.yaml msk_connect.plugins provides '{connector.kind}' "
            f"(declare one with kinds: [{connector.kind}], or set plugin:)"
        )
    if len(providers) > 1:
        return None, f"several plugins provide '{connector.kind}' ({', '.join(providers)}); choose one with plugin:"
    return providers[0], None


def capacity(connector: Any) -> ConnectorCapacity:
    cap = connector.capacity
    if cap.provisioned is not None:
        p = cap.provisioned
        return ConnectorCapacity("provisioned", p.mcu_per_worker, p.workers, p.workers, None, None)
    from .spec.connectors import Autoscaling

    a = cap.autoscaling or Autoscaling()
    return ConnectorCapacity(
        "autoscaling", a.mcu_per_worker, a.min_workers, a.max_workers, a.scale_in_cpu_percent, a.scale_out_cpu_percent
    )


@dataclass(frozen=True)
class TopicUse:
    """A topic a connector reads or writes, as the catalog declares it."""

    entry: Entry[Any]
    kafka_name: str

    @property
    def partitions(self) -> int:
        return self.entry.spec.partitions


def read_refs(connector: Any) -> list[str]:
    if connector.kind == "custom":
        return list(connector.reads)
    return list(getattr(connector, "topics", []) or [])


def write_refs(connector: Any) -> dict[str, str]:
    """Source table (or '' for a JDBC query, or the ref itself for custom) -> topic ref."""
    if connector.kind == "custom":
        return {ref: ref for ref in connector.writes}
    if connector.kind == "jdbc-source" and connector.query is not None:
        return {"": connector.topic}
    return dict(getattr(connector, "tables", {}) or {})


def all_refs(connector: Any) -> list[str]:
    refs = read_refs(connector) + list(write_refs(connector).values())
    dlq = getattr(connector, "dead_letter_topic", None)
    return refs + ([dlq] if dlq else [])


def default_tasks_max(connector: Any, read_partitions: int) -> int:
    """Sinks: one task per partition read; CDC: one task; JDBC: one per table.

    Independent of capacity on purpose: tasks.max is part of the connector
    configuration, and a configuration change replaces the connector, while a
    capacity change is an in-place update (autoscaled connectors get their
    tasks.max from MSK Connect anyway).
    """
    if connector.kind in ("debezium-mysql", "debezium-postgresql"):
        return 1
    if connector.kind == "jdbc-source":
        return max(1, len(write_refs(connector)))
    if connect_kinds.direction(connector) == "source":
        return 1
    return max(1, read_partitions)


def tasks_max(connector: Any, read_partitions: int) -> int:
    return connector.tasks_max or default_tasks_max(connector, read_partitions)


def s3_prefix(connector: Any) -> str:
    return connector.topics_dir or connector.name


def connector_inputs(
    env: Environment, namer: Namer, index: CatalogIndex, entry: Entry[Any]
) -> connect_kinds.Inputs:
    """The values a connector's configuration is built from (references must be valid)."""
    spec, domain = entry.spec, entry.domain.spec.domain

    def kafka_name(ref: str) -> str:
        topic = index.get("topics", domain, ref)
        assert topic is not None
        return namer.kafka_topic(topic.domain.spec.domain, topic.spec.name)

    def partitions(ref: str) -> int:
        topic = index.get("topics", domain, ref)
        assert topic is not None
        return topic.spec.partitions

    reads = read_refs(spec)
    writes = write_refs(spec)
    cluster = cluster_of(env, index, entry)
    dlq = getattr(spec, "dead_letter_topic", None)
    extra: dict[str, Any] = {}
    if spec.kind == "s3-sink":
        extra = {"bucket": namer.bucket(domain), "bucket_kms_key_arn": env.kms.data, "s3_prefix": s3_prefix(spec)}
    elif spec.kind == "opensearch-sink":
        extra = {"opensearch_endpoint": env.opensearch.domains[spec.domain].endpoint}
    elif spec.kind == "eventbridge-sink":
        extra = {"event_bus_arn": env.msk_connect.event_buses[spec.event_bus].arn}
    return connect_kinds.Inputs(
        spec=spec,
        full_name=namer.name(domain, spec.name),
        domain=domain,
        region=env.region,
        bootstrap_servers=",".join(env.msk_clusters[cluster].bootstrap_brokers_iam) if cluster else "",
        read_topics=[kafka_name(r) for r in reads],
        write_topics={table: kafka_name(ref) for table, ref in writes.items()},
        dead_letter_topic=kafka_name(dlq) if dlq else None,
        tasks_max=tasks_max(spec, sum(partitions(r) for r in reads)),
        secret_names={key: secret.name for key, secret in env.msk_connect.secrets.items()},
        **extra,
    )


def cluster_of(env: Environment, index: CatalogIndex, entry: Entry[Any]) -> str | None:
    """The MSK cluster of a connector: the one of its topics (checks make it unique)."""
    for ref in all_refs(entry.spec):
        topic = index.get("topics", entry.domain.spec.domain, ref)
        if topic is not None and topic.spec.platform == "msk":
            return topic.spec.cluster
    return None


def secret_keys(connector: Any) -> list[str]:
    """env.yaml secret keys the connector's typed fields use."""
    found = []
    for holder in (getattr(connector, "database", None), getattr(connector, "connection", None), connector):
        password = getattr(holder, "password", None) if holder is not None else None
        if password is not None and hasattr(password, "secret"):
            found.append(password.secret)
    return sorted(set(found))
