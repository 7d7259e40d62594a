data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  # Computed from inputs so callers get a value at plan time (offline plans,
  # reviewable IAM policies); the output's depends_on keeps apply ordering.
  arn         = "arn:${data.aws_partition.current.partition}:kinesis:${data.aws_region.current.name}:${var.account_id}:stream/${var.name}"
  shard_count = var.stream_mode == "PROVISIONED" ? coalesce(var.shard_count, 1) : null
}

# Terraform cannot switch prevent_destroy with a variable, so the stream is
# declared twice and exactly one instance exists: `this` is protected,
# `unprotected` is for topics the catalog allows to be deleted.
resource "aws_kinesis_stream" "this" {
  count = var.prevent_destroy ? 1 : 0

  name                = var.name
  shard_count         = local.shard_count
  retention_period    = var.retention_period
  encryption_type     = "KMS"
  kms_key_id          = var.kms_key_arn
  shard_level_metrics = var.shard_level_metrics

  stream_mode_details {
    stream_mode = var.stream_mode
  }

  tags = var.tags

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_kinesis_stream" "unprotected" {
  count = var.prevent_destroy ? 0 : 1

  name                = var.name
  shard_count         = local.shard_count
  retention_period    = var.retention_period
  encryption_type     = "KMS"
  kms_key_id          = var.kms_key_arn
  shard_level_metrics = var.shard_level_metrics

  stream_mode_details {
    stream_mode = var.stream_mode
  }

  tags = var.tags
}
