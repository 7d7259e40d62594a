"""Resolve: validated specs + environment -> the resolved model.

Applies the environment overlay, decides sizes and defaults, computes final
names and ARNs, and places every component in a root (stack). It assumes the
input passed :mod:`streamgen.checks` and never reports problems itself.

Roots: ``shared`` holds per-environment infrastructure (the S3 access-log
bucket); ``domains/<domain>`` holds one domain's streams, buckets, functions
and sinks, so a change to one domain plans only that domain.

Each sink kind ("<kind>/<via>", see :data:`streamgen.spec.sinks.SINK_KINDS`)
has a resolver in :data:`SINK_RESOLVERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..index import Entry
from ..lambda_build import Package
from ..load import Loaded
from ..model import Backend, Resolved, Root, Stream
from ..spec.sinks import sink_tag
from . import core, ephemeral, firehose, logging, msk, osis
from . import glue as glue_resolver
from . import redshift as redshift_resolver
from .context import SHARED_ROOT, Context, domain_root

SinkResolver = Callable[[Context, Entry[Any]], None]

SINK_RESOLVERS: dict[str, SinkResolver] = {
    "s3/firehose": firehose.delivery_stream,
    "opensearch/ingestion": osis.ingestion_sink,
}
SINK_RESOLVERS["opensearch/firehose"] = firehose.delivery_stream
SINK_RESOLVERS["redshift/firehose"] = firehose.delivery_stream
SINK_RESOLVERS["http/firehose"] = firehose.delivery_stream
SINK_RESOLVERS["glue/streaming"] = glue_resolver.glue_sink
SINK_RESOLVERS["redshift/streaming"] = redshift_resolver.redshift_sink


def resolve(loaded: Loaded, packages: dict[str, Package]) -> Resolved:
    ctx = Context(loaded, packages)
    env = loaded.env
    ctx.roots[SHARED_ROOT] = Root(SHARED_ROOT, "Environment-wide infrastructure used by every domain.", [loaded.env_doc.display])
    for domain in sorted(ctx.index.domains):
        doc = ctx.index.domains[domain].doc
        ctx.roots[domain_root(domain)] = Root(
            domain_root(domain),
            f"Streaming resources of the {domain} domain.",
            sorted({doc.display, loaded.env_doc.display}),
        )
    ctx.add(core.access_log_bucket(ctx), "buckets")
    core.msk_clusters(ctx)

    kafka_topics = []
    for entry in ctx.index.all("topics"):
        if entry.spec.platform == "msk":
            topic = core.kafka_topic(ctx, entry)
            kafka_topics.append(topic)
        else:
            topic = core.stream(ctx, entry)
            ctx.add(topic, "streams")
        ctx.topics[(topic.domain, topic.name)] = topic
    for entry in ctx.index.all("transforms"):
        function = core.function(ctx, entry)
        ctx.functions[(function.domain, function.name)] = function
        ctx.add(function, "functions")
    for entry in ctx.index.all("sinks"):
        SINK_RESOLVERS[sink_tag(entry.spec)](ctx, entry)
    logging.central_logging(ctx)
    msk.resolve_msk(ctx, kafka_topics)

    entry_allows_destroy = {
        str(ctx.origin(entry)): bool(getattr(entry.spec, "allow_destroy", False))
        for kind in ("topics", "sinks")
        for entry in ctx.index.all(kind)
    }
    # A domain with nothing deployable here (only log sources, say) gets no root.
    roots = [ctx.roots[k] for k in sorted(ctx.roots) if k == SHARED_ROOT or ctx.roots[k].components or ctx.roots[k].kafka_topics]
    if env.allow_destroy:
        roots = [ephemeral.unprotect(root) for root in roots]
    return Resolved(
        env=env.name,
        account_id=env.account_id,
        region=env.region,
        partition=ctx.namer.partition,
        name_prefix=env.name_prefix,
        tags=dict(sorted(env.tags.items())),
        assume_role_arn=env.assume_role_arn,
        backend=Backend(
            bucket=env.state.bucket,
            region=env.state.region or env.region,
            key_prefix=env.state.key_prefix,
            kms_key_arn=env.state.kms_key_arn,
            use_lockfile=env.state.use_lockfile,
            dynamodb_table=env.state.dynamodb_table,
        ),
        terraform_required_version=env.terraform.required_version,
        aws_provider_version=env.terraform.aws_provider_version,
        roots=roots,
        msk_clusters=dict(ctx.msk_clusters),
        kafka_topics=kafka_topics,
        entry_allows_destroy=entry_allows_destroy,
        kafka_provider_version=env.terraform.kafka_provider_version,
    )


def lambda_sources(loaded: Loaded) -> set[str]:
    """The lambda_src folders the catalog uses (to build before resolving)."""
    return {t.source for d in loaded.domains for t in d.spec.transforms} | logging.lambda_sources(loaded)


__all__ = ["SINK_RESOLVERS", "Context", "Stream", "lambda_sources", "resolve"]
