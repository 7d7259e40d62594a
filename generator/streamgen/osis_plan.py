"""Every decision for one OpenSearch Ingestion sink, from specs alone.

Checks and the resolver both call :func:`draft`, so the pipeline body that is
validated is byte for byte the one that is generated. The caller makes sure
the references resolve first (:mod:`streamgen.osis_checks`).

Sizing: one OCU runs one consumer per topic, and Kafka gives each partition
to at most one consumer of a group, so OCUs beyond the partition count of the
busiest topic sit idle; the default maximum is that count, capped at 96. A
Kinesis stream's shard count plays the partition role; on-demand streams have
no fixed count, and we size them for the capacity they start with (4 shards,
4 MB/s in) -- raise units.max when the stream grows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import decisions, limits, osis_body, osis_index
from .index import CatalogIndex, Entry
from .model import MskCluster
from .naming import Namer
from .spec.env import Environment
from .spec.schema import SchemaRegistryRef


@dataclass(frozen=True)
class SourceTopic:
    """A topic as the pipeline reads it."""

    domain: str
    name: str  # catalog name
    platform: str  # msk | kinesis
    final_name: str  # Kafka topic '<domain>.<name>' or Kinesis stream name
    arn: str
    partitions: int  # partitions, or shards
    partitions_note: str
    kms_key_arn: str | None  # Kinesis: the stream's key
    registry: SchemaRegistryRef | None
    columns: tuple[str, ...]  # JSON paths of declared columns

    @property
    def qualified(self) -> str:
        return f"{self.domain}/{self.name}"


@dataclass(frozen=True)
class Target:
    kind: str  # domain | collection
    key: str  # name in env.yaml
    arn: str
    endpoint: str
    collection_name: str | None
    network_policy_name: str | None

    @property
    def serverless(self) -> bool:
        return self.kind == "collection"


@dataclass(frozen=True)
class GlueSchema:
    registry_arn: str
    schema_arn: str


@dataclass(frozen=True)
class Draft:
    domain: str
    sink: str
    name: str  # pipeline name
    arn: str
    role_name: str
    role_arn: str
    source: str  # kafka | kinesis
    topics: tuple[SourceTopic, ...]
    cluster: MskCluster | None
    group_id: str | None
    group_arn: str | None
    glue_schemas: tuple[GlueSchema, ...]
    consumer_strategy: str | None  # kinesis: fan-out | polling
    target: Target
    index: str  # Data Prepper index format
    index_patterns: tuple[str, ...]  # what the pipeline writes, for IAM / data access policy
    dlq_bucket: str
    dlq_prefix: str  # static part, IAM scope
    min_units: int
    max_units: int
    sizing_note: str
    body: str  # the Data Prepper YAML


def msk_cluster(env: Environment, key: str) -> MskCluster:
    """The env.yaml cluster as the resolver builds it (see resolve.core.msk_clusters)."""
    spec = env.msk_clusters[key]
    name, uuid = spec.arn.split(":cluster/")[1].split("/", 1)
    return MskCluster(
        key=key,
        arn=spec.arn,
        cluster_name=name,
        cluster_uuid=uuid,
        type=spec.type,
        bootstrap_brokers=list(spec.bootstrap_brokers_iam),
        broker_count=spec.broker_count,
        subnet_ids=list(spec.subnet_ids or env.network.subnet_ids),
        security_group_ids=list(spec.security_group_ids or env.network.security_group_ids),
    )


def source_topic(env: Environment, namer: Namer, topic: Entry[Any]) -> SourceTopic:
    spec, domain = topic.spec, topic.domain.spec.domain
    schema = spec.schema_
    columns = tuple(c.path or c.name for c in schema.columns) if schema else ()
    registry = schema.registry if schema else None
    if spec.platform == "msk":
        cluster = msk_cluster(env, spec.cluster)
        kafka_name = namer.kafka_topic(domain, spec.name)
        return SourceTopic(
            domain, spec.name, "msk", kafka_name, cluster.topic_arn(kafka_name), spec.partitions,
            f"{spec.partitions} partitions", None, registry, columns,
        )
    sizing = decisions.kinesis_shards(spec, env, topic.qualified)
    stream = namer.stream(domain, spec.name)
    if sizing.shards is None:
        shards, note = limits.KINESIS_ON_DEMAND_INITIAL_SHARDS, "on-demand, sized for its initial 4 shards"
    else:
        shards, note = sizing.shards, f"{sizing.shards} shards"
    return SourceTopic(
        domain, spec.name, "kinesis", stream, namer.stream_arn(stream), shards, note, env.kms.data, registry, columns
    )


def target(env: Environment, sink: Any) -> Target:
    if sink.domain is not None:
        domain = env.opensearch.domains[sink.domain]
        return Target("domain", sink.domain, domain.arn, domain.endpoint.rstrip("/"), None, None)
    collection = env.opensearch.collections[sink.collection]
    return Target(
        "collection", sink.collection, collection.arn, collection.endpoint.rstrip("/"),
        collection.name, collection.network_policy_name,
    )


@dataclass(frozen=True)
class Units:
    min: int
    max: int
    note: str
    problem: tuple[str, str] | None  # (field, message) when min and max cannot both hold


def units(sink: Any, env: Environment, qualified: str, topics: list[SourceTopic]) -> Units:
    """min/max OCUs. Precedence: env.yaml overrides > catalog > env.yaml defaults > partitions."""
    override = env.overrides.sinks.get(qualified)
    layers = [("env.yaml overrides", override.units if override else None), ("catalog", sink.units)]
    chosen_max = next(((u.max, where) for where, u in layers if u is not None and u.max is not None), None)
    chosen_min = next(((u.min, where) for where, u in layers if u is not None and u.min is not None), None)
    min_units, min_where = chosen_min or (env.defaults.ingestion.min_units, "env.yaml defaults.ingestion")
    busiest = max(topics, key=lambda t: (t.partitions, t.final_name))
    if chosen_max is not None:
        max_units, max_where = chosen_max
        max_note = f"max {max_units} from the {max_where}"
    else:
        max_units, max_where = min(limits.OSIS_UNITS[1], busiest.partitions), "partitions"
        capped = ", capped at 96" if busiest.partitions > limits.OSIS_UNITS[1] else ""
        max_note = f"max {max_units} for {busiest.final_name} ({busiest.partitions_note}{capped})"
    problem = None
    if min_units > max_units:
        if chosen_max is not None:
            problem = ("units", f"min {min_units} (from the {min_where}) is above max {max_units} (from the {max_where})")
        else:
            # the partition-derived maximum yields to an explicit minimum
            max_units, max_note = min_units, f"max raised to the minimum ({max_note})"
    return Units(min_units, max_units, f"min {min_units} from the {min_where}; {max_note}", problem)


def draft(env: Environment, namer: Namer, index: CatalogIndex, entry: Entry[Any]) -> Draft:
    """Assumes the references were checked (topics exist, one platform and cluster, target exists)."""
    sink, domain = entry.spec, entry.domain.spec.domain
    topics = []
    for ref in sink.topic_refs:
        topic = index.get("topics", domain, ref)
        assert topic is not None, ref
        topics.append(source_topic(env, namer, topic))
    source = "kafka" if topics[0].platform == "msk" else "kinesis"
    name = namer.pipeline(domain, sink.name)
    role_name = namer.role(domain, sink.name, "osis")
    cluster = group_id = group_arn = None
    glue: list[GlueSchema] = []
    if source == "kafka":
        first = index.get("topics", domain, sink.topic_refs[0])
        assert first is not None
        cluster = msk_cluster(env, first.spec.cluster)
        group_id = (sink.consumer.group_id if sink.consumer else None) or name
        group_arn = cluster.group_arn(group_id)
        for t in topics:
            if t.registry is not None:
                glue.append(GlueSchema(
                    namer.arn("glue", f"registry/{t.registry.registry}"),
                    namer.arn("glue", f"schema/{t.registry.registry}/{t.registry.schema_name}"),
                ))
    parts, _ = osis_index.parse(sink.index)
    sized = units(sink, env, entry.qualified, topics)
    dlq_prefix = f"{sink.name}/dlq/"
    d = Draft(
        domain=domain,
        sink=sink.name,
        name=name,
        arn=namer.pipeline_arn(name),
        role_name=role_name,
        role_arn=namer.role_arn(role_name),
        source=source,
        topics=tuple(topics),
        cluster=cluster,
        group_id=group_id,
        group_arn=group_arn,
        glue_schemas=tuple(sorted(set(glue), key=lambda g: g.schema_arn)),
        consumer_strategy=(sink.kinesis.consumer_strategy if sink.kinesis else "fan-out") if source == "kinesis" else None,
        target=target(env, sink),
        index=osis_index.data_prepper(parts, source),
        index_patterns=tuple(osis_index.patterns(parts, [t.final_name for t in topics])),
        dlq_bucket=namer.bucket(domain),
        dlq_prefix=dlq_prefix,
        min_units=sized.min,
        max_units=sized.max,
        sizing_note=sized.note,
        body="",
    )
    body = osis_body.dump(osis_body.build(d, sink, env.region))
    return Draft(**{**d.__dict__, "body": body})
