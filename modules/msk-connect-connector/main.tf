data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  partition      = data.aws_partition.current.partition
  region         = data.aws_region.current.name
  log_group_name = "/aws/mskconnect/${var.name}"

  topic_prefix = "${replace(var.cluster.arn, ":cluster/", ":topic/")}/"
  group_prefix = "${replace(var.cluster.arn, ":cluster/", ":group/")}/"
  # MSK Connect's own topics and worker group carry the connector's name:
  # __amazon_msk_connect_{configs,offsets,status}_<name>_<id>, __amazon_msk_connect_cluster_<name>_<id>.
  internal_pattern = "__amazon_msk_connect_*_${var.name}_*"
  internal_topics = concat(
    ["${local.topic_prefix}${local.internal_pattern}"],
    var.offset_storage_topic == null ? [] : ["${local.topic_prefix}${var.offset_storage_topic}"],
    [for t in var.internal_topics : "${local.topic_prefix}${t}"],
  )
  groups = concat(
    ["${local.group_prefix}${local.internal_pattern}"],
    [for g in var.consumer_groups : "${local.group_prefix}${g}"],
  )

  s3_objects = var.s3_destination == null ? null : "${var.s3_destination.bucket_arn}/${var.s3_destination.prefix}/*"

  # The config provider resolves ${secretsmanager:<name>:<field>} at runtime;
  # config.action.reload=none stops MSK Connect from restarting the connector
  # over and over because of it.
  provider_properties = length(var.secrets) == 0 ? {} : {
    "config.providers"                             = "secretsmanager"
    "config.providers.secretsmanager.class"        = "com.amazonaws.kafka.config.providers.SecretsManagerConfigProvider"
    "config.providers.secretsmanager.param.region" = local.region
  }
  worker_properties = merge(
    var.worker_properties,
    local.provider_properties,
    var.offset_storage_topic == null ? {} : { "offset.storage.topic" = var.offset_storage_topic },
  )
  worker_file = join("", [for k in sort(keys(local.worker_properties)) : "${k}=${local.worker_properties[k]}\n"])
  connector_configuration = merge(
    var.connector_configuration,
    length(var.secrets) == 0 ? {} : { "config.action.reload" = "none" },
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
      identifiers = ["kafkaconnect.amazonaws.com"]
    }

    # Only this account's connector of this name may assume the role (confused deputy).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:kafkaconnect:${local.region}:${var.account_id}:connector/${var.name}/*"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = var.role_name
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "this" {
  statement {
    sid = "Cluster"
    # Connect workers' producers are idempotent (Kafka >= 3.0 clients)
    actions   = ["kafka-cluster:Connect", "kafka-cluster:DescribeCluster", "kafka-cluster:WriteDataIdempotently"]
    resources = [var.cluster.arn]
  }

  dynamic "statement" {
    for_each = length(var.read_topics) == 0 ? [] : [1]

    content {
      sid       = "ReadTopics"
      actions   = ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"]
      resources = [for t in var.read_topics : "${local.topic_prefix}${t}"]
    }
  }

  dynamic "statement" {
    for_each = length(var.write_topics) == 0 ? [] : [1]

    content {
      sid       = "WriteTopics"
      actions   = ["kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"]
      resources = [for t in var.write_topics : "${local.topic_prefix}${t}"]
    }
  }

  statement {
    sid       = "InternalTopics"
    actions   = ["kafka-cluster:CreateTopic", "kafka-cluster:DescribeTopic", "kafka-cluster:ReadData", "kafka-cluster:WriteData"]
    resources = local.internal_topics
  }

  statement {
    sid       = "ConsumerGroups"
    actions   = ["kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"]
    resources = local.groups
  }

  dynamic "statement" {
    for_each = var.s3_destination == null ? [] : [var.s3_destination]

    content {
      sid       = "S3Bucket"
      actions   = ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"]
      resources = [statement.value.bucket_arn]
    }
  }

  dynamic "statement" {
    for_each = var.s3_destination == null ? [] : [var.s3_destination]

    content {
      sid       = "S3Objects"
      actions   = ["s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"]
      resources = [local.s3_objects]
    }
  }

  dynamic "statement" {
    for_each = var.s3_destination == null ? [] : [var.s3_destination]

    content {
      sid       = "S3Encryption"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value.kms_key_arn]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${local.region}.amazonaws.com"]
      }

      condition {
        test     = "StringLike"
        variable = "kms:EncryptionContext:aws:s3:arn"
        values   = [local.s3_objects]
      }
    }
  }

  dynamic "statement" {
    for_each = var.event_bus_arn == null ? [] : [var.event_bus_arn]

    content {
      sid       = "PutEvents"
      actions   = ["events:PutEvents"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = var.glue_registry_arn == null ? [] : [var.glue_registry_arn]

    content {
      sid     = "SchemaRegistry"
      actions = ["glue:GetRegistry", "glue:GetSchema", "glue:GetSchemaByDefinition", "glue:GetSchemaVersion", "glue:ListSchemaVersions"]
      resources = [
        statement.value,
        "${replace(statement.value, ":registry/", ":schema/")}/*",
      ]
    }
  }

  dynamic "statement" {
    for_each = length(var.secrets) == 0 ? [] : [1]

    content {
      sid       = "ReadSecrets"
      actions   = ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]
      resources = [for s in var.secrets : s.arn]
    }
  }

  dynamic "statement" {
    for_each = length(compact([for s in var.secrets : s.kms_key_arn])) == 0 ? [] : [1]

    content {
      sid       = "DecryptSecrets"
      actions   = ["kms:Decrypt"]
      resources = distinct(compact([for s in var.secrets : s.kms_key_arn]))

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${local.region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "${var.name}-connector"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

# Worker configurations cannot be updated: a content change creates a new one
# (the name carries a hash of the content) before the old one is deleted.
resource "aws_mskconnect_worker_configuration" "this" {
  name                    = "${var.name}-${substr(sha256(local.worker_file), 0, 8)}"
  description             = "Worker configuration of connector ${var.name}"
  properties_file_content = local.worker_file
  tags                    = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

# The AWS provider does not reliably apply in-place connector_configuration
# changes (hashicorp/terraform-provider-aws#47004): hold the configuration here
# and replace the connector whenever it changes. The name stays the same, so
# sinks resume from their consumer group and sources from offset_storage_topic.
resource "terraform_data" "configuration" {
  # a digest (the plan shows the configuration diff on the connector itself)
  input = sha256(jsonencode({ connector = local.connector_configuration, worker = local.worker_file }))
}

resource "aws_mskconnect_connector" "this" {
  name                       = var.name
  description                = var.description
  kafkaconnect_version       = var.kafkaconnect_version
  service_execution_role_arn = aws_iam_role.this.arn
  connector_configuration    = local.connector_configuration

  capacity {
    dynamic "autoscaling" {
      for_each = var.capacity.autoscaling == null ? [] : [var.capacity.autoscaling]

      content {
        mcu_count        = autoscaling.value.mcu_count
        min_worker_count = autoscaling.value.min_worker_count
        max_worker_count = autoscaling.value.max_worker_count

        scale_in_policy {
          cpu_utilization_percentage = autoscaling.value.scale_in_cpu_percent
        }

        scale_out_policy {
          cpu_utilization_percentage = autoscaling.value.scale_out_cpu_percent
        }
      }
    }

    dynamic "provisioned_capacity" {
      for_each = var.capacity.provisioned == null ? [] : [var.capacity.provisioned]

      content {
        mcu_count    = provisioned_capacity.value.mcu_count
        worker_count = provisioned_capacity.value.worker_count
      }
    }
  }

  kafka_cluster {
    apache_kafka_cluster {
      bootstrap_servers = join(",", var.cluster.bootstrap_servers)

      vpc {
        subnets         = var.cluster.subnet_ids
        security_groups = var.cluster.security_group_ids
      }
    }
  }

  # IAM authentication over TLS only: no plaintext listener, no SASL/SCRAM.
  kafka_cluster_client_authentication {
    authentication_type = "IAM"
  }

  kafka_cluster_encryption_in_transit {
    encryption_type = "TLS"
  }

  dynamic "plugin" {
    for_each = var.plugins

    content {
      custom_plugin {
        arn      = plugin.value.arn
        revision = plugin.value.revision
      }
    }
  }

  worker_configuration {
    arn      = aws_mskconnect_worker_configuration.this.arn
    revision = aws_mskconnect_worker_configuration.this.latest_revision
  }

  log_delivery {
    worker_log_delivery {
      cloudwatch_logs {
        enabled   = true
        log_group = aws_cloudwatch_log_group.this.name
      }
    }
  }

  tags = var.tags

  lifecycle {
    replace_triggered_by = [terraform_data.configuration]
  }

  depends_on = [aws_iam_role_policy.this]
}
