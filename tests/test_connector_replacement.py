"""A changed connector configuration replaces the connector in a real offline plan.

The AWS provider does not reliably apply in-place connector_configuration
changes (hashicorp/terraform-provider-aws#47004), so the module replaces the
connector instead. Proven end to end: generate a domain with one connector,
plan it, turn the plan into a prior state (tests/plan_state.py) and re-plan
until nothing changes; then change the catalog, regenerate and plan again
against that state with -refresh=false.
"""

from __future__ import annotations

import shutil

import pytest

from plan_state import Root, changes
from streamgen import runner, terraform
from support import make_sandbox
from support import ENV_BASE

pytestmark = pytest.mark.terraform

ENV = ENV_BASE + """msk_clusters:
  main:
    arn: arn:aws:kafka:eu-west-1:111111111111:cluster/dev-main/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-2
    broker_count: 3
    bootstrap_brokers_iam: [b-1.example.kafka.eu-west-1.amazonaws.com:9098]
msk_connect:
  plugins:
    events:
      kinds: [eventbridge-sink]
      content_type: JAR
      location: {bucket_arn: "arn:aws:s3:::plugins-111111111111", file_key: eventbridge-sink.jar}
  event_buses:
    shop:
      arn: arn:aws:events:eu-west-1:111111111111:event-bus/dev-shop
"""

CATALOG = """
domain: shop
owner: team-shop
topics:
  - name: orders
    platform: msk
    cluster: main
connectors:
  - name: order-events
    kind: eventbridge-sink
    topics: [orders]
    event_bus: shop
    detail_type: order
"""

CONNECTOR = "module.connector_order-events.aws_mskconnect_connector.this"
TRIGGER = "module.connector_order-events.terraform_data.configuration"
WORKER = "module.connector_order-events.aws_mskconnect_worker_configuration.this"


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    sandbox = make_sandbox(tmp_path_factory.mktemp("replace") / "repo", with_example=False)
    sandbox.write("environments/dev/env.yaml", ENV)
    sandbox.write("catalog/shop.yaml", CATALOG)
    assert sandbox.run("generate", "--env", "dev").code == 0
    source = sandbox.ws.generated_dir("dev") / "domains" / "shop"
    root = terraform.stage(
        sandbox.ws, source, sandbox.root / ".work", overrides={runner.OFFLINE_OVERRIDE_NAME: terraform.offline_override_for(source)}
    )
    root.init()
    # keep `root` referenced: tftest deletes .terraform and the state when its object is collected
    tf = Root(root.path, root.tf.binary, {**root.tf.env}, keepalive=root)
    converged = tf.converge()
    return sandbox, source, tf, converged


def regenerate(sandbox, source, tf: Root, catalog: str) -> dict:
    sandbox.write("catalog/shop.yaml", catalog)
    result = sandbox.run("generate", "--env", "dev")
    assert result.code == 0, result.err
    for path in source.glob("*.tf"):
        shutil.copy2(path, tf.path / path.name)
    return tf.plan()


def test_unchanged_catalog_plans_nothing(staged):
    _, _, _, converged = staged
    assert changes(converged) == {}
    addresses = {c["address"] for c in converged["resource_changes"]}
    assert {CONNECTOR, TRIGGER, WORKER} <= addresses


def test_changed_connector_configuration_replaces_the_connector(staged):
    sandbox, source, tf, _ = staged
    plan = regenerate(sandbox, source, tf, CATALOG.replace("detail_type: order", "detail_type: order-v2"))
    found = changes(plan)
    assert found == {TRIGGER: ["update"], CONNECTOR: ["delete", "create"]}, found
    (change,) = [c for c in plan["resource_changes"] if c["address"] == CONNECTOR]
    assert change["action_reason"] == "replace_by_triggers"
    assert change["change"]["before"]["connector_configuration"]["aws.eventbridge.detail.types"] == "order"
    assert change["change"]["after"]["connector_configuration"]["aws.eventbridge.detail.types"] == "order-v2"
    assert change["change"]["after"]["name"] == change["change"]["before"]["name"]  # offsets stay with the name


def test_changed_worker_properties_replace_worker_configuration_and_connector(staged):
    sandbox, source, tf, _ = staged
    catalog = CATALOG + "    worker_properties:\n      offset.flush.interval.ms: 30000\n"
    plan = regenerate(sandbox, source, tf, catalog)
    found = changes(plan)
    # a new worker configuration (hash in its name) is created before the old one goes
    assert found[WORKER] == ["create", "delete"], found
    assert found[CONNECTOR] == ["delete", "create"], found
    assert set(found) == {WORKER, CONNECTOR, TRIGGER}, found


def test_capacity_change_updates_in_place(staged):
    # capacity is updated in place by the provider; no trigger, no replacement
    sandbox, source, tf, _ = staged
    plan = regenerate(sandbox, source, tf, CATALOG + "    capacity:\n      autoscaling: {max_workers: 3}\n")
    assert changes(plan) == {CONNECTOR: ["update"]}
