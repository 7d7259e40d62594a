"""The Data Prepper pipeline body of an OpenSearch Ingestion pipeline.

:func:`build` turns a decided pipeline (:class:`streamgen.osis_plan.Draft`)
into the configuration document; :func:`dump` writes it as YAML, always the
same bytes for the same input; :func:`problems` checks a body the way
OpenSearch Ingestion would before Terraform ever sees it: it parses, each
plugin has its required keys and only options the service accepts, the
service limits hold, one role signs everything, no secret is written in it.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from . import limits
from .secrets import SECRET_KEY

# --- building ---------------------------------------------------------------


def _path(dotted: str) -> str:
    """Catalog field paths use '.', Data Prepper's mutate processors use '/'."""
    return dotted.replace(".", "/")


def processor(step: Any) -> dict[str, Any]:
    name, options = step.name, step.options
    if name == "date":
        out: dict[str, Any] = {}
        if options.from_time_received:
            out["from_time_received"] = True
        else:
            out["match"] = [{"key": _path(options.key), "patterns": list(options.patterns)}]
        out["destination"] = _path(options.destination)
        if options.source_timezone:
            out["source_timezone"] = options.source_timezone
        return {"date": out}
    if name == "parse_json":
        out = {"source": _path(options.source)}
        if options.destination:
            out["destination"] = _path(options.destination)
        if options.pointer:
            out["pointer"] = options.pointer
        return {"parse_json": out}
    if name == "delete_entries":
        return {"delete_entries": {"with_keys": [_path(k) for k in options.with_keys]}}
    if name == "add_entries":
        entries = [
            {"key": _path(key), "value": value, "overwrite_if_key_exists": options.overwrite_if_key_exists}
            for key, value in options.entries.items()
        ]
        return {"add_entries": {"entries": entries}}
    raise ValueError(f"no Data Prepper mapping for processor {name}")


def _kafka_source(d: Any, sink: Any, region: str) -> dict[str, Any]:
    consumer = sink.consumer
    topics = []
    for t in d.topics:
        topic: dict[str, Any] = {"name": t.final_name, "group_id": d.group_id}
        if not d.glue_schemas:
            topic["serde_format"] = sink.record_format
        topic["auto_offset_reset"] = sink.start_from
        if consumer is not None:
            for key, value in (
                ("workers", consumer.workers),
                ("consumer_max_poll_records", consumer.max_poll_records),
                ("fetch_max_wait", None if consumer.fetch_max_wait_ms is None else f"{consumer.fetch_max_wait_ms}ms"),
                ("session_timeout", None if consumer.session_timeout_s is None else f"{consumer.session_timeout_s}s"),
            ):
                if value is not None:
                    topic[key] = value
        topics.append(topic)
    kafka: dict[str, Any] = {
        # commit offsets only after the sink (or the DLQ) has the records
        "acknowledgments": True,
        "topics": topics,
    }
    if d.glue_schemas:
        kafka["schema"] = {"type": "aws_glue"}
    kafka["aws"] = {"region": region, "sts_role_arn": d.role_arn, "msk": {"arn": d.cluster.arn}}
    return {"kafka": kafka}


def _kinesis_source(d: Any, sink: Any, region: str) -> dict[str, Any]:
    position = "EARLIEST" if sink.start_from == "earliest" else "LATEST"
    codec = {"ndjson": {}} if sink.record_format == "json" else {"newline": {}}
    return {
        "kinesis": {
            "acknowledgments": True,
            "consumer_strategy": d.consumer_strategy,
            "streams": [{"stream_name": t.final_name, "initial_position": position} for t in d.topics],
            "codec": codec,
            "aws": {"region": region, "sts_role_arn": d.role_arn},
        }
    }


def build(d: Any, sink: Any, region: str) -> dict[str, Any]:
    """The pipeline configuration: one sub-pipeline named after the sink."""
    source = _kafka_source(d, sink, region) if d.source == "kafka" else _kinesis_source(d, sink, region)
    aws: dict[str, Any] = {"region": region, "sts_role_arn": d.role_arn}
    if d.target.serverless:
        aws["serverless"] = True
        if d.target.network_policy_name:
            aws["serverless_options"] = {"network_policy_name": d.target.network_policy_name}
    opensearch: dict[str, Any] = {"hosts": [d.target.endpoint], "index": d.index}
    if sink.document_id:
        opensearch["document_id"] = "${/" + _path(sink.document_id) + "}"
    opensearch["max_retries"] = sink.max_retries
    opensearch["aws"] = aws
    opensearch["dlq"] = {
        "s3": {
            "bucket": d.dlq_bucket,
            "key_path_prefix": d.dlq_prefix + "%{yyyy}/%{MM}/%{dd}/",
            "region": region,
            "sts_role_arn": d.role_arn,
        }
    }
    sub: dict[str, Any] = {"source": source}
    if sink.processors:
        sub["processor"] = [processor(step) for step in sink.processors]
    sub["sink"] = [{"opensearch": opensearch}]
    return {"version": "2", d.sink: sub}


class _Dumper(yaml.SafeDumper):
    """Block style; scalars that cannot stay plain are double-quoted (as in AWS's examples)."""

    def choose_scalar_style(self) -> str:
        style = super().choose_scalar_style()
        return '"' if style == "'" else style


def dump(body: dict[str, Any]) -> str:
    return yaml.dump(body, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=4096, allow_unicode=True)


# --- checking ---------------------------------------------------------------

ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+")
MSK_ARN = re.compile(r"arn:aws[a-z-]*:kafka:[a-z0-9-]+:\d{12}:cluster/[A-Za-z0-9-]+/[A-Za-z0-9-]+")
REGION = re.compile(r"[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d")

PIPELINE_KEYS = {"source", "processor", "sink", "route", "routes"}
# set by OpenSearch Ingestion itself; a body naming them is rejected
MANAGED_PIPELINE_KEYS = {"buffer", "workers", "delay"}

KAFKA_KEYS = {"acknowledgments", "topics", "schema", "aws", "encryption", "client_dns_lookup", "key_mode"}
KAFKA_TOPIC_KEYS = {
    "name", "group_id", "serde_format", "auto_offset_reset", "workers", "consumer_max_poll_records",
    "fetch_max_wait", "fetch_max_bytes", "fetch_min_bytes", "session_timeout", "max_partition_fetch_bytes",
    "heart_beat_interval", "retry_backoff", "max_poll_interval", "auto_commit", "commit_interval",
    "thread_waiting_time", "key_mode",
}
KINESIS_KEYS = {"acknowledgments", "streams", "codec", "aws", "consumer_strategy", "polling", "buffer_timeout", "records_to_accumulate"}
KINESIS_STREAM_KEYS = {"stream_name", "initial_position", "checkpoint_interval"}
KINESIS_CODECS = {"ndjson", "newline", "json"}
PROCESSOR_KEYS = {
    "date": {"match", "from_time_received", "destination", "source_timezone", "destination_timezone", "locale"},
    "parse_json": {"source", "destination", "pointer"},
    "delete_entries": {"with_keys"},
    "add_entries": {"entries"},
}
OPENSEARCH_KEYS = {
    "hosts", "index", "index_type", "document_id", "routing", "action", "max_retries", "aws", "dlq",
    "document_root_key", "flush_timeout", "normalize_index", "number_of_shards", "number_of_replicas",
    "template_type", "template_content", "distribution_version", "enable_request_compression",
}
# options OpenSearch Ingestion does not accept on its opensearch sink
OPENSEARCH_UNSUPPORTED = {
    "username", "password", "cert", "proxy", "dlq_file", "ism_policy_file", "socket_timeout",
    "template_file", "insecure", "bulk_size", "aws_sigv4", "aws_region", "aws_sts_role_arn",
}
_SECRET_REFERENCE = re.compile(r"^\$\{\{aws_secrets:[^}]+\}\}$")


def problems(text: str, min_units: int | None = None, max_units: int | None = None) -> list[str]:
    """What OpenSearch Ingestion would reject in this body (and these units); empty when fine."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return [f"pipeline body does not parse as YAML: {exc}".replace("\n", " ")]
    found: list[str] = []
    if len(text) > limits.OSIS_BODY_MAX_CHARS:
        found.append(f"pipeline body is {len(text)} characters; OpenSearch Ingestion accepts {limits.OSIS_BODY_MAX_CHARS}")
    if min_units is not None and max_units is not None:
        low, high = limits.OSIS_UNITS
        for what, value in (("min_units", min_units), ("max_units", max_units)):
            if not low <= value <= high:
                found.append(f"{what} {value} is outside {low}-{high}")
        if min_units > max_units:
            found.append(f"min_units {min_units} is above max_units {max_units}")
    if not isinstance(doc, dict):
        return found + ["pipeline body must be a mapping"]
    if doc.get("version") != "2":
        found.append('version must be the string "2"')
    pipelines = {k: v for k, v in doc.items() if k != "version"}
    if not pipelines:
        found.append("no sub-pipeline is defined")
    roles: set[str] = set()
    for name, sub in pipelines.items():
        found += [f"{name}: {p}" for p in _sub_pipeline(sub, roles)]
    if len(roles) > 1:
        found.append(f"every sts_role_arn must name the same role; found {', '.join(sorted(roles))}")
    found += [f"{where}: looks like a plaintext secret; use ${{{{aws_secrets:<secret>:<key>}}}}" for where in _secrets(doc, "")]
    return found


def _sub_pipeline(sub: Any, roles: set[str]) -> list[str]:
    if not isinstance(sub, dict):
        return ["must be a mapping with source and sink"]
    found = [f"'{k}' is managed by OpenSearch Ingestion and not allowed" for k in sorted(set(sub) & MANAGED_PIPELINE_KEYS)]
    found += [f"unknown key '{k}'" for k in sorted(set(sub) - PIPELINE_KEYS - MANAGED_PIPELINE_KEYS)]
    found += ["source: " + p for p in _source(sub.get("source"), roles)]
    steps = sub.get("processor", [])
    if not isinstance(steps, list):
        found.append("processor must be a list")
        steps = []
    for i, step in enumerate(steps):
        found += [f"processor[{i}]: {p}" for p in _processor(step)]
    sinks = sub.get("sink")
    if not isinstance(sinks, list) or not sinks:
        found.append("sink must be a non-empty list")
        sinks = []
    for i, sink in enumerate(sinks):
        found += [f"sink[{i}]: {p}" for p in _sink(sink, roles)]
    return found


def _one_plugin(node: Any, allowed: set[str], what: str) -> tuple[str | None, Any, list[str]]:
    if not isinstance(node, dict) or len(node) != 1:
        return None, None, [f"{what} must name exactly one plugin"]
    (name, options), = node.items()
    if name not in allowed:
        return None, None, [f"'{name}' is not a supported {what} plugin ({', '.join(sorted(allowed))})"]
    return name, options if options is not None else {}, []


def _aws(options: Any, roles: set[str], *, msk: bool = False) -> list[str]:
    aws = options.get("aws") if isinstance(options, dict) else None
    if not isinstance(aws, dict):
        return ["aws is required (sts_role_arn, region)"]
    found = []
    role = aws.get("sts_role_arn")
    if not isinstance(role, str) or not ROLE_ARN.fullmatch(role):
        found.append("aws.sts_role_arn must be an IAM role ARN")
    else:
        roles.add(role)
    if not isinstance(aws.get("region"), str) or not REGION.fullmatch(aws["region"]):
        found.append("aws.region must be a Region name")
    if msk:
        arn = (aws.get("msk") or {}).get("arn") if isinstance(aws.get("msk"), dict) else None
        if not isinstance(arn, str) or not MSK_ARN.fullmatch(arn):
            found.append("aws.msk.arn must be an MSK cluster ARN")
    return found


def _unknown(options: dict[str, Any], allowed: set[str], where: str = "") -> list[str]:
    return [f"{where}unknown option '{k}'" for k in sorted(set(options) - allowed)]


def _source(node: Any, roles: set[str]) -> list[str]:
    name, options, found = _one_plugin(node, {"kafka", "kinesis"}, "source")
    if name is None:
        return found
    if not isinstance(options, dict):
        return [f"{name} options must be a mapping"]
    if name == "kafka":
        found += _unknown(options, KAFKA_KEYS, "kafka: ")
        if "bootstrap_servers" in options:
            found.append("kafka: bootstrap_servers comes from aws.msk.arn; remove it")
        topics = options.get("topics")
        if not isinstance(topics, list) or not topics:
            found.append("kafka: topics must be a non-empty list")
            topics = []
        if len(topics) > limits.OSIS_MAX_TOPICS:
            found.append(f"kafka: {len(topics)} topics; a pipeline reads at most {limits.OSIS_MAX_TOPICS}")
        schema = options.get("schema")
        if schema is not None and (not isinstance(schema, dict) or schema.get("type") != "aws_glue"):
            found.append("kafka: schema.type must be aws_glue (the Glue Schema Registry)")
        for i, topic in enumerate(topics):
            if not isinstance(topic, dict):
                found.append(f"kafka: topics[{i}] must be a mapping")
                continue
            for key in ("name", "group_id"):
                if not isinstance(topic.get(key), str) or not topic[key]:
                    found.append(f"kafka: topics[{i}].{key} is required")
            found += _unknown(topic, KAFKA_TOPIC_KEYS, f"kafka: topics[{i}]: ")
            serde = topic.get("serde_format")
            if schema is None and serde not in ("json", "plaintext"):
                found.append(f"kafka: topics[{i}].serde_format must be json or plaintext")
            if schema is not None and serde is not None:
                found.append(f"kafka: topics[{i}].serde_format conflicts with the schema registry")
            if topic.get("auto_offset_reset", "earliest") not in ("earliest", "latest"):
                found.append(f"kafka: topics[{i}].auto_offset_reset must be earliest or latest")
            workers = topic.get("workers", 1)
            if not isinstance(workers, int) or not limits.OSIS_KAFKA_WORKERS[0] <= workers <= limits.OSIS_KAFKA_WORKERS[1]:
                found.append(f"kafka: topics[{i}].workers must be 1-200")
        found += ["kafka: " + p for p in _aws(options, roles, msk=True)]
    else:
        found += _unknown(options, KINESIS_KEYS, "kinesis: ")
        streams = options.get("streams")
        if not isinstance(streams, list) or not streams:
            found.append("kinesis: streams must be a non-empty list")
            streams = []
        if len(streams) > limits.OSIS_MAX_TOPICS:
            found.append(f"kinesis: {len(streams)} streams; a pipeline reads at most {limits.OSIS_MAX_TOPICS}")
        for i, stream in enumerate(streams):
            if not isinstance(stream, dict) or not isinstance(stream.get("stream_name"), str):
                found.append(f"kinesis: streams[{i}].stream_name is required")
                continue
            found += _unknown(stream, KINESIS_STREAM_KEYS, f"kinesis: streams[{i}]: ")
            if stream.get("initial_position", "LATEST") not in ("LATEST", "EARLIEST"):
                found.append(f"kinesis: streams[{i}].initial_position must be LATEST or EARLIEST")
        codec, _, problems_ = _one_plugin(options.get("codec"), KINESIS_CODECS, "codec")
        found += ["kinesis: " + p for p in problems_]
        if options.get("consumer_strategy", "fan-out") not in ("fan-out", "polling"):
            found.append("kinesis: consumer_strategy must be fan-out or polling")
        found += ["kinesis: " + p for p in _aws(options, roles)]
    return found


def _processor(step: Any) -> list[str]:
    name, options, found = _one_plugin(step, set(PROCESSOR_KEYS), "processor")
    if name is None:
        return found
    if not isinstance(options, dict):
        return [f"{name} options must be a mapping"]
    found += _unknown(options, PROCESSOR_KEYS[name], f"{name}: ")
    if name == "date":
        match = options.get("match")
        if options.get("from_time_received") is True:
            if match:
                found.append("date: match and from_time_received exclude each other")
        elif not isinstance(match, list) or not match or not all(
            isinstance(m, dict) and m.get("key") and isinstance(m.get("patterns"), list) and m["patterns"] for m in match
        ):
            found.append("date: match needs entries with key and patterns (or from_time_received: true)")
    elif name == "delete_entries":
        keys = options.get("with_keys")
        if not isinstance(keys, list) or not keys:
            found.append("delete_entries: with_keys must list the keys to drop")
    elif name == "add_entries":
        entries = options.get("entries")
        if not isinstance(entries, list) or not entries or not all(
            isinstance(e, dict) and e.get("key") and ("value" in e or "format" in e) for e in entries
        ):
            found.append("add_entries: entries need a key and a value (or format)")
    return found


def _sink(node: Any, roles: set[str]) -> list[str]:
    name, options, found = _one_plugin(node, {"opensearch"}, "sink")
    if name is None:
        return found
    if not isinstance(options, dict):
        return ["opensearch options must be a mapping"]
    found += [f"opensearch: '{k}' is not supported by OpenSearch Ingestion" for k in sorted(set(options) & OPENSEARCH_UNSUPPORTED)]
    found += _unknown(options, OPENSEARCH_KEYS | OPENSEARCH_UNSUPPORTED, "opensearch: ")
    hosts = options.get("hosts")
    if not isinstance(hosts, list) or len(hosts) != 1 or not isinstance(hosts[0], str) or not hosts[0].startswith("https://"):
        found.append("opensearch: hosts must be the one https:// endpoint of the domain or collection")
        hosts = [""]
    if not isinstance(options.get("index"), str) or not options["index"]:
        found.append("opensearch: index is required")
    found += ["opensearch: " + p for p in _aws(options, roles)]
    aws = options.get("aws") if isinstance(options.get("aws"), dict) else {}
    serverless = aws.get("serverless") is True
    if ".aoss.amazonaws.com" in hosts[0] and not serverless:
        found.append("opensearch: a serverless collection endpoint needs aws.serverless: true")
    if serverless and ".aoss.amazonaws.com" not in hosts[0]:
        found.append("opensearch: aws.serverless is set but the host is not a collection endpoint")
    if serverless and options.get("index_type", "management_disabled") != "management_disabled":
        found.append("opensearch: index_type must be management_disabled for a serverless collection")
    dlq = options.get("dlq")
    if dlq is not None:
        s3 = dlq.get("s3") if isinstance(dlq, dict) else None
        if not isinstance(s3, dict) or not s3.get("bucket"):
            found.append("opensearch: dlq.s3.bucket is required")
        else:
            found += ["opensearch: dlq.s3: " + p for p in _aws({"aws": s3}, roles)]
        retries = options.get("max_retries")
        if not isinstance(retries, int) or retries < limits.OSIS_MIN_SINK_RETRIES:
            found.append(f"opensearch: max_retries must be at least {limits.OSIS_MIN_SINK_RETRIES} with a dlq")
    return found


def _secrets(node: Any, where: str) -> list[str]:
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{where}.{key}" if where else str(key)
            if SECRET_KEY.search(str(key)) and isinstance(value, str) and not _SECRET_REFERENCE.match(value):
                found.append(here)
            found += _secrets(value, here)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            found += _secrets(item, f"{where}[{i}]")
            # add_entries: {key: api_token, value: ...}
            if isinstance(item, dict) and isinstance(item.get("key"), str) and SECRET_KEY.search(item["key"]):
                value = item.get("value")
                if isinstance(value, str) and not _SECRET_REFERENCE.match(value):
                    found.append(f"{where}[{i}].{item['key']}")
    return found
