"""Whole-catalog checks for MSK topics and MSK Connect connectors.

Topic rules need the cluster (broker count, serverless) and every other topic
of the cluster; connector rules need topics, env.yaml plugins, secrets and
targets. Each rule yields ``problem(doc, loc, message)``; :data:`RULES` is
appended to :func:`streamgen.checks.check`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from . import connect_kinds, decisions, firehose_prefix, kafka_configs, msk_decisions
from .errors import Problem
from .index import CatalogIndex, Entry
from .load import Loaded
from .naming import Namer, name_problem
from .secrets import SECRET_KEY, is_reference
from .workspace import Workspace


def _problem(doc: Any, loc: Any, message: str, severity: str = "error") -> Problem:
    from .checks import problem  # checks imports this module

    return problem(doc, loc, message, severity)


def _msk_topics(index: CatalogIndex) -> list[Entry[Any]]:
    return [e for e in index.all("topics") if e.spec.platform == "msk"]


# --- topics ------------------------------------------------------------------------------


def _topic_configs(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    clusters = loaded.env.msk_clusters
    for entry in _msk_topics(index):
        cluster = clusters.get(entry.spec.cluster)
        for key, value in entry.spec.configs.items():
            loc = entry.loc + ("configs", key)
            message = kafka_configs.problem(key, value)
            if message:
                yield _problem(entry.domain.doc, loc, message)
            elif cluster is not None and cluster.type == "serverless" and key not in kafka_configs.SERVERLESS_TOPIC_CONFIGS:
                allowed = ", ".join(sorted(kafka_configs.SERVERLESS_TOPIC_CONFIGS))
                yield _problem(entry.domain.doc, loc, f"MSK Serverless does not let clients set '{key}' (allowed: {allowed})")


def _replication(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    clusters = loaded.env.msk_clusters
    for entry in _msk_topics(index):
        topic, cluster = entry.spec, clusters.get(entry.spec.cluster)
        if cluster is None:
            continue
        doc = entry.domain.doc
        if cluster.type == "serverless":
            if topic.replication_factor is not None:
                yield _problem(doc, entry.loc + ("replication_factor",), "MSK Serverless fixes the replication factor at 3; remove replication_factor")
            continue
        if topic.replication_factor is not None and cluster.broker_count is not None and topic.replication_factor > cluster.broker_count:
            yield _problem(
                doc,
                entry.loc + ("replication_factor",),
                f"{topic.replication_factor} exceeds the {cluster.broker_count} brokers of MSK cluster '{topic.cluster}'",
            )
            continue
        rf = decisions.kafka_replication_factor(topic, cluster.type, cluster.broker_count)
        min_isr = topic.configs.get("min.insync.replicas")
        if rf is None or min_isr is None or kafka_configs.problem("min.insync.replicas", min_isr):
            continue
        if int(min_isr) > rf - 1:
            yield _problem(
                doc,
                entry.loc + ("configs", "min.insync.replicas"),
                f"{int(min_isr)} must be at most replication factor - 1 = {rf - 1}, "
                "or producers with acks=all stop when one broker is down",
            )


def _collisions(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    """Kafka warns that '.' and '_' collide in metric names; refuse such pairs per cluster."""
    seen: dict[tuple[str, str], tuple[str, Entry[Any]]] = {}
    for entry in _msk_topics(index):
        kafka_name = namer.kafka_topic(entry.domain.spec.domain, entry.spec.name)
        key = (entry.spec.cluster, kafka_name.replace(".", "_"))
        if key in seen and seen[key][0] != kafka_name:
            other_name, other = seen[key]
            yield _problem(
                entry.domain.doc,
                entry.loc + ("name",),
                f"Kafka topic '{kafka_name}' collides with '{other_name}' ({other.domain.doc.display}:{other.line}) "
                f"on cluster '{entry.spec.cluster}': Kafka treats '.' and '_' alike in metric names",
            )
        seen.setdefault(key, (kafka_name, entry))


def _topic_policy_names(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    for entry in _msk_topics(index):
        domain = entry.domain.spec.domain
        for purpose in ("produce", "consume"):
            message = name_problem("IAM policy", namer.name(domain, entry.spec.name, f"kafka-{purpose}"))
            if message:
                yield _problem(entry.domain.doc, entry.loc + ("name",), message)
                break


# --- environment ---------------------------------------------------------------------------


def _connect_environment(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    env, doc = loaded.env, loaded.env_doc
    settings = env.msk_connect
    for key, secret in settings.secrets.items():
        region = secret.arn.split(":")[3]
        if region != env.region:
            yield _problem(doc, ("msk_connect", "secrets", key, "arn"), f"secret is in {region}; the config provider reads secrets of {env.region}")
    for key, bus in settings.event_buses.items():
        region = bus.arn.split(":")[3]
        if region != env.region:
            yield _problem(doc, ("msk_connect", "event_buses", key, "arn"), f"bus is in {region}, but the environment is in {env.region}")
    connectors = index.all("connectors")
    total = sum(msk_decisions.capacity(e.spec).max_workers for e in connectors)
    if total > settings.worker_quota:
        yield _problem(
            doc,
            ("msk_connect",),
            f"connectors may run {total} workers in total; the account quota is {settings.worker_quota} "
            "(raise msk_connect.worker_quota after AWS raised it)",
        )


# --- connectors ------------------------------------------------------------------------------


def _ref_locs(connector: Any, *, writes_only: bool = False) -> list[tuple[tuple[Any, ...], str]]:
    """(loc inside the connector, topic ref) of every topic reference (or of those it writes)."""
    locs: list[tuple[tuple[Any, ...], str]] = []
    if connector.kind == "custom":
        locs += [] if writes_only else [(("reads", i), ref) for i, ref in enumerate(connector.reads)]
        locs += [(("writes", i), ref) for i, ref in enumerate(connector.writes)]
    else:
        locs += [] if writes_only else [(("topics", i), ref) for i, ref in enumerate(getattr(connector, "topics", []) or [])]
        locs += [(("tables", table), ref) for table, ref in (getattr(connector, "tables", {}) or {}).items()]
        if getattr(connector, "topic", None):
            locs.append((("topic",), connector.topic))
    if getattr(connector, "dead_letter_topic", None):
        locs.append((("dead_letter_topic",), connector.dead_letter_topic))
    return locs


def _connector_writes_own_topics(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    """Connectors may read any domain's topics but write only their own domain's."""
    for entry in index.all("connectors"):
        domain = entry.domain.spec.domain
        for loc, ref in _ref_locs(entry.spec, writes_only=True):
            topic = index.get("topics", domain, ref)
            if topic is not None and topic.domain.spec.domain != domain:
                yield _problem(
                    entry.domain.doc,
                    entry.loc + loc,
                    f"'{ref}' belongs to the {topic.domain.spec.domain} domain; connectors write only their own domain's topics",
                )


def _connector_topics(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    for entry in index.all("connectors"):
        domain, doc = entry.domain.spec.domain, entry.domain.doc
        first_cluster: tuple[str, str] | None = None
        for loc, ref in _ref_locs(entry.spec):
            topic = index.get("topics", domain, ref)
            where = entry.loc + loc
            if topic is None:
                names = sorted(n for (d, n) in index.entries["topics"] if d == domain)
                known = f" (this domain has: {', '.join(names)})" if names else ""
                yield _problem(doc, where, f"no topic '{ref}' in the catalog{known}")
                continue
            if topic.spec.platform != "msk":
                yield _problem(doc, where, f"'{ref}' is a {topic.spec.platform} topic; connectors read and write MSK topics")
                continue
            if first_cluster is None:
                first_cluster = (topic.spec.cluster, ref)
            elif topic.spec.cluster != first_cluster[0]:
                yield _problem(
                    doc, where, f"'{ref}' is on MSK cluster '{topic.spec.cluster}', but '{first_cluster[1]}' is on '{first_cluster[0]}'; a connector uses one cluster"
                )


def _refs_ok(index: CatalogIndex, entry: Entry[Any]) -> bool:
    clusters = set()
    for _, ref in _ref_locs(entry.spec):
        topic = index.get("topics", entry.domain.spec.domain, ref)
        if topic is None or topic.spec.platform != "msk":
            return False
        clusters.add(topic.spec.cluster)
    return len(clusters) == 1


def _connector_targets(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    env = loaded.env
    settings = env.msk_connect
    for entry in index.all("connectors"):
        spec, doc = entry.spec, entry.domain.doc
        _, message = msk_decisions.plugin_choice(spec, env)
        if message:
            yield _problem(doc, entry.loc + (("plugin",) if spec.plugin else ("kind",)), message)
        for holder_loc, holder in ((("database",), getattr(spec, "database", None)), (("connection",), getattr(spec, "connection", None)), ((), spec)):
            password = getattr(holder, "password", None) if holder is not None else None
            if password is not None and password.secret not in settings.secrets:
                known = ", ".join(sorted(settings.secrets)) or "none declared"
                yield _problem(
                    doc, entry.loc + holder_loc + ("password", "secret"), f"no secret '{password.secret}' in env.yaml msk_connect.secrets ({known})"
                )
        if spec.kind == "opensearch-sink" and spec.domain not in env.opensearch.domains:
            known = ", ".join(sorted(env.opensearch.domains)) or "none declared"
            yield _problem(doc, entry.loc + ("domain",), f"no OpenSearch domain '{spec.domain}' in env.yaml opensearch.domains ({known})")
        if spec.kind == "eventbridge-sink" and spec.event_bus not in settings.event_buses:
            known = ", ".join(sorted(settings.event_buses)) or "none declared"
            yield _problem(doc, entry.loc + ("event_bus",), f"no event bus '{spec.event_bus}' in env.yaml msk_connect.event_buses ({known})")


def _targets_ok(loaded: Loaded, entry: Entry[Any]) -> bool:
    env, spec = loaded.env, entry.spec
    if msk_decisions.plugin_choice(spec, env)[1]:
        return False
    if any(key not in env.msk_connect.secrets for key in msk_decisions.secret_keys(spec)):
        return False
    if spec.kind == "opensearch-sink" and spec.domain not in env.opensearch.domains:
        return False
    if spec.kind == "eventbridge-sink" and spec.event_bus not in env.msk_connect.event_buses:
        return False
    return True


def _connector_config(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    env = loaded.env
    secret_names = {s.name for s in env.msk_connect.secrets.values()}
    for entry in index.all("connectors"):
        spec, doc = entry.spec, entry.domain.doc
        managed: set[str] = set()
        if _refs_ok(index, entry) and _targets_ok(loaded, entry):
            managed = connect_kinds.managed_keys(msk_decisions.connector_inputs(env, namer, index, entry))
        for key, value in spec.config.items():
            loc = entry.loc + ("config", key)
            if connect_kinds.forbidden_key(key):
                yield _problem(doc, loc, "MSK Connect authenticates to the cluster with IAM over TLS and streamgen configures the config provider; remove this key")
            elif key in managed:
                yield _problem(doc, loc, f"'{key}' is set by streamgen from the connector's fields; change those instead")
            elif SECRET_KEY.search(key) and not isinstance(value, bool) and not (isinstance(value, str) and (value == "" or is_reference(value))):
                yield _problem(
                    doc, loc, "looks like a plaintext secret: declare the secret in env.yaml msk_connect.secrets and write ${secretsmanager:<secret name>:<field>}"
                )
            if isinstance(value, str):
                for name, _field in connect_kinds.secret_references(value):
                    if name not in secret_names:
                        known = ", ".join(sorted(secret_names)) or "none declared"
                        yield _problem(doc, loc, f"secret '{name}' is not declared in env.yaml msk_connect.secrets (names: {known})")
        for key in spec.worker_properties:
            if not connect_kinds.WORKER_PROPERTY.match(key):
                yield _problem(
                    doc, entry.loc + ("worker_properties", key), "MSK Connect workers accept only converter and offset.flush.* properties here"
                )


def _connector_tasks(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    """tasks.max above the partitions it can use is wasted capacity: a warning, not an error."""
    for entry in index.all("connectors"):
        spec, doc = entry.spec, entry.domain.doc
        if spec.tasks_max is None or not _refs_ok(index, entry):
            continue
        loc = entry.loc + ("tasks_max",)
        reads = msk_decisions.read_refs(spec)
        if reads:
            partitions = sum(index.get("topics", entry.domain.spec.domain, r).spec.partitions for r in reads)  # type: ignore[union-attr]
            if spec.tasks_max > partitions:
                yield _problem(
                    doc, loc, f"tasks_max {spec.tasks_max} exceeds the {partitions} partitions it reads; the extra tasks stay idle", "warning"
                )
        elif spec.kind in ("debezium-mysql", "debezium-postgresql") and spec.tasks_max > 1:
            yield _problem(doc, loc, f"tasks_max {spec.tasks_max}: Debezium captures a database with one task", "warning")
        elif spec.kind == "jdbc-source" and spec.tasks_max > len(msk_decisions.write_refs(spec)):
            yield _problem(
                doc, loc, f"tasks_max {spec.tasks_max} exceeds the {len(msk_decisions.write_refs(spec))} table(s) it polls", "warning"
            )


def _connector_names(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    for entry in index.all("connectors"):
        domain, name = entry.domain.spec.domain, entry.spec.name
        full = namer.name(domain, name)
        for what, value in (
            # the worker configuration's name carries an 8-character content hash
            ("MSK Connect connector", f"{full}-00000000"),
            ("IAM role", namer.role(domain, name, "connect")),
        ):
            message = name_problem(what, value)
            if message:
                yield _problem(entry.domain.doc, entry.loc + ("name",), message.replace("-00000000'", "-<hash>'"))
    for entry in index.all("connectors"):
        spec = entry.spec
        if spec.kind != "s3-sink":
            continue
        prefix = msk_decisions.s3_prefix(spec)
        if len(prefix) > 512:
            yield _problem(entry.domain.doc, entry.loc + ("topics_dir",), "must be at most 512 characters")


def _s3_prefixes(loaded: Loaded, index: CatalogIndex, namer: Namer, ws: Workspace) -> Iterator[Problem]:
    """An S3 sink connector's folder must not overlap another writer's in the domain bucket."""
    claims: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for entry in index.all("sinks"):
        if getattr(entry.spec, "kind", None) == "s3":
            for value in decisions.s3_prefixes(entry.spec):
                claims[entry.domain.spec.domain].append((f"sink '{entry.spec.name}'", firehose_prefix.static_part(value)))
    for entry in index.all("connectors"):
        if entry.spec.kind != "s3-sink":
            continue
        domain = entry.domain.spec.domain
        mine = msk_decisions.s3_prefix(entry.spec) + "/"
        for owner, other in claims[domain]:
            if mine.startswith(other) or other.startswith(mine):
                yield _problem(
                    entry.domain.doc,
                    entry.loc + (("topics_dir",) if entry.spec.topics_dir else ("name",)),
                    f"S3 folder '{mine}' overlaps {owner} ('{other}') in the domain bucket; give each writer its own folder",
                )
        claims[domain].append((f"connector '{entry.spec.name}'", mine))


RULES = (
    _topic_configs,
    _replication,
    _collisions,
    _topic_policy_names,
    _connect_environment,
    _connector_topics,
    _connector_writes_own_topics,
    _connector_targets,
    _connector_config,
    _connector_tasks,
    _connector_names,
    _s3_prefixes,
)
