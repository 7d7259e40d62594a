"""MSK: Kafka roots for topics, client policies, MSK Connect plugins and connectors.

- Topics go to ``kafka/<domain>``, a root of their own that only the
  ``Mongey/kafka`` provider (IAM auth over TLS) manages.
- Each MSK topic gets a produce and a consume managed policy in the domain's
  AWS root; each domain gets a consumer-group policy per cluster (groups named
  ``<domain>.*``). Teams attach them to their roles.
- Connectors (and the custom plugins they use, one per domain and plugin) go
  to the domain's AWS root.
"""

from __future__ import annotations

from typing import Any

from .. import connect_kinds, msk_decisions
from ..index import Entry
from ..model import (
    ConnectPlugin,
    ConnectSecretUse,
    Connector,
    KafkaAccessPolicy,
    KafkaTopic,
    MskCluster,
    Origin,
    Root,
)
from ..naming import tf_id
from . import core
from .context import Context, domain_root


def kafka_root(domain: str) -> str:
    return f"kafka/{domain}"


def resolve_msk(ctx: Context, kafka_topics: list[KafkaTopic]) -> None:
    for topic in sorted(kafka_topics, key=lambda t: (t.domain, t.name)):
        _place_topic(ctx, topic)
        _topic_policies(ctx, topic)
    _group_policies(ctx, kafka_topics)
    for entry in ctx.index.all("connectors"):
        connector(ctx, entry)
    for root in ctx.roots.values():
        root.connect_plugins.sort(key=lambda p: p.key)


def _place_topic(ctx: Context, topic: KafkaTopic) -> None:
    path = kafka_root(topic.domain)
    if path not in ctx.roots:
        doc = ctx.index.domains[topic.domain].doc
        ctx.roots[path] = Root(
            path,
            f"Kafka topics of the {topic.domain} domain on MSK (Mongey/kafka provider, IAM auth).",
            sorted({doc.display, ctx.loaded.env_doc.display}),
            kind="kafka",
        )
    root = ctx.roots[path]
    assert topic.root == path
    root.kafka_topics.append(topic)
    if topic.cluster.key not in {c.key for c in root.kafka_clusters}:
        root.kafka_clusters.append(topic.cluster)
        root.kafka_clusters.sort(key=lambda c: c.key)


def _topic_policies(ctx: Context, topic: KafkaTopic) -> None:
    for purpose in ("produce", "consume"):
        name = ctx.namer.name(topic.domain, topic.name, f"kafka-{purpose}")
        verb = "write to" if purpose == "produce" else "read"
        ctx.add(
            KafkaAccessPolicy(
                domain=topic.domain,
                name=topic.name,
                tf_id=tf_id(f"kafka_{purpose}", topic.name),
                root=domain_root(topic.domain),
                origin=topic.origin,
                tags=topic.tags,
                policy_name=name,
                description=f"IAM access to {verb} Kafka topic {topic.kafka_name} on MSK cluster {topic.cluster.cluster_name}",
                cluster=topic.cluster,
                read_topics=[topic.kafka_name] if purpose == "consume" else [],
                write_topics=[topic.kafka_name] if purpose == "produce" else [],
                groups=[],
                purpose=purpose,
            ),
            "kafka_access_policies",
        )


def _group_policies(ctx: Context, kafka_topics: list[KafkaTopic]) -> None:
    """Consumers join groups named '<their domain>.*' (one policy per domain and cluster).

    Every domain with streaming resources in the environment's account gets one,
    not only those owning MSK topics: consumers usually live in other domains.
    """
    clusters: dict[str, MskCluster] = {t.cluster.key: t.cluster for t in kafka_topics}
    for domain in sorted(ctx.index.domains):
        doc = ctx.index.domains[domain].doc
        spec = ctx.index.domains[domain].spec
        if not (spec.topics or spec.sinks or spec.transforms or spec.connectors):
            continue  # nothing of this domain runs in the environment's account (log sources only)
        for key in sorted(clusters):
            cluster = clusters[key]
            ctx.add(
                KafkaAccessPolicy(
                    domain=domain,
                    name=key,
                    tf_id=tf_id("kafka_groups", key),
                    root=domain_root(domain),
                    origin=Origin(doc.display, doc.line(("domain",))),
                    tags={"Domain": domain, "Owner": spec.owner, **spec.tags},
                    policy_name=ctx.namer.name(domain, "kafka-groups", key),
                    description=f"Kafka consumer groups '{domain}.*' on MSK cluster {cluster.cluster_name}",
                    cluster=cluster,
                    read_topics=[],
                    write_topics=[],
                    groups=[f"{domain}.*"],
                    purpose="groups",
                ),
                "kafka_access_policies",
            )


def _plugin(ctx: Context, entry: Entry[Any], key: str) -> ConnectPlugin:
    domain = entry.domain.spec.domain
    root = ctx.roots[domain_root(domain)]
    for existing in root.connect_plugins:
        if existing.key == key:
            return existing
    spec = ctx.env.msk_connect.plugins[key]
    plugin = ConnectPlugin(
        domain=domain,
        name=key,
        tf_id=tf_id("connect_plugin", key),
        root=domain_root(domain),
        origin=Origin(ctx.loaded.env_doc.display, ctx.loaded.env_doc.line(("msk_connect", "plugins", key))),
        tags=ctx.tags(entry),
        key=key,
        plugin_name=ctx.namer.name(domain, key),
        description=spec.description or f"{', '.join(spec.kinds) or 'custom'} plugin from env.yaml msk_connect.plugins.{key}",
        content_type=spec.content_type,
        bucket_arn=spec.location.bucket_arn,
        file_key=spec.location.file_key,
        object_version=spec.location.object_version,
    )
    ctx.add(plugin, "connect_plugins")
    return plugin


def _topic(ctx: Context, entry: Entry[Any], ref: str) -> KafkaTopic:
    found = ctx.index.get("topics", entry.domain.spec.domain, ref)
    assert found is not None
    topic = ctx.topics[(found.domain.spec.domain, found.spec.name)]
    assert isinstance(topic, KafkaTopic)
    return topic


def connector(ctx: Context, entry: Entry[Any]) -> None:
    spec, domain = entry.spec, entry.domain.spec.domain
    env = ctx.env
    inputs = msk_decisions.connector_inputs(env, ctx.namer, ctx.index, entry)
    kind = connect_kinds.KINDS[spec.kind]
    key, _ = msk_decisions.plugin_choice(spec, env)
    assert key is not None
    plugin = _plugin(ctx, entry, key)
    reads = [_topic(ctx, entry, ref) for ref in msk_decisions.read_refs(spec)]
    writes = [_topic(ctx, entry, ref) for ref in msk_decisions.write_refs(spec).values()]
    dlq = getattr(spec, "dead_letter_topic", None)
    if dlq:
        writes.append(_topic(ctx, entry, dlq))
    cluster = (reads or writes)[0].cluster
    direction = connect_kinds.direction(spec)
    configuration = connect_kinds.configuration(inputs)

    secret_keys = set(msk_decisions.secret_keys(spec))
    referenced = {name for value in configuration.values() for name, _ in connect_kinds.secret_references(value)}
    for secret_key, secret in env.msk_connect.secrets.items():
        if secret.name in referenced:
            secret_keys.add(secret_key)
    secrets = [
        ConnectSecretUse(k, env.msk_connect.secrets[k].name, env.msk_connect.secrets[k].arn, env.msk_connect.secrets[k].kms_key_arn)
        for k in sorted(secret_keys)
    ]

    bucket = core.data_bucket(ctx, entry) if spec.kind == "s3-sink" else None
    glue_registry = None
    if getattr(spec, "value_converter", None) == "avro-glue":
        glue_registry = ctx.namer.arn("glue", f"registry/{spec.schema_registry}")
    full_name = inputs.full_name
    ctx.add(
        Connector(
            domain=domain,
            name=spec.name,
            tf_id=tf_id("connector", spec.name),
            root=domain_root(domain),
            origin=ctx.origin(entry),
            tags=ctx.tags(entry),
            full_name=full_name,
            kind=spec.kind,
            direction=direction,
            role_name=ctx.namer.role(domain, spec.name, "connect"),
            plugin=plugin,
            cluster=cluster,
            kafkaconnect_version=env.msk_connect.kafka_connect_version,
            capacity=msk_decisions.capacity(spec),
            tasks_max=inputs.tasks_max,
            configuration=configuration,
            worker_properties=connect_kinds.worker_properties(spec),
            read_topics=_unique(reads),
            write_topics=_unique(writes),
            internal_topics=kind.internal_topics(inputs),
            consumer_groups=kind.consumer_groups(inputs),
            # sources keep their offsets in a topic named after the connector, so a
            # replacement (any configuration change) resumes instead of re-snapshotting
            offset_storage_topic=f"__amazon_msk_connect_offsets_{full_name}" if direction == "source" else None,
            s3_bucket=bucket,
            s3_prefix=inputs.s3_prefix,
            s3_kms_key_arn=inputs.bucket_kms_key_arn,
            event_bus_arn=inputs.event_bus_arn,
            glue_registry_arn=glue_registry,
            secrets=secrets,
            logs_kms_key_arn=ctx.logs_key,
            log_retention_days=env.msk_connect.log_retention_days or env.logging.retention_days,
            summary=_summary(spec.kind, reads, writes, inputs, bucket),
        ),
        "connectors",
    )


def _unique(topics: list[KafkaTopic]) -> list[KafkaTopic]:
    seen: dict[str, KafkaTopic] = {}
    for t in topics:
        seen.setdefault(t.kafka_name, t)
    return list(seen.values())


def _summary(kind: str, reads: list[KafkaTopic], writes: list[KafkaTopic], inputs: connect_kinds.Inputs, bucket: Any) -> str:
    if reads:
        target = {
            "s3-sink": f"s3://{bucket.bucket}/{inputs.s3_prefix}/" if bucket else "S3",
            "opensearch-sink": inputs.opensearch_endpoint or "OpenSearch",
            "eventbridge-sink": inputs.event_bus_arn or "EventBridge",
        }.get(kind, "custom sink")
        return f"{kind}: {', '.join(t.kafka_name for t in reads)} -> {target}"
    return f"{kind}: -> {', '.join(t.kafka_name for t in writes)}"
