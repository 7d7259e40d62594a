data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  partition = data.aws_partition.current.partition
  region    = data.aws_region.current.name
  role_arns = { for k, r in var.roles : k => "arn:${local.partition}:iam::${var.account_id}:role/${r.role_name}" }
  # Serverless namespaces assume roles as redshift-serverless, clusters as redshift.
  principals = var.target.type == "workgroup" ? ["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"] : ["redshift.amazonaws.com"]
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = local.principals
    }
  }
}

resource "aws_iam_role" "this" {
  for_each = var.roles

  name               = each.value.role_name
  description        = "Redshift streaming ingestion (${var.target.type} ${coalesce(var.target.cluster_identifier, var.target.namespace, "?")}) for ${each.key}"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "this" {
  for_each = var.roles

  dynamic "statement" {
    for_each = length(each.value.kinesis_streams) == 0 ? [] : [1]

    content {
      sid       = "ReadStreams"
      actions   = ["kinesis:DescribeStreamSummary", "kinesis:GetShardIterator", "kinesis:GetRecords", "kinesis:ListShards", "kinesis:DescribeStream"]
      resources = sort(distinct([for s in each.value.kinesis_streams : s.arn]))
    }
  }

  dynamic "statement" {
    for_each = length(each.value.kinesis_streams) == 0 ? [] : [1]

    content {
      sid       = "DecryptStreams"
      actions   = ["kms:Decrypt"]
      resources = sort(distinct([for s in each.value.kinesis_streams : s.kms_key_arn]))

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["kinesis.${local.region}.amazonaws.com"]
      }
    }
  }

  dynamic "statement" {
    for_each = length(each.value.msk_topics) == 0 ? [] : [1]

    content {
      sid       = "KafkaClusters"
      actions   = ["kafka-cluster:Connect", "kafka:GetBootstrapBrokers", "kafka:DescribeClusterV2"]
      resources = sort(distinct([for t in each.value.msk_topics : t.cluster_arn]))
    }
  }

  dynamic "statement" {
    for_each = length(each.value.msk_topics) == 0 ? [] : [1]

    content {
      sid       = "KafkaTopics"
      actions   = ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"]
      resources = sort(distinct([for t in each.value.msk_topics : t.topic_arn]))
    }
  }

  dynamic "statement" {
    for_each = length(each.value.msk_topics) == 0 ? [] : [1]

    content {
      sid       = "KafkaGroups"
      actions   = ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"]
      resources = sort(distinct([for t in each.value.msk_topics : t.group_arn]))
    }
  }
}

resource "aws_iam_role_policy" "this" {
  for_each = var.roles

  name   = "streaming-ingestion"
  role   = aws_iam_role.this[each.key].id
  policy = data.aws_iam_policy_document.this[each.key].json
}

# A provisioned cluster's roles are one list in AWS (ModifyClusterIamRoles);
# this resource owns it, with the roles declared in env.yaml kept. Serverless
# namespaces take roles only through the namespace resource, which its owner
# manages: see docs/glue-redshift.md.
resource "aws_redshift_cluster_iam_roles" "this" {
  count = var.target.type == "cluster" ? 1 : 0

  cluster_identifier = var.target.cluster_identifier
  iam_role_arns      = sort(distinct(concat(var.keep_iam_role_arns, values(local.role_arns))))

  depends_on = [aws_iam_role.this, aws_iam_role_policy.this]
}
