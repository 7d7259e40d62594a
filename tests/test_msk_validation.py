"""Bad MSK topics and MSK Connect connectors: one exact `file:line: field: message`
per problem, exit 2, nothing written; tasks.max above the partitions is a warning."""

from __future__ import annotations

import pytest
from support import ENV_BASE

ENV = ENV_BASE + """msk_clusters:
  main:
    arn: arn:aws:kafka:eu-west-1:111111111111:cluster/dev-main/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-2
    broker_count: 3
    bootstrap_brokers_iam: [b-1.example.kafka.eu-west-1.amazonaws.com:9098]
  events:
    arn: arn:aws:kafka:eu-west-1:111111111111:cluster/dev-events/0d1e2f30-4a5b-4c6d-9e0f-1a2b3c4d5e6f-s1
    type: serverless
    bootstrap_brokers_iam: [boot-1.example.kafka-serverless.eu-west-1.amazonaws.com:9098]
opensearch:
  domains:
    search:
      arn: arn:aws:es:eu-west-1:111111111111:domain/dev-search
      endpoint: https://search-dev-search-abc.eu-west-1.es.amazonaws.com
msk_connect:
  plugins:
    s3:
      kinds: [s3-sink]
      content_type: ZIP
      location: {bucket_arn: "arn:aws:s3:::plugins-111111111111", file_key: s3-sink.zip}
    events:
      kinds: [eventbridge-sink]
      content_type: JAR
      location: {bucket_arn: "arn:aws:s3:::plugins-111111111111", file_key: eventbridge-sink.jar}
    pg:
      kinds: [debezium-postgresql]
      content_type: ZIP
      location: {bucket_arn: "arn:aws:s3:::plugins-111111111111", file_key: debezium-postgres.zip}
  secrets:
    db:
      arn: arn:aws:secretsmanager:eu-west-1:111111111111:secret:dev/shop/db-AbCdEf
  event_buses:
    shop:
      arn: arn:aws:events:eu-west-1:111111111111:event-bus/dev-shop
"""

HEAD = "domain: shop\nowner: x\ntopics:\n  - name: orders\n    platform: msk\n    cluster: main\n"
# lines 1-6 above; the first connector is "- name" at line 8, its kind at line 9
CONNECTORS = HEAD + "connectors:\n"


BILLING = "domain: billing\nowner: y\ntopics:\n  - name: errors\n    platform: msk\n    cluster: main\n"


def run(sandbox, catalog: str, env: str = ENV, command: str = "generate"):
    sandbox.write("environments/dev/env.yaml", env)
    sandbox.write("catalog/shop.yaml", catalog)
    if "billing/" in catalog:
        sandbox.write("catalog/billing.yaml", BILLING)
    before = sandbox.snapshot()
    result = sandbox.run(command, "--env", "dev")
    return result, before


BAD = [
    (
        "kafka-topic-name",
        "domain: shop\nowner: x\ntopics:\n  - name: orders v1\n    platform: msk\n    cluster: main\n",
        ["catalog/shop.yaml:4: topics[orders v1].name: 'orders v1' must be 1-249 characters of letters, digits, '.', '_' and '-' (Kafka topic rules)"],
    ),
    (
        "replication-above-brokers",
        HEAD + "    replication_factor: 4\n",
        ["catalog/shop.yaml:7: topics[orders].replication_factor: 4 exceeds the 3 brokers of MSK cluster 'main'"],
    ),
    (
        "min-insync-replicas-too-high",
        HEAD + "    configs:\n      min.insync.replicas: 3\n",
        [
            "catalog/shop.yaml:8: topics[orders].configs.min.insync.replicas: 3 must be at most replication factor - 1 = 2, "
            "or producers with acks=all stop when one broker is down"
        ],
    ),
    (
        "min-insync-replicas-with-explicit-rf",
        HEAD + "    replication_factor: 2\n    configs:\n      min.insync.replicas: 2\n",
        ["catalog/shop.yaml:9: topics[orders].configs.min.insync.replicas: 2 must be at most replication factor - 1 = 1"],
    ),
    (
        "unknown-topic-config",
        HEAD + "    configs:\n      retention.msec: 1000\n",
        ["catalog/shop.yaml:8: topics[orders].configs.retention.msec: unknown Kafka topic config 'retention.msec'; did you mean 'retention.ms'?"],
    ),
    (
        "bad-topic-config-values",
        HEAD + "    configs:\n      cleanup.policy: compacted\n      retention.ms: -5\n      preallocate: yes-please\n",
        [
            "catalog/shop.yaml:8: topics[orders].configs.cleanup.policy: 'compacted' must be compact or delete, or both separated by ','",
            "catalog/shop.yaml:9: topics[orders].configs.retention.ms: -5 is below the minimum -1 (-1: keep forever)",
            "catalog/shop.yaml:10: topics[orders].configs.preallocate: 'yes-please' is not true or false",
        ],
    ),
    (
        "dot-underscore-collision",
        "domain: shop\nowner: x\ntopics:\n  - name: orders.v1\n    platform: msk\n    cluster: main\n"
        "  - name: orders_v1\n    platform: msk\n    cluster: main\n",
        [
            "catalog/shop.yaml:7: topics[orders_v1].name: Kafka topic 'shop.orders_v1' collides with 'shop.orders.v1' "
            "(catalog/shop.yaml:4) on cluster 'main': Kafka treats '.' and '_' alike in metric names"
        ],
    ),
    (
        "serverless-replication-and-config",
        "domain: shop\nowner: x\ntopics:\n  - name: scans\n    platform: msk\n    cluster: events\n"
        "    replication_factor: 3\n    configs:\n      min.insync.replicas: 2\n",
        [
            "catalog/shop.yaml:7: topics[scans].replication_factor: MSK Serverless fixes the replication factor at 3; remove replication_factor",
            "catalog/shop.yaml:9: topics[scans].configs.min.insync.replicas: MSK Serverless does not let clients set 'min.insync.replicas'",
        ],
    ),
    (
        "plaintext-database-password",
        CONNECTORS + "  - name: cdc\n    kind: debezium-postgresql\n    database:\n      hostname: db.example.com\n"
        "      name: shop\n      user: debezium\n      password: hunter2\n    tables:\n      public.orders: orders\n",
        [
            "catalog/shop.yaml:14: connectors[cdc].database.password: a plaintext password is not allowed: store it in "
            "Secrets Manager, declare the secret in env.yaml msk_connect.secrets and write {secret: <key>}"
        ],
    ),
    (
        "mcu-3",
        CONNECTORS + "  - name: archive\n    kind: s3-sink\n    topics: [orders]\n    capacity:\n      autoscaling:\n        mcu_per_worker: 3\n",
        ["catalog/shop.yaml:13: connectors[archive].capacity.autoscaling.mcu_per_worker: Input should be 1, 2, 4 or 8"],
    ),
    (
        "workers-above-service-limit-and-min-above-max",
        CONNECTORS + "  - name: archive\n    kind: s3-sink\n    topics: [orders]\n    capacity:\n      provisioned: {workers: 11}\n"
        "  - name: archive2\n    kind: s3-sink\n    topics: [orders]\n    capacity:\n      autoscaling: {min_workers: 4, max_workers: 2}\n",
        [
            "catalog/shop.yaml:12: connectors[archive].capacity.provisioned.workers: Input should be less than or equal to 10",
            "catalog/shop.yaml:17: connectors[archive2].capacity.autoscaling.min_workers: 4 is above max_workers 2",
        ],
    ),
    (
        "missing-plugin-for-kind",
        CONNECTORS + "  - name: poll\n    kind: jdbc-source\n    connection:\n      url: jdbc:postgresql://db:5432/shop\n"
        "      user: reader\n      password: {secret: db}\n    mode: bulk\n    tables: {orders: orders}\n",
        [
            "catalog/shop.yaml:9: connectors[poll].kind: no plugin in env.yaml msk_connect.plugins provides 'jdbc-source' "
            "(declare one with kinds: [jdbc-source], or set plugin:)"
        ],
    ),
    (
        "unknown-plugin-and-wrong-kind",
        CONNECTORS + "  - name: a\n    kind: s3-sink\n    plugin: nope\n    topics: [orders]\n"
        "  - name: b\n    kind: s3-sink\n    plugin: events\n    topics: [orders]\n",
        [
            "catalog/shop.yaml:10: connectors[a].plugin: no plugin 'nope' in env.yaml msk_connect.plugins (events, pg, s3)",
            "catalog/shop.yaml:14: connectors[b].plugin: plugin 'events' provides eventbridge-sink, not s3-sink",
        ],
    ),
    (
        "connector-topics-must-be-msk-and-exist",
        "domain: shop\nowner: x\ntopics:\n  - name: orders\n    platform: msk\n    cluster: main\n  - name: clicks\n"
        "connectors:\n  - name: archive\n    kind: s3-sink\n    topics: [clicks, nope]\n",
        [
            "catalog/shop.yaml:11: connectors[archive].topics[0]: 'clicks' is a kinesis topic; connectors read and write MSK topics",
            "catalog/shop.yaml:11: connectors[archive].topics[1]: no topic 'nope' in the catalog (this domain has: clicks, orders)",
        ],
    ),
    (
        "writes-only-own-domain-topics",
        CONNECTORS + "  - name: archive\n    kind: s3-sink\n    topics: [orders]\n    dead_letter_topic: billing/errors\n",
        ["catalog/shop.yaml:11: connectors[archive].dead_letter_topic: 'billing/errors' belongs to the billing domain; connectors write only their own domain's topics"],
    ),
    (
        "targets-must-exist",
        CONNECTORS + "  - name: events\n    kind: eventbridge-sink\n    topics: [orders]\n    event_bus: nope\n"
        "  - name: search\n    kind: opensearch-sink\n    plugin: s3\n    topics: [orders]\n    domain: logs\n"
        "    username: writer\n    password: {secret: missing}\n",
        [
            "catalog/shop.yaml:11: connectors[events].event_bus: no event bus 'nope' in env.yaml msk_connect.event_buses (shop)",
            "catalog/shop.yaml:14: connectors[search].plugin: plugin 's3' provides s3-sink, not opensearch-sink",
            "catalog/shop.yaml:18: connectors[search].password.secret: no secret 'missing' in env.yaml msk_connect.secrets (db)",
            "catalog/shop.yaml:16: connectors[search].domain: no OpenSearch domain 'logs' in env.yaml opensearch.domains (search)",
        ],
    ),
    (
        "config-keys-streamgen-owns",
        CONNECTORS + "  - name: archive\n    kind: s3-sink\n    topics: [orders]\n    config:\n      topics: other\n"
        "      consumer.override.security.protocol: PLAINTEXT\n      api.token: abc123\n"
        "      s3.part.size: 5242880\n      extra.password: ${secretsmanager:dev/other:password}\n",
        [
            "catalog/shop.yaml:12: connectors[archive].config.topics: 'topics' is set by streamgen from the connector's fields",
            "catalog/shop.yaml:13: connectors[archive].config.consumer.override.security.protocol: MSK Connect authenticates "
            "to the cluster with IAM over TLS",
            "catalog/shop.yaml:14: connectors[archive].config.api.token: looks like a plaintext secret",
            "catalog/shop.yaml:16: connectors[archive].config.extra.password: secret 'dev/other' is not declared in env.yaml "
            "msk_connect.secrets (names: dev/shop/db)",
        ],
    ),
    (
        "worker-property-not-accepted",
        CONNECTORS + "  - name: archive\n    kind: s3-sink\n    topics: [orders]\n    worker_properties:\n"
        "      value.converter: org.apache.kafka.connect.json.JsonConverter\n      offset.storage.topic: mine\n",
        ["catalog/shop.yaml:13: connectors[archive].worker_properties.offset.storage.topic: MSK Connect workers accept only converter"],
    ),
    (
        "jdbc-url-with-credentials",
        CONNECTORS + "  - name: poll\n    kind: jdbc-source\n    plugin: s3\n    connection:\n"
        "      url: jdbc:mysql://db:3306/shop?user=reader&password=secret\n      user: reader\n      password: {secret: db}\n"
        "    mode: bulk\n    tables: {orders: orders}\n",
        ["catalog/shop.yaml:12: connectors[poll].connection.url: looks like it carries credentials; pass the password with password: {secret: <key>}"],
    ),
    (
        "parquet-needs-a-schema",
        CONNECTORS + "  - name: archive\n    kind: s3-sink\n    topics: [orders]\n    format: parquet\n",
        ["catalog/shop.yaml:8: connectors[archive].value_converter: parquet output needs records with a schema: use json-with-schema or avro-glue"],
    ),
    (
        "unknown-connector-kind",
        CONNECTORS + "  - name: archive\n    kind: s4-sink\n    topics: [orders]\n",
        ["catalog/shop.yaml:9: connectors[archive].kind: must be one of 's3-sink', 'opensearch-sink', 'eventbridge-sink'"],
    ),
]


@pytest.mark.parametrize("catalog, expected", [pytest.param(c, e, id=i) for i, c, e in BAD])
def test_bad_msk_catalog(sandbox, catalog, expected):
    result, before = run(sandbox, catalog)
    assert result.code == 2, result.out + result.err
    assert "Traceback" not in result.err
    problems = result.err_lines[:-1]
    assert len(problems) == len(expected), result.err
    for want in expected:
        assert any(line.startswith(want) for line in problems), f"\nmissing: {want}\n    got: {problems}"
    assert result.err_lines[-1].endswith("found; nothing was written")
    assert sandbox.snapshot() == before


def test_bad_msk_environment(sandbox):
    env = ENV.replace("dev/shop/db-AbCdEf", "dev/shop/db-AbCdEf\n      kms_key_arn: nope").replace(
        "event-bus/dev-shop", "event-bus/dev-shop\n  worker_quota: 1"
    )
    env = env.replace("arn:aws:events:eu-west-1:", "arn:aws:events:us-east-1:")
    catalog = CONNECTORS + "  - name: events\n    kind: eventbridge-sink\n    topics: [orders]\n    event_bus: shop\n"
    result, _ = run(sandbox, catalog, env)
    assert result.code == 2
    assert result.err_lines[:-1] == [
        "environments/dev/env.yaml:46: msk_connect.secrets.db.kms_key_arn: 'nope' must be a KMS key ARN "
        "(arn:aws:kms:<region>:<account>:key/<id>); aliases cannot scope IAM",
    ]
    env = env.replace("\n      kms_key_arn: nope", "")
    result, _ = run(sandbox, catalog, env)
    assert result.err_lines[:-1] == [
        "environments/dev/env.yaml:29: msk_connect: connectors may run 2 workers in total; the account quota is 1 "
        "(raise msk_connect.worker_quota after AWS raised it)",
        "environments/dev/env.yaml:48: msk_connect.event_buses.shop.arn: bus is in us-east-1, but the environment is in eu-west-1",
    ]


def test_tasks_max_above_partitions_is_a_warning(sandbox):
    catalog = (
        CONNECTORS + "  - name: events\n    kind: eventbridge-sink\n    topics: [orders]\n    event_bus: shop\n    tasks_max: 8\n"
        "  - name: cdc\n    kind: debezium-postgresql\n    tasks_max: 2\n    database:\n      hostname: db.example.com\n"
        "      name: shop\n      user: debezium\n      password: {secret: db}\n    tables:\n      public.orders: orders\n"
    )
    catalog = catalog.replace("    cluster: main\n", "    cluster: main\n  - name: changes\n    platform: msk\n    cluster: main\n", 1)
    catalog = catalog.replace("public.orders: orders", "public.orders: changes")
    result, _ = run(sandbox, catalog)
    assert result.code == 0, result.err
    assert sorted(result.err_lines) == [
        "catalog/shop.yaml:15: connectors[events].tasks_max: warning: tasks_max 8 exceeds the 6 partitions it reads; "
        "the extra tasks stay idle",
        "catalog/shop.yaml:18: connectors[cdc].tasks_max: warning: tasks_max 2: Debezium captures a database with one task",
    ]
    assert (sandbox.root / "environments/dev/generated/domains/shop/connectors.tf").is_file()
