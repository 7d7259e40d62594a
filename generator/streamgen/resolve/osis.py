"""OpenSearch Ingestion sinks, and the MSK cluster policies their Kafka sources need.

An MSK cluster has exactly one resource policy (``aws_msk_cluster_policy``),
so no pipeline can own it: each pipeline that reads a cluster adds its grant
to the cluster's policy in the shared root, where the statements of every
consumer (OpenSearch Ingestion today; Firehose or others may add theirs) are
merged into one document. Grants with the same service and actions collapse
into one statement that names every pipeline needing it.
"""

from __future__ import annotations

from typing import Any

from .. import osis_plan
from ..index import Entry
from ..model import IngestionPipeline, MskCluster, MskClusterPolicy, Origin
from ..naming import tf_id
from . import core
from .context import SHARED_ROOT, Context, domain_root

# What OpenSearch Ingestion needs on the cluster to build its PrivateLink
# (multi-VPC) connection; granted to the service principal in the cluster policy.
OSIS_CLUSTER_GRANT = (
    "OpenSearchIngestionVpcConnection",
    "osis-pipelines.amazonaws.com",
    ("kafka:CreateVpcConnection", "kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"),
)


def cluster_policy(ctx: Context, cluster: MskCluster) -> MskClusterPolicy:
    """The cluster's policy in the shared root, created on first use."""
    if cluster.key not in ctx.msk_cluster_policies:
        doc = ctx.loaded.env_doc
        policy = MskClusterPolicy(
            domain="",
            name=cluster.key,
            tf_id=tf_id("msk_cluster_policy", cluster.key),
            root=SHARED_ROOT,
            origin=Origin(doc.display, doc.line(("msk_clusters", cluster.key))),
            tags={},
            cluster=cluster,
            grants={},
        )
        ctx.msk_cluster_policies[cluster.key] = policy
        ctx.add(policy, "msk_cluster_policies")
    return ctx.msk_cluster_policies[cluster.key]


def ingestion_sink(ctx: Context, entry: Entry[Any]) -> None:
    sink, domain = entry.spec, entry.domain.spec.domain
    d = osis_plan.draft(ctx.env, ctx.namer, ctx.index, entry)
    kafka = d.source == "kafka"
    if kafka:
        assert d.cluster is not None
        cluster = ctx.msk_clusters[d.cluster.key]
        cluster_policy(ctx, cluster).grant(*OSIS_CLUSTER_GRANT, consumer=entry.qualified)
        summary = f"Kafka {', '.join(t.final_name for t in d.topics)} on MSK {cluster.cluster_name}"
    else:
        summary = f"Kinesis {', '.join(t.final_name for t in d.topics)}"
    network = ctx.env.network
    ctx.add(
        IngestionPipeline(
            domain=domain,
            name=sink.name,
            tf_id=tf_id("ingestion", sink.name),
            root=domain_root(domain),
            origin=ctx.origin(entry),
            tags=ctx.tags(entry),
            full_name=d.name,
            arn=d.arn,
            role_name=d.role_name,
            role_arn=d.role_arn,
            source=d.source,
            source_summary=summary,
            cluster_arn=d.cluster.arn if kafka and d.cluster else None,
            topic_arns=[t.arn for t in d.topics],
            group_arns=[d.group_arn] if d.group_arn else [],
            glue_registry_arns=sorted({g.registry_arn for g in d.glue_schemas}),
            glue_schema_arns=[g.schema_arn for g in d.glue_schemas],
            stream_kms_key_arns=sorted({t.kms_key_arn for t in d.topics if t.kms_key_arn}),
            enhanced_fan_out=d.consumer_strategy == "fan-out",
            target_kind=d.target.kind,
            target_arn=d.target.arn,
            collection_name=d.target.collection_name,
            network_policy_name=d.target.network_policy_name,
            index_patterns=list(d.index_patterns),
            bucket=core.data_bucket(ctx, entry),
            dlq_prefix=d.dlq_prefix,
            min_units=d.min_units,
            max_units=d.max_units,
            sizing_note=d.sizing_note,
            body=d.body,
            kms_key_arn=ctx.data_key,
            logs_kms_key_arn=ctx.logs_key,
            log_retention_days=ctx.env.logging.retention_days,
            subnet_ids=list(network.subnet_ids),
            security_group_ids=list(network.security_group_ids),
            persistent_buffer=sink.persistent_buffer,
        ),
        "ingestion_pipelines",
    )
