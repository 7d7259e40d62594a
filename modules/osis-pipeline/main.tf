data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  partition = data.aws_partition.current.partition
  region    = data.aws_region.current.name
  arn       = "arn:${local.partition}:osis:${local.region}:${var.account_id}:pipeline/${var.name}"
  role_arn  = "arn:${local.partition}:iam::${var.account_id}:role/${var.role_name}"
  # OpenSearch Ingestion publishes through CloudWatch vended logs, which only
  # deliver to log groups under /aws/vendedlogs/.
  log_group_name = "/aws/vendedlogs/OpenSearchIngestion/${var.name}/audit-logs"
  dlq_objects    = "${var.dlq.bucket_arn}/${var.dlq.prefix}*"

  kafka   = var.kafka_source == null ? [] : [var.kafka_source]
  glue    = var.kafka_source == null ? [] : (length(var.kafka_source.glue_schema_arns) == 0 ? [] : [var.kafka_source])
  kinesis = var.kinesis_source == null ? [] : [var.kinesis_source]
  fan_out = var.kinesis_source == null ? [] : (var.kinesis_source.enhanced_fan_out ? [var.kinesis_source] : [])
  domain  = var.opensearch_domain_arn == null ? [] : [var.opensearch_domain_arn]
  aoss    = var.opensearch_collection == null ? [] : [var.opensearch_collection]
  aoss_network = var.opensearch_collection == null ? [] : (
    try(var.opensearch_collection.network_policy_name, null) == null ? [] : [var.opensearch_collection]
  )
}

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["osis-pipelines.amazonaws.com"]
    }

    # Only this account's pipeline of this name may use the role (confused deputy).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.arn]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = var.role_name
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "this" {
  # --- source: Kafka on MSK (IAM auth) ---
  dynamic "statement" {
    for_each = local.kafka

    content {
      sid       = "MskCluster"
      actions   = ["kafka-cluster:Connect", "kafka-cluster:DescribeCluster", "kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"]
      resources = [statement.value.cluster_arn]
    }
  }

  dynamic "statement" {
    for_each = local.kafka

    content {
      sid       = "ReadTopics"
      actions   = ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"]
      resources = statement.value.topic_arns
    }
  }

  dynamic "statement" {
    for_each = local.kafka

    content {
      sid       = "ConsumerGroups"
      actions   = ["kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"]
      resources = statement.value.group_arns
    }
  }

  dynamic "statement" {
    for_each = local.glue

    content {
      sid       = "SchemaRegistry"
      actions   = ["glue:GetRegistry", "glue:GetSchema", "glue:GetSchemaVersion"]
      resources = concat(statement.value.glue_registry_arns, statement.value.glue_schema_arns)
    }
  }

  # --- source: Kinesis ---
  dynamic "statement" {
    for_each = local.kinesis

    content {
      sid       = "ReadStreams"
      actions   = ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"]
      resources = statement.value.stream_arns
    }
  }

  dynamic "statement" {
    for_each = local.fan_out

    content {
      sid       = "EnhancedFanOut"
      actions   = ["kinesis:DescribeStreamConsumer", "kinesis:ListStreamConsumers", "kinesis:RegisterStreamConsumer", "kinesis:SubscribeToShard"]
      resources = concat(statement.value.stream_arns, [for s in statement.value.stream_arns : "${s}/consumer/*"])
    }
  }

  dynamic "statement" {
    for_each = local.kinesis

    content {
      sid       = "DecryptStreams"
      actions   = ["kms:Decrypt"]
      resources = statement.value.kms_key_arns

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["kinesis.${local.region}.amazonaws.com"]
      }
    }
  }

  # --- sink: OpenSearch domain ---
  dynamic "statement" {
    for_each = local.domain

    content {
      sid       = "DescribeDomain"
      actions   = ["es:DescribeDomain"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = local.domain

    content {
      sid       = "WriteDomain"
      actions   = ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut"]
      resources = ["${statement.value}/*"]
    }
  }

  # --- sink: OpenSearch Serverless collection ---
  dynamic "statement" {
    for_each = local.aoss

    content {
      sid       = "WriteCollection"
      actions   = ["aoss:APIAccessAll", "aoss:BatchGetCollection"]
      resources = [statement.value.arn]
    }
  }

  dynamic "statement" {
    for_each = local.aoss_network

    content {
      # Security policies have no ARN; the condition limits the role to this collection's.
      sid       = "CollectionNetworkPolicy"
      actions   = ["aoss:CreateSecurityPolicy", "aoss:GetSecurityPolicy", "aoss:UpdateSecurityPolicy"]
      resources = ["*"]

      condition {
        test     = "StringEquals"
        variable = "aoss:collection"
        values   = [statement.value.name]
      }
    }
  }

  # --- dead-letter queue ---
  statement {
    sid       = "WriteDeadLetters"
    actions   = ["s3:PutObject"]
    resources = [local.dlq_objects]
  }

  statement {
    sid       = "EncryptDeadLetters"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.dlq.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.region}.amazonaws.com"]
    }

    # With an S3 Bucket Key the context is the bucket's ARN, without it the object's.
    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:s3:arn"
      values   = [var.dlq.bucket_arn, local.dlq_objects]
    }
  }

  # --- persistent buffer encrypted with the customer managed key ---
  dynamic "statement" {
    for_each = var.persistent_buffer_enabled ? [1] : []

    content {
      sid       = "BufferEncryption"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [var.kms_key_arn]
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "${var.name}-pipeline"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

# A serverless collection authorizes data access with its own policies, not IAM:
# this one lets the pipeline role create and write the indexes it targets, nothing else.
resource "aws_opensearchserverless_access_policy" "this" {
  count = var.opensearch_collection == null ? 0 : 1

  name        = var.name
  type        = "data"
  description = "OpenSearch Ingestion pipeline ${var.name} writes its indexes"
  policy = jsonencode([{
    Rules = [{
      ResourceType = "index"
      Resource     = [for p in var.opensearch_collection.index_patterns : "index/${var.opensearch_collection.name}/${p}"]
      Permission   = ["aoss:CreateIndex", "aoss:DescribeIndex", "aoss:UpdateIndex", "aoss:WriteDocument"]
    }]
    # the literal ARN keeps the policy readable in plans; depends_on orders creation
    Principal = [local.role_arn]
  }])

  depends_on = [aws_iam_role.this]
}

resource "aws_osis_pipeline" "this" {
  pipeline_name               = var.name
  min_units                   = var.min_units
  max_units                   = var.max_units
  pipeline_configuration_body = var.pipeline_configuration_body

  vpc_options {
    subnet_ids              = var.subnet_ids
    security_group_ids      = var.security_group_ids
    vpc_endpoint_management = "SERVICE"
  }

  encryption_at_rest_options {
    kms_key_arn = var.kms_key_arn
  }

  buffer_options {
    persistent_buffer_enabled = var.persistent_buffer_enabled
  }

  log_publishing_options {
    is_logging_enabled = true

    cloudwatch_log_destination {
      log_group = aws_cloudwatch_log_group.this.name
    }
  }

  tags = var.tags

  lifecycle {
    # The body signs every request with sts_role_arn: it must be this module's role.
    precondition {
      condition     = strcontains(var.pipeline_configuration_body, local.role_arn)
      error_message = "pipeline_configuration_body must use this module's role (sts_role_arn: ${local.role_arn})."
    }
  }

  depends_on = [aws_iam_role_policy.this, aws_opensearchserverless_access_policy.this]
}
