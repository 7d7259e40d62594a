# One managed policy for Kafka clients of an MSK cluster with IAM access
# control: connect to the cluster, then exactly the topics and groups given.
# Teams attach it to the roles of their producers and consumers.

locals {
  topic_prefix = "${replace(var.cluster_arn, ":cluster/", ":topic/")}/"
  group_prefix = "${replace(var.cluster_arn, ":cluster/", ":group/")}/"
  reads        = [for t in var.read_topics : "${local.topic_prefix}${t}"]
  writes       = [for t in var.write_topics : "${local.topic_prefix}${t}"]
  groups       = [for g in var.groups : "${local.group_prefix}${g}"]
  # Kafka producers are idempotent by default (enable.idempotence=true since 3.0).
  cluster_actions = concat(
    ["kafka-cluster:Connect", "kafka-cluster:DescribeCluster"],
    length(var.write_topics) > 0 ? ["kafka-cluster:WriteDataIdempotently"] : [],
  )
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "Connect"
    actions   = local.cluster_actions
    resources = [var.cluster_arn]
  }

  dynamic "statement" {
    for_each = length(local.reads) > 0 ? [1] : []

    content {
      sid       = "ReadTopics"
      actions   = ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"]
      resources = local.reads
    }
  }

  dynamic "statement" {
    for_each = length(local.writes) > 0 ? [1] : []

    content {
      sid       = "WriteTopics"
      actions   = ["kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"]
      resources = local.writes
    }
  }

  dynamic "statement" {
    for_each = length(local.groups) > 0 ? [1] : []

    content {
      sid       = "ConsumerGroups"
      actions   = ["kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"]
      resources = local.groups
    }
  }
}

resource "aws_iam_policy" "this" {
  name        = var.name
  description = var.description
  policy      = data.aws_iam_policy_document.this.json
  tags        = var.tags

  lifecycle {
    precondition {
      condition     = length(var.read_topics) + length(var.write_topics) + length(var.groups) > 0
      error_message = "Give at least one of read_topics, write_topics or groups: a policy that only connects grants nothing useful."
    }
  }
}
