"""``streamgen import``: catalog YAML for resources that already exist in an account.

Reads Kinesis data streams, Firehose delivery streams, OpenSearch Ingestion
pipelines and Glue streaming jobs with boto3 and writes one domain file.
Resources are matched to a domain by their name: ``<name_prefix>-<domain>-<name>``
(the names streamgen itself would give them), so generating the imported
catalog yields the same names, and ``terraform import`` (or ``import``
blocks) can adopt the existing resources without replacement.

What maps one to one becomes catalog entries with the existing settings
(stream mode, shard count, retention; delivery source, buffering,
compression, prefixes; pipeline source, target, index and OCUs). What the
catalog cannot express is written as a commented block that says why, so
nothing is silently dropped: a Firehose writing to a bucket other than the
domain's, a Glue job (its script is custom code; streamgen generates its own
from the topic's schema), a pipeline reading a source outside the catalog.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .scaffold import SCHEMA_LINE, _quote

NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")


@dataclass
class Imported:
    domain: str
    owner: str
    topics: list[dict[str, Any]] = field(default_factory=list)
    sinks: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # (resource, why, settings)
    ignored: list[str] = field(default_factory=list)  # other domains' or unmanaged names

    def summary(self) -> str:
        return (
            f"{len(self.topics)} topic{'s' * (len(self.topics) != 1)}, {len(self.sinks)} sink{'s' * (len(self.sinks) != 1)}"
            f" imported; {len(self.skipped)} kept as comments; {len(self.ignored)} resources of other names ignored"
        )


@dataclass(frozen=True)
class Target:
    """Where names come from: ``<prefix>-<domain>-``, and the env's OpenSearch targets."""

    name_prefix: str
    domain: str
    opensearch_domains: dict[str, str]  # endpoint host -> env.yaml key
    collections: dict[str, str]
    bucket: str = ""  # the domain's data bucket (where imported S3 sinks will write)

    @property
    def stem(self) -> str:
        return f"{self.name_prefix}-{self.domain}-"

    def local(self, full_name: str) -> str | None:
        if not full_name.startswith(self.stem):
            return None
        name = full_name[len(self.stem):]
        return name if NAME.fullmatch(name) else None


def _pages(client: Any, operation: str, key: str, **kwargs: Any) -> list[Any]:
    if client.can_paginate(operation):
        out: list[Any] = []
        for page in client.get_paginator(operation).paginate(**kwargs):
            out += page.get(key, [])
        return out
    return client.__getattribute__(operation)(**kwargs).get(key, [])


def read_account(session: Any, endpoint_url: str | None, target: Target, owner: str) -> Imported:
    def client(name: str) -> Any:
        return session.client(name, endpoint_url=endpoint_url)

    result = Imported(target.domain, owner)
    streams = _kinesis(client("kinesis"), target, result)
    _firehose(client("firehose"), target, result, streams)
    _osis(client("osis"), target, result, streams)
    _glue(client("glue"), target, result)
    return result


def _kinesis(kinesis: Any, target: Target, result: Imported) -> dict[str, str]:
    """Import streams; returns stream ARN -> topic name."""
    arns: dict[str, str] = {}
    for name in sorted(_pages(kinesis, "list_streams", "StreamNames")):
        local = target.local(name)
        if local is None:
            result.ignored.append(f"kinesis stream {name}")
            continue
        s = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
        topic: dict[str, Any] = {"name": local}
        if s.get("StreamModeDetails", {}).get("StreamMode") == "ON_DEMAND":
            topic["mode"] = "on_demand"
        else:
            topic["mode"] = "provisioned"
            topic["shards"] = int(s["OpenShardCount"])
        topic["retention_hours"] = int(s["RetentionPeriodHours"])
        if s.get("EncryptionType") != "KMS":
            topic["_notes"] = ["was not encrypted; streamgen encrypts it with the environment's KMS key (an in-place update)"]
        result.topics.append(topic)
        arns[s["StreamARN"]] = local
    return arns


_COMPRESSIONS = {"GZIP", "UNCOMPRESSED", "Snappy", "ZIP", "HADOOP_SNAPPY"}


def _firehose(firehose: Any, target: Target, result: Imported, streams: dict[str, str]) -> None:
    names: list[str] = []
    start: dict[str, Any] = {}
    while True:  # ListDeliveryStreams has no paginator
        page = firehose.list_delivery_streams(Limit=100, **start)
        names += page["DeliveryStreamNames"]
        if not page.get("HasMoreDeliveryStreams") or not page["DeliveryStreamNames"]:
            break
        start = {"ExclusiveStartDeliveryStreamName": page["DeliveryStreamNames"][-1]}
    for name in sorted(names):
        local = target.local(name)
        if local is None:
            result.ignored.append(f"firehose {name}")
            continue
        d = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
        sink: dict[str, Any] = {"name": local, "kind": "s3"}
        notes: list[str] = []
        source = d.get("Source", {}).get("KinesisStreamSourceDescription")
        settings: dict[str, Any] = {"source": source["KinesisStreamARN"] if source else d.get("DeliveryStreamType", "")}
        if d.get("DeliveryStreamType") not in ("DirectPut", "KinesisStreamAsSource"):
            result.skipped.append((f"firehose {name}", f"source type {d.get('DeliveryStreamType')} is not imported (Kinesis or Direct PUT only)", settings))
            continue
        if source:
            topic = streams.get(source["KinesisStreamARN"])
            if topic is None:
                result.skipped.append((f"firehose {name}", "reads a stream that is not in this domain", settings))
                continue
            sink["topic"] = topic
        else:
            sink["direct_put"] = True
        dest = (d.get("Destinations") or [{}])[0]
        s3 = dest.get("ExtendedS3DestinationDescription") or dest.get("S3DestinationDescription")
        if s3 is None:
            kinds = sorted(k for k in dest if k.endswith("DestinationDescription"))
            result.skipped.append((f"firehose {name}", f"destination {', '.join(kinds) or 'unknown'} is not imported (s3 only)", settings))
            continue
        settings["bucket"] = s3["BucketARN"]
        if s3.get("Prefix"):
            sink["prefix"] = s3["Prefix"]
        if s3.get("ErrorOutputPrefix"):
            sink["error_prefix"] = s3["ErrorOutputPrefix"]
        if s3.get("CompressionFormat") in _COMPRESSIONS:
            sink["compression"] = s3["CompressionFormat"]
        hints = s3.get("BufferingHints") or {}
        buffering = {}
        if "SizeInMBs" in hints:
            buffering["size_mb"] = int(hints["SizeInMBs"])
        if "IntervalInSeconds" in hints:
            buffering["interval_s"] = int(hints["IntervalInSeconds"])
        if buffering:
            sink["buffering"] = buffering
        bucket = s3["BucketARN"].split(":::")[-1]
        if bucket != target.bucket:
            notes.append(f"was delivering to s3://{bucket}; streamgen writes to the domain's bucket")
        processors = [p for p in (s3.get("ProcessingConfiguration") or {}).get("Processors", []) if p.get("Type") == "Lambda"]
        if (s3.get("ProcessingConfiguration") or {}).get("Enabled") and processors:
            notes.append("had a Lambda processor: declare it under transforms: (lambda_src/) and reference it here")
        if (s3.get("DynamicPartitioningConfiguration") or {}).get("Enabled"):
            notes.append("used dynamic partitioning: add dynamic_partitioning.keys (jq) to keep it")
        if (s3.get("DataFormatConversionConfiguration") or {}).get("Enabled"):
            notes.append("converted records to Parquet/ORC: add format_conversion and the topic's schema.columns to keep it")
        if notes:
            sink["_notes"] = notes
        result.sinks.append(sink)


def _osis(osis: Any, target: Target, result: Imported, streams: dict[str, str]) -> None:
    try:
        pipelines = _pages(osis, "list_pipelines", "Pipelines")
    except Exception as exc:  # some endpoints/Regions lack the service
        result.skipped.append(("opensearch ingestion", f"could not list pipelines: {exc}", {}))
        return
    for summary in sorted(pipelines, key=lambda p: p["PipelineName"]):
        name = summary["PipelineName"]
        local = target.local(name)
        if local is None:
            result.ignored.append(f"osis pipeline {name}")
            continue
        p = osis.get_pipeline(PipelineName=name)["Pipeline"]
        settings = {"min_units": p.get("MinUnits"), "max_units": p.get("MaxUnits")}
        try:
            body = yaml.safe_load(p.get("PipelineConfigurationBody") or "") or {}
            pipe = next(v for k, v in body.items() if isinstance(v, dict) and "source" in v)
            source, sinks = pipe["source"], pipe.get("sink") or []
        except (yaml.YAMLError, StopIteration, KeyError, TypeError, AttributeError):
            result.skipped.append((f"osis pipeline {name}", "pipeline body is not a single Data Prepper pipeline", settings))
            continue
        kinesis = source.get("kinesis_data_streams") if isinstance(source, dict) else None
        if not kinesis:
            result.skipped.append((f"osis pipeline {name}", f"source {', '.join(source) if isinstance(source, dict) else source} is not imported (Kinesis only)", settings))
            continue
        topics = []
        for s in kinesis.get("streams", []):
            topic = next((t for arn, t in streams.items() if arn.endswith(f"/{s.get('stream_name', '')}") or arn == s.get("stream_arn")), None)
            if topic is None:
                break
            topics.append(topic)
        open_search = next((s["opensearch"] for s in sinks if isinstance(s, dict) and "opensearch" in s), None)
        if not topics or len(topics) != len(kinesis.get("streams", [])) or open_search is None:
            result.skipped.append((f"osis pipeline {name}", "reads streams outside this domain or writes somewhere other than OpenSearch", settings))
            continue
        host = (open_search.get("hosts") or [""])[0].split("//")[-1].rstrip("/")
        sink: dict[str, Any] = {"name": local, "kind": "opensearch", "via": "ingestion"}
        if len(topics) == 1:
            sink["topic"] = topics[0]
        else:
            sink["topics"] = topics
        if host in target.opensearch_domains:
            sink["domain"] = target.opensearch_domains[host]
        elif host in target.collections:
            sink["collection"] = target.collections[host]
        else:
            result.skipped.append((f"osis pipeline {name}", f"writes to {host or 'an unknown host'}, which is not an env.yaml opensearch target", settings))
            continue
        if open_search.get("index"):
            sink["index"] = open_search["index"]
        units = {k: v for k, v in (("min", p.get("MinUnits")), ("max", p.get("MaxUnits"))) if v}
        if units:
            sink["units"] = units
        result.sinks.append(sink)


def _glue(glue: Any, target: Target, result: Imported) -> None:
    for job in sorted(_pages(glue, "get_jobs", "Jobs"), key=lambda j: j["Name"]):
        if (job.get("Command") or {}).get("Name") != "gluestreaming":
            continue
        local = target.local(job["Name"])
        if local is None:
            result.ignored.append(f"glue job {job['Name']}")
            continue
        settings = {
            "worker_type": job.get("WorkerType"),
            "workers": job.get("NumberOfWorkers"),
            "glue_version": job.get("GlueVersion"),
            "script": (job.get("Command") or {}).get("ScriptLocation"),
        }
        result.skipped.append((
            f"glue job {job['Name']}",
            "its script is custom code; streamgen generates the job from the topic's schema: "
            "declare the topic's schema.columns and a `kind: glue` sink with these settings",
            {k: v for k, v in settings.items() if v is not None},
        ))


# --- YAML ------------------------------------------------------------------


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return _quote(str(value))


def _item(entry: dict[str, Any]) -> list[str]:
    lines = []
    first = True
    for key, value in entry.items():
        if key.startswith("_"):
            continue
        lead = "  - " if first else "    "
        first = False
        if isinstance(value, dict):
            inner = ", ".join(f"{k}: {_scalar(v)}" for k, v in value.items())
            lines.append(f"{lead}{key}: {{{inner}}}")
        elif isinstance(value, list):
            lines.append(f"{lead}{key}: [{', '.join(_scalar(v) for v in value)}]")
        else:
            lines.append(f"{lead}{key}: {_scalar(value)}")
    return lines


def render(imported: Imported, source: str) -> str:
    out = [
        SCHEMA_LINE,
        f"# Imported by `streamgen import` from {source}.",
        "# Review, then `streamgen validate` and `streamgen plan`; adopt the existing",
        "# resources with terraform import before the first apply.",
        f"domain: {imported.domain}",
        f"owner: {_quote(imported.owner)}",
    ]
    for section, entries in (("topics", imported.topics), ("sinks", imported.sinks)):
        if entries:
            out += ["", f"{section}:"]
            for entry in entries:
                out += [f"  # {note}" for note in entry.get("_notes", [])]
                out += _item(entry)
    if imported.skipped:
        out += ["", "# Not imported (the catalog cannot express them as they are):"]
        for resource, why, settings in imported.skipped:
            out.append(f"# - {resource}: {why}")
            if settings:
                out.append("#   settings: " + ", ".join(f"{k}={v}" for k, v in settings.items()))
    return "\n".join(out) + "\n"
