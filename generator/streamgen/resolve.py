"""Resolve: validated specs + environment -> the resolved model.

Applies the environment overlay, decides sizes and defaults, computes final
names and ARNs, and places every component in a root (stack). It assumes the
input passed :mod:`streamgen.checks` and never reports problems itself.

Roots: ``shared`` holds per-environment infrastructure (the S3 access-log
bucket); ``domains/<domain>`` holds one domain's streams, buckets, functions
and sinks, so a change to one domain plans only that domain.
"""

from __future__ import annotations

from typing import Any

from . import decisions
from .index import CatalogIndex, Entry
from .lambda_build import Package
from .load import Loaded
from .model import Backend, Bucket, FirehoseToS3, Function, Origin, Processor, Resolved, Root, Stream
from .naming import Namer, tf_id

SHARED_ROOT = "shared"


def domain_root(domain: str) -> str:
    return f"domains/{domain}"


class _Resolver:
    def __init__(self, loaded: Loaded, packages: dict[str, Package]):
        self.loaded = loaded
        self.env = loaded.env
        self.index = CatalogIndex(loaded)
        self.packages = packages
        self.namer = Namer(self.env.name_prefix, self.env.account_id, self.env.region)
        self.logs_key = self.env.kms.logs or self.env.kms.data
        self.streams: dict[tuple[str, str], Stream] = {}
        self.functions: dict[tuple[str, str], Function] = {}
        self.buckets: dict[str, Bucket] = {}

    # --- helpers ---
    def origin(self, entry: Entry[Any]) -> Origin:
        return Origin(entry.domain.doc.display, entry.line)

    def tags(self, entry: Entry[Any]) -> dict[str, str]:
        domain = entry.domain.spec
        return {"Domain": domain.domain, "Owner": domain.owner, **domain.tags}

    # --- components ---
    def stream(self, entry: Entry[Any]) -> Stream:
        topic, domain = entry.spec, entry.domain.spec.domain
        sizing = decisions.kinesis_shards(topic, self.env, entry.qualified)
        name = self.namer.stream(domain, topic.name)
        return Stream(
            domain=domain,
            name=topic.name,
            tf_id=tf_id("topic", topic.name),
            root=domain_root(domain),
            origin=self.origin(entry),
            tags=self.tags(entry),
            full_name=name,
            arn=self.namer.stream_arn(name),
            mode=sizing.mode.upper(),
            shards=sizing.shards,
            retention_hours=sizing.retention_hours,
            kms_key_arn=self.env.kms.data,
            protected=not topic.allow_destroy,
            sizing_note=sizing.note,
        )

    def access_log_bucket(self) -> Bucket:
        name = self.namer.shared_bucket("access-logs")
        return Bucket(
            domain="",
            name="access-logs",
            tf_id=tf_id("bucket", "access_logs"),
            root=SHARED_ROOT,
            origin=Origin(self.loaded.env_doc.display, 1),
            tags={"Purpose": "s3-access-logs"},
            bucket=name,
            arn=self.namer.bucket_arn(name),
            kms_key_arn=None,  # S3 server access logging cannot deliver to SSE-KMS buckets
            access_log_bucket=None,
            protected=True,
            purpose="access-logs",
        )

    def data_bucket(self, entry: Entry[Any], access_logs: Bucket) -> Bucket:
        domain = entry.domain.spec.domain
        if domain not in self.buckets:
            name = self.namer.bucket(domain)
            self.buckets[domain] = Bucket(
                domain=domain,
                name="data",
                tf_id=tf_id("bucket", "data"),
                root=domain_root(domain),
                origin=Origin(entry.domain.doc.display, entry.domain.doc.line(("domain",))),
                tags=self.tags(entry),
                bucket=name,
                arn=self.namer.bucket_arn(name),
                kms_key_arn=self.env.kms.data,
                access_log_bucket=access_logs.bucket,
                protected=True,
                purpose="data",
            )
        return self.buckets[domain]

    def function(self, entry: Entry[Any]) -> Function:
        spec, domain = entry.spec, entry.domain.spec.domain
        defaults = self.env.defaults.lambda_
        name = self.namer.function(domain, spec.name)
        package = self.packages[spec.source]
        return Function(
            domain=domain,
            name=spec.name,
            tf_id=tf_id("transform", spec.name),
            root=domain_root(domain),
            origin=self.origin(entry),
            tags=self.tags(entry),
            full_name=name,
            arn=self.namer.function_arn(name),
            role_name=self.namer.role(domain, spec.name, "lambda"),
            source=spec.source,
            package_file=package.file,
            package_sha256=package.sha256,
            memory_mb=spec.memory_mb or defaults.memory_mb,
            timeout_s=spec.timeout_s or defaults.timeout_s,
            reserved_concurrency=defaults.reserved_concurrency,
            environment=dict(sorted(spec.environment.items())),
            kms_key_arn=self.env.kms.data,
            logs_kms_key_arn=self.logs_key,
            log_retention_days=self.env.logging.retention_days,
            subnet_ids=list(self.env.network.subnet_ids),
            security_group_ids=list(self.env.network.security_group_ids),
        )

    def firehose_s3(self, entry: Entry[Any], access_logs: Bucket) -> FirehoseToS3:
        sink, domain = entry.spec, entry.domain.spec.domain
        topic = self.index.get("topics", domain, sink.topic)
        assert topic is not None  # checked
        source = self.streams[(topic.domain.spec.domain, topic.spec.name)]
        prefix, error_prefix = decisions.s3_prefixes(sink)
        size, interval = decisions.firehose_buffering(sink, self.env, entry.qualified)
        processor = None
        if sink.transform is not None:
            function = self.functions[(domain, sink.transform.name)]
            processor = Processor(function, decisions.processor_parameters(sink.transform))
        name = self.namer.delivery_stream(domain, sink.name)
        return FirehoseToS3(
            domain=domain,
            name=sink.name,
            tf_id=tf_id("sink", sink.name),
            root=domain_root(domain),
            origin=self.origin(entry),
            tags=self.tags(entry),
            full_name=name,
            arn=self.namer.delivery_stream_arn(name),
            role_name=self.namer.role(domain, sink.name, "firehose"),
            source_stream=source,
            bucket=self.data_bucket(entry, access_logs),
            prefix=prefix,
            error_prefix=error_prefix,
            compression=sink.compression,
            file_extension=sink.file_extension,
            buffer_size_mb=size,
            buffer_interval_s=interval,
            processor=processor,
            kms_key_arn=self.env.kms.data,
            logs_kms_key_arn=self.logs_key,
            log_retention_days=self.env.logging.retention_days,
            protected=not sink.allow_destroy,
        )

    # --- assembly ---
    def run(self) -> Resolved:
        env = self.env
        shared = Root(
            SHARED_ROOT,
            "Environment-wide infrastructure used by every domain.",
            [self.loaded.env_doc.display],
        )
        access_logs = self.access_log_bucket()
        shared.buckets.append(access_logs)
        roots = {SHARED_ROOT: shared}
        for domain in sorted(self.index.domains):
            doc = self.index.domains[domain].doc
            roots[domain_root(domain)] = Root(
                domain_root(domain),
                f"Streaming resources of the {domain} domain.",
                sorted({doc.display, self.loaded.env_doc.display}),
            )

        for entry in self.index.all("topics"):
            stream = self.stream(entry)
            self.streams[(stream.domain, stream.name)] = stream
            roots[stream.root].streams.append(stream)
        for entry in self.index.all("transforms"):
            function = self.function(entry)
            self.functions[(function.domain, function.name)] = function
            roots[function.root].functions.append(function)
        for entry in self.index.all("sinks"):
            if entry.spec.kind == "s3":
                sink = self.firehose_s3(entry, access_logs)
                roots[sink.root].firehoses.append(sink)
        for bucket in self.buckets.values():
            roots[bucket.root].buckets.append(bucket)

        return Resolved(
            env=env.name,
            account_id=env.account_id,
            region=env.region,
            partition=self.namer.partition,
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
            roots=[roots[k] for k in sorted(roots)],
        )


def resolve(loaded: Loaded, packages: dict[str, Package]) -> Resolved:
    return _Resolver(loaded, packages).run()


def lambda_sources(loaded: Loaded) -> set[str]:
    """The lambda_src folders the catalog uses (to build before resolving)."""
    return {t.source for d in loaded.domains for t in d.spec.transforms}
