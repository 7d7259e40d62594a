data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  partition      = data.aws_partition.current.partition
  region         = data.aws_region.current.name
  arn            = "arn:${local.partition}:firehose:${local.region}:${var.account_id}:deliverystream/${var.name}"
  log_group_name = "/aws/kinesisfirehose/${var.name}"
  log_group_arn  = "arn:${local.partition}:logs:${local.region}:${var.account_id}:log-group:${local.log_group_name}"
  # The fixed part of each prefix, before the first !{...} expression: IAM scope.
  s3_object_arns = distinct([
    "${var.s3.bucket_arn}/${split("!{", var.s3.prefix)[0]}*",
    "${var.s3.bucket_arn}/${split("!{", var.s3.error_output_prefix)[0]}*",
  ])
  # AWS does not allow server-side encryption on streams with a Kinesis source:
  # the records are encrypted by the source stream's key instead.
  direct_put = var.kinesis_source == null
  # Lambda processors' functions (LambdaArn values may carry a :$LATEST qualifier).
  lambda_functions = distinct([
    for p in var.processors : split(":$LATEST", one([for q in p.parameters : q.value if q.name == "LambdaArn"]))[0]
    if p.type == "Lambda"
  ])
}

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
  tags              = var.tags
}

resource "aws_cloudwatch_log_stream" "destination" {
  name           = "DestinationDelivery"
  log_group_name = aws_cloudwatch_log_group.this.name
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["firehose.amazonaws.com"]
    }

    # Firehose passes the account as external id; this stops other accounts'
    # delivery streams from using the role (confused deputy).
    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = [var.account_id]
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
    sid       = "S3Bucket"
    actions   = ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"]
    resources = [var.s3.bucket_arn]
  }

  statement {
    sid       = "S3Objects"
    actions   = ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"]
    resources = local.s3_object_arns
  }

  statement {
    sid       = "S3Encryption"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.s3.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:s3:arn"
      values   = local.s3_object_arns
    }
  }

  dynamic "statement" {
    for_each = var.kinesis_source == null ? [] : [var.kinesis_source]

    content {
      sid       = "ReadSourceStream"
      actions   = ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetShardIterator", "kinesis:GetRecords", "kinesis:ListShards"]
      resources = [statement.value.stream_arn]
    }
  }

  dynamic "statement" {
    for_each = var.kinesis_source == null ? [] : [var.kinesis_source]

    content {
      sid       = "DecryptSourceStream"
      actions   = ["kms:Decrypt"]
      resources = [statement.value.kms_key_arn]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["kinesis.${local.region}.amazonaws.com"]
      }
    }
  }

  dynamic "statement" {
    for_each = length(local.lambda_functions) == 0 ? [] : [1]

    content {
      sid       = "InvokeProcessor"
      actions   = ["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"]
      resources = concat(local.lambda_functions, [for f in local.lambda_functions : "${f}:*"])
    }
  }

  statement {
    sid       = "ErrorLogging"
    actions   = ["logs:PutLogEvents"]
    resources = ["${local.log_group_arn}:log-stream:*"]
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "${var.name}-delivery"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

# Declared twice so prevent_destroy can follow the catalog (see the
# kinesis-stream README); the two blocks must stay identical apart from count
# and lifecycle, which tests/test_modules.py checks.
resource "aws_kinesis_firehose_delivery_stream" "this" {
  count = var.prevent_destroy ? 1 : 0

  name        = var.name
  destination = "extended_s3"

  dynamic "kinesis_source_configuration" {
    for_each = var.kinesis_source == null ? [] : [var.kinesis_source]

    content {
      kinesis_stream_arn = kinesis_source_configuration.value.stream_arn
      role_arn           = aws_iam_role.this.arn
    }
  }

  dynamic "server_side_encryption" {
    for_each = local.direct_put ? [1] : []

    content {
      enabled  = true
      key_type = "CUSTOMER_MANAGED_CMK"
      key_arn  = var.s3.kms_key_arn
    }
  }

  extended_s3_configuration {
    role_arn            = aws_iam_role.this.arn
    bucket_arn          = var.s3.bucket_arn
    prefix              = var.s3.prefix
    error_output_prefix = var.s3.error_output_prefix
    compression_format  = var.s3.compression_format
    file_extension      = var.s3.file_extension
    buffering_size      = var.s3.buffering_size
    buffering_interval  = var.s3.buffering_interval
    kms_key_arn         = var.s3.kms_key_arn

    cloudwatch_logging_options {
      enabled         = true
      log_group_name  = aws_cloudwatch_log_group.this.name
      log_stream_name = aws_cloudwatch_log_stream.destination.name
    }

    dynamic "processing_configuration" {
      for_each = length(var.processors) == 0 ? [] : [1]

      content {
        enabled = true

        dynamic "processors" {
          for_each = var.processors

          content {
            type = processors.value.type

            dynamic "parameters" {
              for_each = processors.value.parameters

              content {
                parameter_name  = parameters.value.name
                parameter_value = parameters.value.value
              }
            }
          }
        }
      }
    }
  }

  tags = var.tags

  lifecycle {
    prevent_destroy = true
  }

  depends_on = [aws_iam_role_policy.this]
}

resource "aws_kinesis_firehose_delivery_stream" "unprotected" {
  count = var.prevent_destroy ? 0 : 1

  name        = var.name
  destination = "extended_s3"

  dynamic "kinesis_source_configuration" {
    for_each = var.kinesis_source == null ? [] : [var.kinesis_source]

    content {
      kinesis_stream_arn = kinesis_source_configuration.value.stream_arn
      role_arn           = aws_iam_role.this.arn
    }
  }

  dynamic "server_side_encryption" {
    for_each = local.direct_put ? [1] : []

    content {
      enabled  = true
      key_type = "CUSTOMER_MANAGED_CMK"
      key_arn  = var.s3.kms_key_arn
    }
  }

  extended_s3_configuration {
    role_arn            = aws_iam_role.this.arn
    bucket_arn          = var.s3.bucket_arn
    prefix              = var.s3.prefix
    error_output_prefix = var.s3.error_output_prefix
    compression_format  = var.s3.compression_format
    file_extension      = var.s3.file_extension
    buffering_size      = var.s3.buffering_size
    buffering_interval  = var.s3.buffering_interval
    kms_key_arn         = var.s3.kms_key_arn

    cloudwatch_logging_options {
      enabled         = true
      log_group_name  = aws_cloudwatch_log_group.this.name
      log_stream_name = aws_cloudwatch_log_stream.destination.name
    }

    dynamic "processing_configuration" {
      for_each = length(var.processors) == 0 ? [] : [1]

      content {
        enabled = true

        dynamic "processors" {
          for_each = var.processors

          content {
            type = processors.value.type

            dynamic "parameters" {
              for_each = processors.value.parameters

              content {
                parameter_name  = parameters.value.name
                parameter_value = parameters.value.value
              }
            }
          }
        }
      }
    }
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.this]
}
