"""A local AWS API (moto's server on 127.0.0.1) for the integration tests.

- :func:`moto_server` starts ``ThreadedMotoServer`` on a free loopback port.
- Accounts: moto puts an assumed-role session in the role's account (the role
  need not exist), so every client here, and every Terraform provider (see
  :func:`streamgen.terraform.emulator_override_for`), assumes a role in the
  account it works in: dev (111111111111), the logging account, the
  application accounts, exactly as env.yaml declares them.
- :func:`prepare_environment` creates in moto what env.yaml says exists outside
  streamgen (KMS keys, networks, the log groups that log sources subscribe to)
  and returns env.yaml rewritten to point at it (moto makes its own key and
  VPC ids). The committed example is never touched.
"""

from __future__ import annotations

import contextlib
import copy
import json
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config

ROLE_NAME = "streamgen-integration"
_CONFIG = Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=5, read_timeout=60)


def _tolerate_string_principals() -> None:
    """moto 5.2.5 crashes in PutBucketLogging when the target bucket's policy has a
    statement with ``"Principal": "*"`` (valid IAM; our TLS-only deny statements):
    it calls ``.get`` on the string. Check the logging grant on the other statements."""
    from moto.s3.models import FakeBucket

    original = FakeBucket._log_permissions_enabled_policy
    if getattr(original, "streamgen_patched", False):
        return

    def tolerant(target_bucket: Any, target_prefix: str | None) -> bool:
        if not target_bucket.policy:
            return original(target_bucket, target_prefix)
        document = json.loads(target_bucket.policy.decode())
        document["Statement"] = [s for s in document["Statement"] if isinstance(s.get("Principal", {}), dict)]
        view = types.SimpleNamespace(
            policy=json.dumps(document).encode(), partition=target_bucket.partition, name=target_bucket.name
        )
        return original(view, target_prefix)

    tolerant.streamgen_patched = True  # type: ignore[attr-defined]
    FakeBucket._log_permissions_enabled_policy = staticmethod(tolerant)


def _kinesis_create_stream_tags() -> None:
    """moto 5.2.5 ignores ``Tags`` in CreateStream (the provider sends the
    mandatory tags there); apply them as AddTagsToStream would."""
    from moto.kinesis.responses import KinesisResponse

    original = KinesisResponse.create_stream
    if getattr(original, "streamgen_patched", False):
        return

    def create_stream(self: Any) -> Any:
        result = original(self)
        tags = self._get_param("Tags")
        if tags:
            self.kinesis_backend.add_tags_to_stream(None, self._get_param("StreamName"), tags)
        return result

    create_stream.streamgen_patched = True  # type: ignore[attr-defined]
    KinesisResponse.create_stream = create_stream


def _unconditional_bucket_policy() -> None:
    """moto evaluates bucket policies for object requests without any request
    context, so every condition is unmet: our conditional Deny statements
    (aws:SecureTransport, the SSE-KMS key header) would deny every PutObject.
    Evaluate only the statements without conditions; the conditional ones are
    asserted on the policy document itself (test_buckets_...)."""
    from moto.s3.models import FakeBucket

    original = FakeBucket.get_permission
    if getattr(original, "streamgen_patched", False):
        return

    def get_permission(self: Any, action: str, resource: str) -> Any:
        from moto.iam.access_control import IAMPolicy, PermissionResult

        if self.policy is None:
            return original(self, action, resource)
        document = json.loads(self.policy.decode())
        document["Statement"] = [s for s in document["Statement"] if not s.get("Condition")]
        if not document["Statement"]:
            return PermissionResult.NEUTRAL
        return IAMPolicy(json.dumps(document)).is_action_permitted(action, resource)

    get_permission.streamgen_patched = True  # type: ignore[attr-defined]
    FakeBucket.get_permission = get_permission


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """moto's server on 127.0.0.1 (a free port); yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    _tolerate_string_principals()
    _kinesis_create_stream_tags()
    _unconditional_bucket_policy()

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def role_arn(account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:role/{ROLE_NAME}"


@dataclass
class Aws:
    """boto3 clients against the emulator, one assumed-role session per account."""

    endpoint: str
    region: str
    _sessions: dict[str, boto3.Session] = field(default_factory=dict)

    def session(self, account_id: str) -> boto3.Session:
        if account_id not in self._sessions:
            sts = boto3.client(
                "sts", endpoint_url=self.endpoint, region_name=self.region,
                aws_access_key_id="emulator", aws_secret_access_key="emulator", config=_CONFIG,
            )
            creds = sts.assume_role(RoleArn=role_arn(account_id), RoleSessionName="streamgen-test")["Credentials"]
            self._sessions[account_id] = boto3.Session(
                aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"],
                region_name=self.region,
            )
        return self._sessions[account_id]

    def client(self, service: str, account_id: str) -> Any:
        return self.session(account_id).client(service, endpoint_url=self.endpoint, config=_CONFIG)


def _key(aws: Aws, account_id: str, description: str) -> str:
    return aws.client("kms", account_id).create_key(Description=description)["KeyMetadata"]["Arn"]


def _network(aws: Aws, account_id: str, count: int) -> dict[str, Any]:
    ec2 = aws.client("ec2", account_id)
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    zones = [f"{aws.region}{z}" for z in "abc"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{i}.0/24", AvailabilityZone=zones[i % 3])["Subnet"]["SubnetId"]
        for i in range(count)
    ]
    group = ec2.create_security_group(GroupName="streamgen-apps", Description="apps", VpcId=vpc)["GroupId"]
    return {"vpc_id": vpc, "subnet_ids": subnets, "security_group_ids": [group]}


def _msk_cluster(aws: Aws, account_id: str, arn: str, kind: str) -> str:
    """An MSK cluster in moto under the env's real ARN (cluster/<name>/<uuid>).

    moto names clusters ``cluster/<uuid>`` only; the generated IAM policies
    derive topic and group ARNs from the real format, so the cluster moto
    creates is re-keyed under the ARN env.yaml gives (in-process server).
    """
    from moto.kafka.models import kafka_backends

    name = arn.split("/")[1]
    kafka = aws.client("kafka", account_id)
    if kind == "serverless":
        config = {"Serverless": {"VpcConfigs": [{"SubnetIds": ["subnet-00000001"]}]}}
    else:
        config = {"Provisioned": {
            "BrokerNodeGroupInfo": {"InstanceType": "kafka.m5.large", "ClientSubnets": ["subnet-00000001"]},
            "KafkaVersion": "3.6.0", "NumberOfBrokerNodes": 3,
        }}
    created = kafka.create_cluster_v2(ClusterName=name, **config)["ClusterArn"]
    backend = kafka_backends[account_id][aws.region]
    cluster = backend.clusters.pop(created)
    cluster.arn = arn
    backend.clusters[arn] = cluster
    return arn


def prepare_environment(aws: Aws, env: dict[str, Any], log_groups: dict[str, list[str]]) -> dict[str, Any]:
    """Create the environment's external prerequisites in moto; env.yaml pointing at them.

    ``log_groups``: account name (env.yaml ``accounts``) -> log groups the
    catalog's log sources subscribe to (the applications own them).
    """
    env = copy.deepcopy(env)
    main = env["account_id"]
    env["kms"] = {purpose: _key(aws, main, f"dev {purpose}") for purpose in env["kms"]}
    env["network"] = _network(aws, main, len(env["network"]["subnet_ids"]))
    if env.get("state", {}).get("kms_key_arn"):
        env["state"]["kms_key_arn"] = env["kms"]["data"]  # the backend is local; keep the ARN well-formed
    for account in env.get("accounts", {}).values():
        if account.get("kms"):
            account["kms"] = {p: _key(aws, account["account_id"], f"dev {p}") for p in account["kms"]}
        if account.get("network"):
            account["network"] = _network(aws, account["account_id"], len(account["network"]["subnet_ids"]))
    for name, cluster in env.get("msk_clusters", {}).items():
        cluster["arn"] = _msk_cluster(aws, main, cluster["arn"], cluster.get("type", "provisioned"))
    for name, groups in log_groups.items():
        logs = aws.client("logs", env["accounts"][name]["account_id"])
        for group in groups:
            logs.create_log_group(logGroupName=group)
    # tests tear everything down: nothing here is protected from destruction
    env["allow_destroy"] = True
    return env
