data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  partition      = data.aws_partition.current.partition
  region         = data.aws_region.current.name
  arn            = "arn:${local.partition}:firehose:${local.region}:${var.account_id}:deliverystream/${var.name}"
  log_group_name = "/aws/kinesisfirehose/${var.name}"
  log_group_arn  = "arn:${local.partition}:logs:${local.region}:${var.account_id}:log-group:${local.log_group_name}"
  # Built from the name so policies that name the role are known at plan time.
  role_arn = "arn:${local.partition}:iam::${var.account_id}:role/${var.role_name}"

  # Exactly one destination; S3 is the default (every destination also has an
  # S3 location: the data itself, failed/all records, or Redshift's staging).
  destination = (
    var.opensearch != null ? "opensearch" :
    var.opensearch_serverless != null ? "opensearchserverless" :
    var.redshift != null ? "redshift" :
    var.http_endpoint != null ? "http_endpoint" :
    var.splunk != null ? "splunk" : "extended_s3"
  )
  # AWS does not allow server-side encryption on streams with a Kinesis or MSK
  # source: the records are protected by the source's own encryption instead.
  direct_put = var.kinesis_source == null && var.msk_source == null
  # Lambda processors' functions (LambdaArn values may carry a :$LATEST qualifier).
  lambda_functions = distinct([
    for p in var.processors : split(":$LATEST", one([for q in p.parameters : q.value if q.name == "LambdaArn"]))[0]
    if p.type == "Lambda"
  ])
  # The extended S3 destination's backup of source records, or Redshift's.
  source_backup = local.destination == "redshift" ? var.redshift.backup : var.s3.backup
}

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
  tags              = var.tags
}

# Delivery errors of the destination, and of the S3 backup/staging location.
resource "aws_cloudwatch_log_stream" "destination" {
  name           = "DestinationDelivery"
  log_group_name = aws_cloudwatch_log_group.this.name
}

resource "aws_cloudwatch_log_stream" "backup" {
  name           = "BackupDelivery"
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
  destination = local.destination

  # Plan scans cannot see that SSE is conditional on the source:
  # checkov:skip=CKV_AWS_240:AWS refuses SSE with a Kinesis or MSK source (the source's key protects the records); Direct PUT always gets it below.
  # checkov:skip=CKV_AWS_241:Direct PUT streams always use the customer managed key below; Kinesis/MSK sources cannot have SSE (see CKV_AWS_240).
  dynamic "server_side_encryption" {
    for_each = local.direct_put ? [1] : []

    content {
      enabled  = true
      key_type = "CUSTOMER_MANAGED_CMK"
      key_arn  = var.s3.kms_key_arn
    }
  }

  dynamic "kinesis_source_configuration" {
    for_each = var.kinesis_source == null ? [] : [var.kinesis_source]

    content {
      kinesis_stream_arn = kinesis_source_configuration.value.stream_arn
      role_arn           = aws_iam_role.this.arn
    }
  }

  dynamic "msk_source_configuration" {
    for_each = var.msk_source == null ? [] : [var.msk_source]

    content {
      msk_cluster_arn     = msk_source_configuration.value.cluster_arn
      topic_name          = msk_source_configuration.value.topic_name
      read_from_timestamp = msk_source_configuration.value.read_from_timestamp

      authentication_configuration {
        connectivity = msk_source_configuration.value.connectivity
        role_arn     = aws_iam_role.this.arn
      }
    }
  }

  dynamic "extended_s3_configuration" {
    for_each = local.destination == "extended_s3" ? [var.s3] : []

    content {
      role_arn            = aws_iam_role.this.arn
      bucket_arn          = extended_s3_configuration.value.bucket_arn
      prefix              = extended_s3_configuration.value.prefix
      error_output_prefix = extended_s3_configuration.value.error_output_prefix
      compression_format  = extended_s3_configuration.value.compression_format
      file_extension      = extended_s3_configuration.value.file_extension
      buffering_size      = extended_s3_configuration.value.buffering_size
      buffering_interval  = extended_s3_configuration.value.buffering_interval
      kms_key_arn         = extended_s3_configuration.value.kms_key_arn
      s3_backup_mode      = local.source_backup == null ? "Disabled" : "Enabled"

      cloudwatch_logging_options {
        enabled         = true
        log_group_name  = aws_cloudwatch_log_group.this.name
        log_stream_name = aws_cloudwatch_log_stream.destination.name
      }

      dynamic "s3_backup_configuration" {
        for_each = local.source_backup == null ? [] : [local.source_backup]

        content {
          role_arn            = aws_iam_role.this.arn
          bucket_arn          = var.s3.bucket_arn
          prefix              = s3_backup_configuration.value.prefix
          error_output_prefix = s3_backup_configuration.value.error_output_prefix
          compression_format  = s3_backup_configuration.value.compression_format
          kms_key_arn         = var.s3.kms_key_arn

          cloudwatch_logging_options {
            enabled         = true
            log_group_name  = aws_cloudwatch_log_group.this.name
            log_stream_name = aws_cloudwatch_log_stream.backup.name
          }
        }
      }

      dynamic "dynamic_partitioning_configuration" {
        for_each = extended_s3_configuration.value.dynamic_partitioning == null ? [] : [extended_s3_configuration.value.dynamic_partitioning]

        content {
          enabled        = true
          retry_duration = dynamic_partitioning_configuration.value.retry_duration
        }
      }

      dynamic "data_format_conversion_configuration" {
        for_each = extended_s3_configuration.value.format_conversion == null ? [] : [extended_s3_configuration.value.format_conversion]

        content {
          enabled = true

          input_format_configuration {
            deserializer {
              dynamic "open_x_json_ser_de" {
                for_each = data_format_conversion_configuration.value.deserializer == "openx" ? [data_format_conversion_configuration.value] : []

                content {
                  column_to_json_key_mappings = length(open_x_json_ser_de.value.column_to_json_key_mappings) == 0 ? null : open_x_json_ser_de.value.column_to_json_key_mappings
                }
              }

              dynamic "hive_json_ser_de" {
                for_each = data_format_conversion_configuration.value.deserializer == "hive" ? [data_format_conversion_configuration.value] : []

                content {
                  timestamp_formats = length(hive_json_ser_de.value.timestamp_formats) == 0 ? null : hive_json_ser_de.value.timestamp_formats
                }
              }
            }
          }

          output_format_configuration {
            serializer {
              dynamic "parquet_ser_de" {
                for_each = data_format_conversion_configuration.value.output_format == "parquet" ? [data_format_conversion_configuration.value] : []

                content {
                  compression = parquet_ser_de.value.compression
                }
              }

              dynamic "orc_ser_de" {
                for_each = data_format_conversion_configuration.value.output_format == "orc" ? [data_format_conversion_configuration.value] : []

                content {
                  compression = orc_ser_de.value.compression
                }
              }
            }
          }

          schema_configuration {
            database_name = data_format_conversion_configuration.value.database_name
            table_name    = data_format_conversion_configuration.value.table_name
            catalog_id    = var.account_id
            region        = local.region
            role_arn      = aws_iam_role.this.arn
          }
        }
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
  }

  dynamic "opensearch_configuration" {
    for_each = var.opensearch == null ? [] : [var.opensearch]

    content {
      role_arn              = aws_iam_role.this.arn
      domain_arn            = opensearch_configuration.value.domain_arn
      index_name            = opensearch_configuration.value.index_name
      index_rotation_period = opensearch_configuration.value.index_rotation_period
      retry_duration        = opensearch_configuration.value.retry_duration
      s3_backup_mode        = opensearch_configuration.value.s3_backup_mode
      buffering_size        = opensearch_configuration.value.buffering_size
      buffering_interval    = opensearch_configuration.value.buffering_interval

      s3_configuration {
        role_arn            = aws_iam_role.this.arn
        bucket_arn          = var.s3.bucket_arn
        prefix              = var.s3.prefix
        error_output_prefix = var.s3.error_output_prefix
        compression_format  = var.s3.compression_format
        buffering_size      = var.s3.buffering_size
        buffering_interval  = var.s3.buffering_interval
        kms_key_arn         = var.s3.kms_key_arn

        cloudwatch_logging_options {
          enabled         = true
          log_group_name  = aws_cloudwatch_log_group.this.name
          log_stream_name = aws_cloudwatch_log_stream.backup.name
        }
      }

      cloudwatch_logging_options {
        enabled         = true
        log_group_name  = aws_cloudwatch_log_group.this.name
        log_stream_name = aws_cloudwatch_log_stream.destination.name
      }

      dynamic "vpc_config" {
        for_each = opensearch_configuration.value.vpc == null ? [] : [opensearch_configuration.value.vpc]

        content {
          subnet_ids         = vpc_config.value.subnet_ids
          security_group_ids = vpc_config.value.security_group_ids
          role_arn           = aws_iam_role.this.arn
        }
      }

      dynamic "document_id_options" {
        for_each = opensearch_configuration.value.document_id_format == null ? [] : [opensearch_configuration.value.document_id_format]

        content {
          default_document_id_format = document_id_options.value
        }
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
  }

  dynamic "opensearchserverless_configuration" {
    for_each = var.opensearch_serverless == null ? [] : [var.opensearch_serverless]

    content {
      role_arn            = aws_iam_role.this.arn
      collection_endpoint = opensearchserverless_configuration.value.collection_endpoint
      index_name          = opensearchserverless_configuration.value.index_name
      retry_duration      = opensearchserverless_configuration.value.retry_duration
      s3_backup_mode      = opensearchserverless_configuration.value.s3_backup_mode
      buffering_size      = opensearchserverless_configuration.value.buffering_size
      buffering_interval  = opensearchserverless_configuration.value.buffering_interval

      s3_configuration {
        role_arn            = aws_iam_role.this.arn
        bucket_arn          = var.s3.bucket_arn
        prefix              = var.s3.prefix
        error_output_prefix = var.s3.error_output_prefix
        compression_format  = var.s3.compression_format
        buffering_size      = var.s3.buffering_size
        buffering_interval  = var.s3.buffering_interval
        kms_key_arn         = var.s3.kms_key_arn

        cloudwatch_logging_options {
          enabled         = true
          log_group_name  = aws_cloudwatch_log_group.this.name
          log_stream_name = aws_cloudwatch_log_stream.backup.name
        }
      }

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
  }

  dynamic "redshift_configuration" {
    for_each = var.redshift == null ? [] : [var.redshift]

    content {
      role_arn           = aws_iam_role.this.arn
      cluster_jdbcurl    = redshift_configuration.value.cluster_jdbcurl
      data_table_name    = redshift_configuration.value.data_table_name
      data_table_columns = length(redshift_configuration.value.data_table_columns) == 0 ? null : join(",", redshift_configuration.value.data_table_columns)
      copy_options       = redshift_configuration.value.copy_options
      retry_duration     = redshift_configuration.value.retry_duration
      s3_backup_mode     = local.source_backup == null ? "Disabled" : "Enabled"

      # COPY reads the records from here; credentials come from Secrets Manager.
      s3_configuration {
        role_arn            = aws_iam_role.this.arn
        bucket_arn          = var.s3.bucket_arn
        prefix              = var.s3.prefix
        error_output_prefix = var.s3.error_output_prefix
        compression_format  = var.s3.compression_format
        buffering_size      = var.s3.buffering_size
        buffering_interval  = var.s3.buffering_interval
        kms_key_arn         = var.s3.kms_key_arn

        cloudwatch_logging_options {
          enabled         = true
          log_group_name  = aws_cloudwatch_log_group.this.name
          log_stream_name = aws_cloudwatch_log_stream.backup.name
        }
      }

      dynamic "s3_backup_configuration" {
        for_each = local.source_backup == null ? [] : [local.source_backup]

        content {
          role_arn            = aws_iam_role.this.arn
          bucket_arn          = var.s3.bucket_arn
          prefix              = s3_backup_configuration.value.prefix
          error_output_prefix = s3_backup_configuration.value.error_output_prefix
          compression_format  = s3_backup_configuration.value.compression_format
          kms_key_arn         = var.s3.kms_key_arn

          cloudwatch_logging_options {
            enabled         = true
            log_group_name  = aws_cloudwatch_log_group.this.name
            log_stream_name = aws_cloudwatch_log_stream.backup.name
          }
        }
      }

      secrets_manager_configuration {
        enabled    = true
        secret_arn = redshift_configuration.value.secret_arn
        role_arn   = aws_iam_role.this.arn
      }

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
  }

  dynamic "http_endpoint_configuration" {
    for_each = var.http_endpoint == null ? [] : [var.http_endpoint]

    content {
      role_arn           = aws_iam_role.this.arn
      url                = http_endpoint_configuration.value.url
      name               = http_endpoint_configuration.value.name
      retry_duration     = http_endpoint_configuration.value.retry_duration
      s3_backup_mode     = http_endpoint_configuration.value.s3_backup_mode
      buffering_size     = http_endpoint_configuration.value.buffering_size
      buffering_interval = http_endpoint_configuration.value.buffering_interval

      s3_configuration {
        role_arn            = aws_iam_role.this.arn
        bucket_arn          = var.s3.bucket_arn
        prefix              = var.s3.prefix
        error_output_prefix = var.s3.error_output_prefix
        compression_format  = var.s3.compression_format
        buffering_size      = var.s3.buffering_size
        buffering_interval  = var.s3.buffering_interval
        kms_key_arn         = var.s3.kms_key_arn

        cloudwatch_logging_options {
          enabled         = true
          log_group_name  = aws_cloudwatch_log_group.this.name
          log_stream_name = aws_cloudwatch_log_stream.backup.name
        }
      }

      # The access key is read from Secrets Manager at delivery time, never stored in the stream.
      dynamic "secrets_manager_configuration" {
        for_each = http_endpoint_configuration.value.secret_arn == null ? [] : [http_endpoint_configuration.value.secret_arn]

        content {
          enabled    = true
          secret_arn = secrets_manager_configuration.value
          role_arn   = aws_iam_role.this.arn
        }
      }

      request_configuration {
        content_encoding = http_endpoint_configuration.value.content_encoding

        dynamic "common_attributes" {
          for_each = http_endpoint_configuration.value.common_attributes

          content {
            name  = common_attributes.key
            value = common_attributes.value
          }
        }
      }

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
  }

  dynamic "splunk_configuration" {
    for_each = var.splunk == null ? [] : [var.splunk]

    content {
      hec_endpoint               = splunk_configuration.value.hec_endpoint
      hec_endpoint_type          = splunk_configuration.value.hec_endpoint_type
      hec_acknowledgment_timeout = splunk_configuration.value.hec_acknowledgment_timeout
      retry_duration             = splunk_configuration.value.retry_duration
      s3_backup_mode             = splunk_configuration.value.s3_backup_mode
      buffering_size             = splunk_configuration.value.buffering_size
      buffering_interval         = splunk_configuration.value.buffering_interval

      s3_configuration {
        role_arn            = aws_iam_role.this.arn
        bucket_arn          = var.s3.bucket_arn
        prefix              = var.s3.prefix
        error_output_prefix = var.s3.error_output_prefix
        compression_format  = var.s3.compression_format
        buffering_size      = var.s3.buffering_size
        buffering_interval  = var.s3.buffering_interval
        kms_key_arn         = var.s3.kms_key_arn

        cloudwatch_logging_options {
          enabled         = true
          log_group_name  = aws_cloudwatch_log_group.this.name
          log_stream_name = aws_cloudwatch_log_stream.backup.name
        }
      }

      # The HEC token is read from Secrets Manager at delivery time, never stored in the stream.
      secrets_manager_configuration {
        enabled    = true
        secret_arn = splunk_configuration.value.secret_arn
        role_arn   = aws_iam_role.this.arn
      }

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
  }

  tags = var.tags

  lifecycle {
    prevent_destroy = true
  }

  # The role must be able to reach the source and destination before creation;
  # a Serverless collection must already admit the role; COPY needs its JSONPaths.
  depends_on = [aws_iam_role_policy.this, aws_opensearchserverless_access_policy.this, aws_s3_object.jsonpaths]
}

resource "aws_kinesis_firehose_delivery_stream" "unprotected" {
  count = var.prevent_destroy ? 0 : 1

  name        = var.name
  destination = local.destination

  # Plan scans cannot see that SSE is conditional on the source:
  # checkov:skip=CKV_AWS_240:AWS refuses SSE with a Kinesis or MSK source (the source's key protects the records); Direct PUT always gets it below.
  # checkov:skip=CKV_AWS_241:Direct PUT streams always use the customer managed key below; Kinesis/MSK sources cannot have SSE (see CKV_AWS_240).
  dynamic "server_side_encryption" {
    for_each = local.direct_put ? [1] : []

    content {
      enabled  = true
      key_type = "CUSTOMER_MANAGED_CMK"
      key_arn  = var.s3.kms_key_arn
    }
  }

  dynamic "kinesis_source_configuration" {
    for_each = var.kinesis_source == null ? [] : [var.kinesis_source]

    content {
      kinesis_stream_arn = kinesis_source_configuration.value.stream_arn
      role_arn           = aws_iam_role.this.arn
    }
  }

  dynamic "msk_source_configuration" {
    for_each = var.msk_source == null ? [] : [var.msk_source]

    content {
      msk_cluster_arn     = msk_source_configuration.value.cluster_arn
      topic_name          = msk_source_configuration.value.topic_name
      read_from_timestamp = msk_source_configuration.value.read_from_timestamp

      authentication_configuration {
        connectivity = msk_source_configuration.value.connectivity
        role_arn     = aws_iam_role.this.arn
      }
    }
  }

  dynamic "extended_s3_configuration" {
    for_each = local.destination == "extended_s3" ? [var.s3] : []

    content {
      role_arn            = aws_iam_role.this.arn
      bucket_arn          = extended_s3_configuration.value.bucket_arn
      prefix              = extended_s3_configuration.value.prefix
      error_output_prefix = extended_s3_configuration.value.error_output_prefix
      compression_format  = extended_s3_configuration.value.compression_format
      file_extension      = extended_s3_configuration.value.file_extension
      buffering_size      = extended_s3_configuration.value.buffering_size
      buffering_interval  = extended_s3_configuration.value.buffering_interval
      kms_key_arn         = extended_s3_configuration.value.kms_key_arn
      s3_backup_mode      = local.source_backup == null ? "Disabled" : "Enabled"

      cloudwatch_logging_options {
        enabled         = true
        log_group_name  = aws_cloudwatch_log_group.this.name
        log_stream_name = aws_cloudwatch_log_stream.destination.name
      }

      dynamic "s3_backup_configuration" {
        for_each = local.source_backup == null ? [] : [local.source_backup]

        content {
          role_arn            = aws_iam_role.this.arn
          bucket_arn          = var.s3.bucket_arn
          prefix              = s3_backup_configuration.value.prefix
          error_output_prefix = s3_backup_configuration.value.error_output_prefix
          compression_format  = s3_backup_configuration.value.compression_format
          kms_key_arn         = var.s3.kms_key_arn

          cloudwatch_logging_options {
            enabled         = true
            log_group_name  = aws_cloudwatch_log_group.this.name
            log_stream_name = aws_cloudwatch_log_stream.backup.name
          }
        }
      }

      dynamic "dynamic_partitioning_configuration" {
        for_each = extended_s3_configuration.value.dynamic_partitioning == null ? [] : [extended_s3_configuration.value.dynamic_partitioning]

        content {
          enabled        = true
          retry_duration = dynamic_partitioning_configuration.value.retry_duration
        }
      }

      dynamic "data_format_conversion_configuration" {
        for_each = extended_s3_configuration.value.format_conversion == null ? [] : [extended_s3_configuration.value.format_conversion]

        content {
          enabled = true

          input_format_configuration {
            deserializer {
              dynamic "open_x_json_ser_de" {
                for_each = data_format_conversion_configuration.value.deserializer == "openx" ? [data_format_conversion_configuration.value] : []

                content {
                  column_to_json_key_mappings = length(open_x_json_ser_de.value.column_to_json_key_mappings) == 0 ? null : open_x_json_ser_de.value.column_to_json_key_mappings
                }
              }

              dynamic "hive_json_ser_de" {
                for_each = data_format_conversion_configuration.value.deserializer == "hive" ? [data_format_conversion_configuration.value] : []

                content {
                  timestamp_formats = length(hive_json_ser_de.value.timestamp_formats) == 0 ? null : hive_json_ser_de.value.timestamp_formats
                }
              }
            }
          }

          output_format_configuration {
            serializer {
              dynamic "parquet_ser_de" {
                for_each = data_format_conversion_configuration.value.output_format == "parquet" ? [data_format_conversion_configuration.value] : []

                content {
                  compression = parquet_ser_de.value.compression
                }
              }

              dynamic "orc_ser_de" {
                for_each = data_format_conversion_configuration.value.output_format == "orc" ? [data_format_conversion_configuration.value] : []

                content {
                  compression = orc_ser_de.value.compression
                }
              }
            }
          }

          schema_configuration {
            database_name = data_format_conversion_configuration.value.database_name
            table_name    = data_format_conversion_configuration.value.table_name
            catalog_id    = var.account_id
            region        = local.region
            role_arn      = aws_iam_role.this.arn
          }
        }
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
  }

  dynamic "opensearch_configuration" {
    for_each = var.opensearch == null ? [] : [var.opensearch]

    content {
      role_arn              = aws_iam_role.this.arn
      domain_arn            = opensearch_configuration.value.domain_arn
      index_name            = opensearch_configuration.value.index_name
      index_rotation_period = opensearch_configuration.value.index_rotation_period
      retry_duration        = opensearch_configuration.value.retry_duration
      s3_backup_mode        = opensearch_configuration.value.s3_backup_mode
      buffering_size        = opensearch_configuration.value.buffering_size
      buffering_interval    = opensearch_configuration.value.buffering_interval

      s3_configuration {
        role_arn            = aws_iam_role.this.arn
        bucket_arn          = var.s3.bucket_arn
        prefix              = var.s3.prefix
        error_output_prefix = var.s3.error_output_prefix
        compression_format  = var.s3.compression_format
        buffering_size      = var.s3.buffering_size
        buffering_interval  = var.s3.buffering_interval
        kms_key_arn         = var.s3.kms_key_arn

        cloudwatch_logging_options {
          enabled         = true
          log_group_name  = aws_cloudwatch_log_group.this.name
          log_stream_name = aws_cloudwatch_log_stream.backup.name
        }
      }

      cloudwatch_logging_options {
        enabled         = true
        log_group_name  = aws_cloudwatch_log_group.this.name
        log_stream_name = aws_cloudwatch_log_stream.destination.name
      }

      dynamic "vpc_config" {
        for_each = opensearch_configuration.value.vpc == null ? [] : [opensearch_configuration.value.vpc]

        content {
          subnet_ids         = vpc_config.value.subnet_ids
          security_group_ids = vpc_config.value.security_group_ids
          role_arn           = aws_iam_role.this.arn
        }
      }

      dynamic "document_id_options" {
        for_each = opensearch_configuration.value.document_id_format == null ? [] : [opensearch_configuration.value.document_id_format]

        content {
          default_document_id_format = document_id_options.value
        }
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
  }

  dynamic "opensearchserverless_configuration" {
    for_each = var.opensearch_serverless == null ? [] : [var.opensearch_serverless]

    content {
      role_arn            = aws_iam_role.this.arn
      collection_endpoint = opensearchserverless_configuration.value.collection_endpoint
      index_name          = opensearchserverless_configuration.value.index_name
      retry_duration      = opensearchserverless_configuration.value.retry_duration
      s3_backup_mode      = opensearchserverless_configuration.value.s3_backup_mode
      buffering_size      = opensearchserverless_configuration.value.buffering_size
      buffering_interval  = opensearchserverless_configuration.value.buffering_interval

      s3_configuration {
        role_arn            = aws_iam_role.this.arn
        bucket_arn          = var.s3.bucket_arn
        prefix              = var.s3.prefix
        error_output_prefix = var.s3.error_output_prefix
        compression_format  = var.s3.compression_format
        buffering_size      = var.s3.buffering_size
        buffering_interval  = var.s3.buffering_interval
        kms_key_arn         = var.s3.kms_key_arn

        cloudwatch_logging_options {
          enabled         = true
          log_group_name  = aws_cloudwatch_log_group.this.name
          log_stream_name = aws_cloudwatch_log_stream.backup.name
        }
      }

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
  }

  dynamic "redshift_configuration" {
    for_each = var.redshift == null ? [] : [var.redshift]

    content {
      role_arn           = aws_iam_role.this.arn
      cluster_jdbcurl    = redshift_configuration.value.cluster_jdbcurl
      data_table_name    = redshift_configuration.value.data_table_name
      data_table_columns = length(redshift_configuration.value.data_table_columns) == 0 ? null : join(",", redshift_configuration.value.data_table_columns)
      copy_options       = redshift_configuration.value.copy_options
      retry_duration     = redshift_configuration.value.retry_duration
      s3_backup_mode     = local.source_backup == null ? "Disabled" : "Enabled"

      # COPY reads the records from here; credentials come from Secrets Manager.
      s3_configuration {
        role_arn            = aws_iam_role.this.arn
        bucket_arn          = var.s3.bucket_arn
        prefix              = var.s3.prefix
        error_output_prefix = var.s3.error_output_prefix
        compression_format  = var.s3.compression_format
        buffering_size      = var.s3.buffering_size
        buffering_interval  = var.s3.buffering_interval
        kms_key_arn         = var.s3.kms_key_arn

        cloudwatch_logging_options {
          enabled         = true
          log_group_name  = aws_cloudwatch_log_group.this.name
          log_stream_name = aws_cloudwatch_log_stream.backup.name
        }
      }

      dynamic "s3_backup_configuration" {
        for_each = local.source_backup == null ? [] : [local.source_backup]

        content {
          role_arn            = aws_iam_role.this.arn
          bucket_arn          = var.s3.bucket_arn
          prefix              = s3_backup_configuration.value.prefix
          error_output_prefix = s3_backup_configuration.value.error_output_prefix
          compression_format  = s3_backup_configuration.value.compression_format
          kms_key_arn         = var.s3.kms_key_arn

          cloudwatch_logging_options {
            enabled         = true
            log_group_name  = aws_cloudwatch_log_group.this.name
            log_stream_name = aws_cloudwatch_log_stream.backup.name
          }
        }
      }

      secrets_manager_configuration {
        enabled    = true
        secret_arn = redshift_configuration.value.secret_arn
        role_arn   = aws_iam_role.this.arn
      }

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
  }

  dynamic "http_endpoint_configuration" {
    for_each = var.http_endpoint == null ? [] : [var.http_endpoint]

    content {
      role_arn           = aws_iam_role.this.arn
      url                = http_endpoint_configuration.value.url
      name               = http_endpoint_configuration.value.name
      retry_duration     = http_endpoint_configuration.value.retry_duration
      s3_backup_mode     = http_endpoint_configuration.value.s3_backup_mode
      buffering_size     = http_endpoint_configuration.value.buffering_size
      buffering_interval = http_endpoint_configuration.value.buffering_interval

      s3_configuration {
        role_arn            = aws_iam_role.this.arn
        bucket_arn          = var.s3.bucket_arn
        prefix              = var.s3.prefix
        error_output_prefix = var.s3.error_output_prefix
        compression_format  = var.s3.compression_format
        buffering_size      = var.s3.buffering_size
        buffering_interval  = var.s3.buffering_interval
        kms_key_arn         = var.s3.kms_key_arn

        cloudwatch_logging_options {
          enabled         = true
          log_group_name  = aws_cloudwatch_log_group.this.name
          log_stream_name = aws_cloudwatch_log_stream.backup.name
        }
      }

      # The access key is read from Secrets Manager at delivery time, never stored in the stream.
      dynamic "secrets_manager_configuration" {
        for_each = http_endpoint_configuration.value.secret_arn == null ? [] : [http_endpoint_configuration.value.secret_arn]

        content {
          enabled    = true
          secret_arn = secrets_manager_configuration.value
          role_arn   = aws_iam_role.this.arn
        }
      }

      request_configuration {
        content_encoding = http_endpoint_configuration.value.content_encoding

        dynamic "common_attributes" {
          for_each = http_endpoint_configuration.value.common_attributes

          content {
            name  = common_attributes.key
            value = common_attributes.value
          }
        }
      }

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
  }

  dynamic "splunk_configuration" {
    for_each = var.splunk == null ? [] : [var.splunk]

    content {
      hec_endpoint               = splunk_configuration.value.hec_endpoint
      hec_endpoint_type          = splunk_configuration.value.hec_endpoint_type
      hec_acknowledgment_timeout = splunk_configuration.value.hec_acknowledgment_timeout
      retry_duration             = splunk_configuration.value.retry_duration
      s3_backup_mode             = splunk_configuration.value.s3_backup_mode
      buffering_size             = splunk_configuration.value.buffering_size
      buffering_interval         = splunk_configuration.value.buffering_interval

      s3_configuration {
        role_arn            = aws_iam_role.this.arn
        bucket_arn          = var.s3.bucket_arn
        prefix              = var.s3.prefix
        error_output_prefix = var.s3.error_output_prefix
        compression_format  = var.s3.compression_format
        buffering_size      = var.s3.buffering_size
        buffering_interval  = var.s3.buffering_interval
        kms_key_arn         = var.s3.kms_key_arn

        cloudwatch_logging_options {
          enabled         = true
          log_group_name  = aws_cloudwatch_log_group.this.name
          log_stream_name = aws_cloudwatch_log_stream.backup.name
        }
      }

      # The HEC token is read from Secrets Manager at delivery time, never stored in the stream.
      secrets_manager_configuration {
        enabled    = true
        secret_arn = splunk_configuration.value.secret_arn
        role_arn   = aws_iam_role.this.arn
      }

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
  }

  tags = var.tags

  # The role must be able to reach the source and destination before creation;
  # a Serverless collection must already admit the role; COPY needs its JSONPaths.
  depends_on = [aws_iam_role_policy.this, aws_opensearchserverless_access_policy.this, aws_s3_object.jsonpaths]
}
