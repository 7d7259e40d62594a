"""Render: resolved model -> generated Terraform files (path -> text).

Pure: no I/O besides reading templates. Jinja runs with StrictUndefined, so a
template that names a missing value fails loudly instead of writing "".
Ordering comes from the resolved model (sorted), so output is deterministic.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from collections.abc import Callable
from typing import Any

import jinja2

from . import changesafety, hcl, streaming_render
from .model import Component, Resolved, Root
from .workspace import Workspace

# file name -> template; a file is written only when its template has content
ROOT_FILES = (
    ("terraform.tf", "root/terraform.tf.j2", lambda root: root.kind == "aws"),
    ("providers.tf", "root/providers.tf.j2", lambda root: root.kind == "aws"),
    ("storage.tf", "root/storage.tf.j2", lambda root: bool(root.buckets)),
    ("topics.tf", "root/topics.tf.j2", lambda root: bool(root.streams)),
    ("transforms.tf", "root/transforms.tf.j2", lambda root: bool(root.functions)),
    ("sinks.tf", "root/sinks.tf.j2", lambda root: bool(root.firehoses)),
    ("catalog.tf", "root/catalog.tf.j2", lambda root: bool(root.glue_databases or root.glue_tables)),
    ("ingestion.tf", "root/ingestion.tf.j2", lambda root: bool(root.ingestion_pipelines)),
    ("msk.tf", "root/msk.tf.j2", lambda root: bool(root.msk_cluster_policies)),
    ("logging.tf", "root/logging.tf.j2", lambda root: bool(root.log_destinations)),
    ("glue.tf", "root/glue.tf.j2", lambda root: bool(root.glue_jobs or root.glue_iceberg_tables)),
    ("redshift.tf", "root/redshift.tf.j2", lambda root: bool(root.redshift_sql)),
    ("redshift_access.tf", "root/redshift_access.tf.j2", lambda root: bool(root.redshift_access)),
    ("moved.tf", "root/moved.tf.j2", lambda root: bool(root.protected)),
    ("outputs.tf", "root/outputs.tf.j2", lambda root: bool(root.components)),
    ("kafka_access.tf", "root/kafka_access.tf.j2", lambda root: bool(root.kafka_access_policies)),
    ("connectors.tf", "root/connectors.tf.j2", lambda root: bool(root.connect_plugins or root.connectors)),
    # roots of the Mongey/kafka provider (kind "kafka"): topics only
    ("terraform.tf", "root/kafka_terraform.tf.j2", lambda root: root.kind == "kafka"),
    ("providers.tf", "root/kafka_providers.tf.j2", lambda root: root.kind == "kafka"),
    ("topics.tf", "root/kafka_topics.tf.j2", lambda root: bool(root.kafka_topics)),
)

# Files besides the .tf ones that a root needs (job scripts, SQL statements):
# functions root -> {path relative to the root directory: text}.
ROOT_EXTRA_FILES: list[Callable[[Root], dict[str, str]]] = [
    streaming_render.glue_scripts,
    streaming_render.redshift_statements,
]

# resource address of each protectable module's stateful resource
PROTECTED_RESOURCES = {
    "Stream": "aws_kinesis_stream",
    "Bucket": "aws_s3_bucket",
    "DeliveryStream": "aws_kinesis_firehose_delivery_stream",
    "LogDelivery": "aws_kinesis_firehose_delivery_stream",
    "GlueIcebergTable": "aws_glue_catalog_table",
}


@dataclass(frozen=True)
class Move:
    from_: str
    to: str


def generated_root_dir(env: str, root: Root) -> str:
    return f"environments/{env}/generated/{root.path}"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("streamgen", "templates"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        # compiled templates keyed by their source's checksum (a fresh process
        # would otherwise spend a few hundred ms compiling them every run)
        bytecode_cache=jinja2.FileSystemBytecodeCache(),
    )
    env.globals.update(attrs=hcl.attrs, hcl=hcl.value, expr=hcl.Expr, BLANK=hcl.BLANK)
    env.filters["compact"] = lambda d: {k: v for k, v in d.items() if v is not None}
    env.globals["heredoc"] = hcl.Heredoc
    env.filters["cluster_grant"] = lambda g: {"sid": g.sid, "service": g.service, "actions": list(g.actions)}
    env.filters["cluster_grant_comment"] = lambda g: f"#   {g.sid}: {', '.join(sorted(g.consumers))}"
    env.filters["processor_parameter"] = lambda kv: {"name": kv[0], "value": kv[1]}
    env.filters["provider_role"] = lambda p: (p.role_local, p.role_arn if p.role_arn else hcl.Expr("null"))
    env.filters["connect_secret"] = lambda s: {k: v for k, v in (("arn", s.arn), ("kms_key_arn", s.kms_key_arn)) if v is not None}
    env.filters["column"] = lambda c: {k: v for k, v in (("name", c.name), ("type", c.type), ("comment", c.comment)) if v is not None}
    return env


_JINJA = _environment()


def moves(root: Root) -> list[Move]:
    out = []
    for component in root.protected:
        resource = PROTECTED_RESOURCES[type(component).__name__]
        base = f"module.{component.tf_id}.{resource}"
        protected, unprotected = f"{base}.this[0]", f"{base}.unprotected[0]"
        if component.protected:
            out.append(Move(unprotected, protected))
        else:
            out.append(Move(protected, unprotected))
    return out


def outputs(root: Root, entry_allows_destroy: dict[str, bool] | None = None) -> list[tuple[str, str, dict[str, Any]]]:
    def refs(items: list[Any], attr: str = "arn") -> dict[str, Any]:
        return {c.name: hcl.Expr(f"module.{c.tf_id}.{attr}") for c in items}

    candidates = [
        ("buckets", "S3 buckets by name (ARNs).", refs(root.buckets)),
        ("streams", "Kinesis stream ARNs by topic.", refs(root.streams)),
        ("functions", "Lambda function ARNs by transform.", refs(root.functions)),
        ("delivery_streams", "Firehose delivery stream ARNs by sink.", refs(root.firehoses)),
        ("glue_tables", "Glue tables ('database.table') by name.", {
            (f"{t.domain}/{t.name}" if root.log_destinations else t.name): f"{t.database.database_name}.{t.table_name}" for t in root.glue_tables
        }),
        ("log_destinations", "CloudWatch Logs destination ARNs by log source (domain/name).", {
            f"{d.domain}/{d.name}": hcl.Expr(f"module.{d.tf_id}.arn") for d in root.log_destinations
        }),
        ("ingestion_pipelines", "OpenSearch Ingestion pipeline ARNs by sink.", refs(root.ingestion_pipelines)),
        ("glue_jobs", "Glue streaming job ARNs by sink.", refs(root.glue_jobs)),
        ("iceberg_tables", "Iceberg tables ('database.table') by sink.", {
            t.name: f"{t.database.database_name}.{t.table_name}" for t in root.glue_iceberg_tables
        }),
        ("redshift_views", "Materialized views ('schema.view') by sink.", {
            v.sink: f"{v.schema}.{v.view}" for r in root.redshift_sql for v in r.views.values()
        }),
        ("redshift_roles", "Streaming-ingestion role ARNs Redshift assumes, by target and domain.", {
            a.name: hcl.Expr(f"module.{a.tf_id}.role_arns") for a in root.redshift_access
        }),
        ("kafka_topic_policies", "Managed policies for Kafka clients by MSK topic: attach produce or consume.", {
            p.name: {
                q.purpose: hcl.Expr(f"module.{q.tf_id}.arn")
                for q in root.kafka_access_policies if q.name == p.name and q.purpose != "groups"
            }
            for p in root.kafka_access_policies if p.purpose == "produce"
        }),
        ("kafka_group_policies", "Managed policies for this domain's consumer groups ('<domain>.*') by MSK cluster.", {
            p.name: hcl.Expr(f"module.{p.tf_id}.arn") for p in root.kafka_access_policies if p.purpose == "groups"
        }),
        ("connectors", "MSK Connect connector ARNs by name.", refs(root.connectors)),
        ("connector_roles", "Service execution role ARNs of the connectors by name.", refs(root.connectors, "role_arn")),
        # read by the plan gate (streamgen plan-check) from the plan and the state
        ("stateful_resources", "Every module's owner (catalog entry) and whether it allows destroying the module's stateful resources.",
         changesafety.output_value(root.components, entry_allows_destroy or {})),
    ]
    return [c for c in candidates if c[2]]


def _kafka_protocol_version(cluster: Any) -> str | None:
    """MSK's version ('3.6.0', '3.7.x') as the Kafka protocol version the provider wants."""
    version = getattr(cluster, "kafka_version", None)
    if not version:
        return None
    parts = version.replace(".x", ".0").split(".")
    return ".".join((parts + ["0", "0"])[:3]) if all(p.isdigit() for p in parts) else None


def _connector_capacity(connector: Any) -> dict[str, Any]:
    c = connector.capacity
    if c.mode == "provisioned":
        return {"provisioned": {"mcu_count": c.mcu_per_worker, "worker_count": c.min_workers}}
    return {
        "autoscaling": {
            "mcu_count": c.mcu_per_worker,
            "min_worker_count": c.min_workers,
            "max_worker_count": c.max_workers,
            "scale_in_cpu_percent": c.scale_in_cpu_percent,
            "scale_out_cpu_percent": c.scale_out_cpu_percent,
        }
    }


def _backend_items(resolved: Resolved, root: Root) -> list[tuple[str, Any]]:
    b = resolved.backend
    return [
        ("bucket", b.bucket),
        ("key", f"{b.key_prefix}{resolved.env}/{root.path}/terraform.tfstate"),
        ("region", b.region),
        ("encrypt", True),
        ("kms_key_id", b.kms_key_arn),
        ("use_lockfile", b.use_lockfile or None),
        ("dynamodb_table", b.dynamodb_table),
    ]


def render_root(resolved: Resolved, root: Root, ws: Workspace) -> dict[str, str]:
    root_dir = ws.root / generated_root_dir(resolved.env, root)

    modules_rel = os.path.relpath(ws.modules_dir, root_dir).replace(os.sep, "/")

    def module_source(name: str) -> str:
        return f"{modules_rel}/{name}"  # names are plain folder names

    def package_path(file: str) -> hcl.Expr:
        rel = os.path.relpath(ws.root / file, root_dir).replace(os.sep, "/")
        return hcl.Expr(f'"${{path.root}}/{rel}"')

    def ref(component: Component, output: str = "arn", literal: Any = None) -> Any:
        # Same root: the module's output (it orders creation, and is known at
        # plan time); another root: the literal value, no remote state needed.
        if component.root == root.path:
            return hcl.Expr(f"module.{component.tf_id}.{output}")
        return getattr(component, output) if literal is None else literal

    def lambda_qualified(function: Component) -> Any:
        # Firehose invokes the $LATEST version of a processor function
        target = ref(function)
        if isinstance(target, hcl.Expr):
            return hcl.Expr(f'"${{{target}}}:$LATEST"')
        return f"{target}:$LATEST"

    def root_file(rel: str) -> hcl.Expr:
        return hcl.Expr(f'"${{path.root}}/{rel}"')

    def root_file_content(rel: str) -> hcl.Expr:
        return hcl.Expr(f'file("${{path.root}}/{rel}")')

    context = {
        "root_file": root_file,
        "root_file_content": root_file_content,
        "dict_of": lambda statements: {k: root_file_content(v.file) for k, v in sorted(statements.items())},
        "redshift_roles": streaming_render.redshift_roles,
        "root": root,
        "env": resolved.env,
        # a root in another account (central logging) has its own default provider
        "account_id": root.provider.account_id if root.provider else resolved.account_id,
        "region": resolved.region,
        "tags": resolved.tags,
        "assume_role_arn": root.provider.role_arn if root.provider else resolved.assume_role_arn,
        "required_version": resolved.terraform_required_version,
        "aws_provider_version": resolved.aws_provider_version,
        "backend_items": _backend_items(resolved, root),
        "moves": moves(root),
        "outputs": outputs(root, resolved.entry_allows_destroy),
        "module_source": module_source,
        "package_path": package_path,
        "ref": ref,
        "lambda_qualified": lambda_qualified,
        "kafka_provider_version": resolved.kafka_provider_version,
        "kafka_version": _kafka_protocol_version,
        "connector_capacity": _connector_capacity,
    }
    files = {}
    base = generated_root_dir(resolved.env, root)
    for name, template, wanted in ROOT_FILES:
        if wanted(root):
            text = _JINJA.get_template(template).render(context)
            files[f"{base}/{name}"] = text.rstrip("\n") + "\n"
    for extra in ROOT_EXTRA_FILES:
        files.update({f"{base}/{rel}": text for rel, text in extra(root).items()})
    return files


def render(resolved: Resolved, ws: Workspace) -> dict[str, str]:
    files: dict[str, str] = {}
    for root in resolved.roots:
        files.update(render_root(resolved, root, ws))
    files[changesafety.record_path(resolved.env)] = changesafety.render_record(resolved)
    return dict(sorted(files.items()))
