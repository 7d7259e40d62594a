"""Rendering for Glue streaming and Redshift streaming sinks: the files a root
needs besides its .tf files, and values the templates hand to modules."""

from __future__ import annotations

from typing import Any

from . import glue_script, redshift_sql
from .model import RedshiftAccess, Root


def glue_scripts(root: Root) -> dict[str, str]:
    return {job.script_file: glue_script.render(job.script) for job in root.glue_jobs}


def redshift_statements(root: Root) -> dict[str, str]:
    files: dict[str, str] = {}
    for component in root.redshift_sql:
        sources = component_sources(root)
        target = f"{component.target_type} {component.target_key}"
        for schema in component.schemas.values():
            files[schema.file] = redshift_sql.with_header(schema.sql, sources, f"Schema {schema.key} in {target}.")
        files[component.procedure.file] = redshift_sql.with_header(
            component.procedure.sql,
            sources,
            "Creates a materialized view when it is absent; does nothing when it exists with the same\n"
            "definition (a re-run); rebuilds it on a new definition only when the sink allows it.",
        )
        for external in component.external_schemas.values():
            files[external.file] = redshift_sql.with_header(
                external.sql, sources, f"Streams read by {component.domain} sinks in {target}."
            )
        for view in component.views.values():
            files[view.file] = redshift_sql.with_header(
                view.statement, sources, f"Sink {component.domain}/{view.sink}: {view.source_name} -> {view.schema}.{view.view}."
            )
    return files


def component_sources(root: Root) -> list[str]:
    return list(root.sources)


def redshift_roles(access: RedshiftAccess) -> dict[str, Any]:
    roles: dict[str, Any] = {}
    for domain, role in sorted(access.roles.items()):
        entry: dict[str, Any] = {"role_name": role.role_name}
        if role.kinesis_streams:
            entry["kinesis_streams"] = [{"arn": a, "kms_key_arn": k} for a, k in sorted(role.kinesis_streams)]
        if role.msk_topics:
            entry["msk_topics"] = [
                {"cluster_arn": c, "topic_arn": t, "group_arn": g} for c, t, g in sorted(role.msk_topics)
            ]
        roles[domain] = entry
    return roles
