"""Redshift streaming-ingestion sinks.

Each sink adds to two components:
- the target's access (shared root): one role per domain that Redshift assumes
  to read the domain's streams and topics, and for provisioned clusters the
  cluster's role association;
- the domain's SQL for the target (domain root): schemas, the view helper
  procedure, external schemas and one materialized view per sink.
"""

from __future__ import annotations

from typing import Any

from .. import redshift_sql as rs
from .. import streaming_decisions as sd
from ..index import Entry
from ..model import (
    KafkaTopic,
    Origin,
    RedshiftAccess,
    RedshiftRole,
    RedshiftStatement,
    RedshiftStreamingSql,
    RedshiftView,
    Stream,
)
from ..naming import tf_id
from .context import SHARED_ROOT, Context, domain_root

SQL_DIR = "redshift"


def _access(ctx: Context, kind: str, key: str) -> RedshiftAccess:
    if (kind, key) not in ctx.redshift_access:
        target = (ctx.env.redshift.workgroups if kind == "workgroup" else ctx.env.redshift.clusters)[key]
        access = RedshiftAccess(
            domain="",
            name=f"{kind}-{key}",
            tf_id=tf_id("redshift", kind, key),
            root=SHARED_ROOT,
            origin=_env_origin(ctx, kind, key),
            tags={"Purpose": "redshift-streaming-ingestion"},
            target_type=kind,
            target_key=key,
            cluster_identifier=getattr(target, "cluster_identifier", None),
            namespace=getattr(target, "namespace", None),
            roles={},
            keep_role_arns=sorted(set(target.iam_role_arns)) if kind == "cluster" else [],
        )
        ctx.redshift_access[(kind, key)] = access
        ctx.add(access, "redshift_access")
    return ctx.redshift_access[(kind, key)]


def _env_origin(ctx: Context, kind: str, key: str) -> Origin:
    doc = ctx.loaded.env_doc
    return Origin(doc.display, doc.line(("redshift", f"{kind}s", key)))


def _role(ctx: Context, access: RedshiftAccess, entry: Entry[Any]) -> RedshiftRole:
    domain = entry.domain.spec.domain
    shared = ctx.root(SHARED_ROOT)
    shared.sources[:] = sorted({*shared.sources, entry.domain.doc.display})  # the roles come from this file
    if domain not in access.roles:
        name = sd.redshift_role_name(ctx.namer, domain, access.target_type, access.target_key)
        access.roles[domain] = RedshiftRole(domain, name, ctx.namer.role_arn(name), [], [])
    return access.roles[domain]


def _sql(ctx: Context, entry: Entry[Any], kind: str, key: str, role: RedshiftRole) -> RedshiftStreamingSql:
    domain = entry.domain.spec.domain
    if (domain, kind, key) not in ctx.redshift_sql:
        target = (ctx.env.redshift.workgroups if kind == "workgroup" else ctx.env.redshift.clusters)[key]
        admin = sd.redshift_admin_schema(domain)
        folder = f"{SQL_DIR}/{kind}-{key}"
        component = RedshiftStreamingSql(
            domain=domain,
            name=f"{kind}-{key}",
            tf_id=tf_id("redshift", kind, key),
            root=domain_root(domain),
            origin=ctx.origin(entry),
            tags=ctx.tags(entry),
            target_type=kind,
            target_key=key,
            workgroup_name=getattr(target, "workgroup", None),
            cluster_identifier=getattr(target, "cluster_identifier", None),
            database=target.database,
            secret_arn=target.admin_secret_arn,
            db_user=getattr(target, "db_user", None),
            role_arn=role.arn,
            schemas={},
            procedure=RedshiftStatement("procedure", rs.ensure_view_procedure(admin), f"{folder}/procedure.sql"),
            external_schemas={},
            views={},
        )
        _add_schema(component, admin, folder)
        ctx.redshift_sql[(domain, kind, key)] = component
        ctx.add(component, "redshift_sql")
    return ctx.redshift_sql[(domain, kind, key)]


def _add_schema(component: RedshiftStreamingSql, schema: str, folder: str) -> None:
    if schema not in component.schemas:
        component.schemas[schema] = RedshiftStatement(schema, rs.local_schema(schema), f"{folder}/schema-{schema}.sql")


def redshift_sink(ctx: Context, entry: Entry[Any]) -> None:
    sink, domain = entry.spec, entry.domain.spec.domain
    kind, key = sink.target
    source = ctx.topic_of(entry)
    access = _access(ctx, kind, key)
    role = _role(ctx, access, entry)

    if isinstance(source, KafkaTopic):
        platform, source_name = "msk", source.kafka_name
        cluster = source.cluster
        grant = (cluster.arn, source.arn, cluster.group_arn("*"))
        if grant not in role.msk_topics:
            role.msk_topics.append(grant)
        external = sd.redshift_external_schema(domain, platform, cluster.key)
        external_sql = rs.external_schema_msk(external, role.arn, cluster.arn)
    else:
        assert isinstance(source, Stream)
        platform, source_name = "kinesis", source.full_name
        grant_stream = (source.arn, source.kms_key_arn)
        if grant_stream not in role.kinesis_streams:
            role.kinesis_streams.append(grant_stream)
        external = sd.redshift_external_schema(domain, platform, None)
        external_sql = rs.external_schema_kinesis(external, role.arn)

    # Views wait until Redshift can assume the role (workgroups: see checks).
    if not sd.redshift_role_associated(ctx.env, sink, role.arn):
        return

    component = _sql(ctx, entry, kind, key, role)
    folder = f"{SQL_DIR}/{kind}-{key}"
    if external not in component.external_schemas:
        component.external_schemas[external] = RedshiftStatement(external, external_sql, f"{folder}/external-{external}.sql")
    schema, view = sd.redshift_schema(sink, domain), sd.redshift_view(sink)
    _add_schema(component, schema, folder)
    ddl = rs.view_definition(schema, view, platform, external, source_name, view_columns(ctx, entry), sink.auto_refresh)
    statement = rs.call_ensure_view(sd.redshift_admin_schema(domain), schema, view, ddl, sink.allow_destroy)
    component.views[f"{schema}.{view}"] = RedshiftView(
        sink=sink.name,
        schema=schema,
        view=view,
        ddl=ddl,
        statement=statement,
        source_name=source_name,
        file=f"{folder}/view-{schema}.{view}.sql",
    )


def view_columns(ctx: Context, entry: Entry[Any]) -> list[rs.ViewColumn]:
    """The declared columns a view extracts (all, or the sink's selection, in its order)."""
    topic = ctx.index.get("topics", entry.domain.spec.domain, entry.spec.topic)
    assert topic is not None
    declared = list(topic.spec.schema_.columns) if topic.spec.schema_ else []
    by_name = {c.name: c for c in declared}
    chosen = [by_name[n] for n in entry.spec.columns] if entry.spec.columns is not None else declared
    return [rs.ViewColumn(c.name, sd.parsed_type(c.type), sd.column_path(c)) for c in chosen]
