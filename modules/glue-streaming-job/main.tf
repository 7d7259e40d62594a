data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  partition = data.aws_partition.current.partition
  region    = data.aws_region.current.name
  kafka     = var.kafka_source != null
  arn       = "arn:${local.partition}:glue:${local.region}:${var.account_id}:job/${var.name}"

  catalog_arn  = "arn:${local.partition}:glue:${local.region}:${var.account_id}:catalog"
  database_arn = "arn:${local.partition}:glue:${local.region}:${var.account_id}:database/${var.catalog.database_name}"
  table_arn    = "arn:${local.partition}:glue:${local.region}:${var.account_id}:table/${var.catalog.database_name}/${var.catalog.table_name}"

  connection_name     = "${var.name}-msk"
  connection_arn      = "arn:${local.partition}:glue:${local.region}:${var.account_id}:connection/${local.connection_name}"
  security_config     = var.name
  bucket              = split(":::", var.output.bucket_arn)[1]
  script_location     = "s3://${var.script.bucket}/${var.script.key}"
  checkpoint_bucket   = regex("^s3://([^/]+)/(.*)$", var.checkpoint_location)[0]
  checkpoint_prefix   = regex("^s3://([^/]+)/(.*)$", var.checkpoint_location)[1]
  checkpoint_bucket_a = "arn:${local.partition}:s3:::${local.checkpoint_bucket}"

  # Continuous logging goes to our own group; the security configuration's
  # CloudWatch encryption makes Glue write driver output and errors to groups
  # named after the configuration and role, created here with KMS and retention.
  log_groups = {
    continuous = "/aws-glue/jobs/${var.name}"
    output     = "/aws-glue/jobs/${local.security_config}-role/${var.role_name}/output"
    error      = "/aws-glue/jobs/${local.security_config}-role/${var.role_name}/error"
  }
  log_group_arns = [for g in values(local.log_groups) : "arn:${local.partition}:logs:${local.region}:${var.account_id}:log-group:${g}"]

  # The S3 locations the job reads and writes: IAM is scoped to these prefixes.
  locations = concat(
    [for p in [var.output.data_prefix, var.output.error_prefix, var.output.temp_prefix] : { bucket_arn = var.output.bucket_arn, prefix = p }],
    [{ bucket_arn = local.checkpoint_bucket_a, prefix = local.checkpoint_prefix }],
  )
  bucket_arns   = distinct([for l in local.locations : l.bucket_arn])
  object_arns   = distinct([for l in local.locations : "${l.bucket_arn}/${l.prefix}*"])
  list_prefixes = distinct([for l in local.locations : "${l.prefix}*"])

  iceberg_conf = join(" --conf ", [
    "spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
    "spark.sql.catalog.glue_catalog=org.apache.iceberg.spark.SparkCatalog",
    "spark.sql.catalog.glue_catalog.warehouse=s3://${local.bucket}/${var.output.data_prefix}",
    "spark.sql.catalog.glue_catalog.catalog-impl=org.apache.iceberg.aws.glue.GlueCatalog",
    "spark.sql.catalog.glue_catalog.io-impl=org.apache.iceberg.aws.s3.S3FileIO",
    # S3FileIO bypasses the security configuration: ask it for SSE-KMS itself
    "spark.sql.catalog.glue_catalog.s3.sse.type=kms",
    "spark.sql.catalog.glue_catalog.s3.sse.key=${var.kms_key_arn}",
  ])

  arguments = merge(
    {
      "--job-language"                     = "python"
      "--enable-continuous-cloudwatch-log" = "true"
      "--enable-continuous-log-filter"     = "true"
      "--continuous-log-logGroup"          = local.log_groups.continuous
      "--enable-metrics"                   = "true"
      "--enable-observability-metrics"     = "true"
      "--enable-glue-datacatalog"          = "true"
      "--job-bookmark-option"              = "job-bookmark-disable" # streaming jobs resume from checkpoints
      "--TempDir"                          = "s3://${local.bucket}/${var.output.temp_prefix}"
      # the script's own parameters
      "--window_size"         = "${var.window_size_s} seconds"
      "--checkpoint_location" = var.checkpoint_location
      "--output_path"         = "s3://${local.bucket}/${var.output.data_prefix}"
      "--error_path"          = "s3://${local.bucket}/${var.output.error_prefix}"
      "--database"            = var.catalog.database_name
      "--table"               = var.catalog.table_name
      "--starting_position"   = var.starting_position
      # a changed script shows as a change of the job in the plan
      "--script_sha256" = filesha256(var.script.file)
    },
    local.kafka ? {
      "--connection_name" = local.connection_name
      "--topic"           = var.kafka_source.topic_name
      } : {
      "--stream_arn" = var.kinesis_source.stream_arn
    },
    var.output.format == "iceberg" ? {
      "--datalake-formats" = "iceberg"
      "--conf"             = local.iceberg_conf
    } : {},
  )
}

resource "terraform_data" "one_source" {
  lifecycle {
    precondition {
      condition     = (var.kinesis_source == null) != (var.kafka_source == null)
      error_message = "set exactly one of kinesis_source and kafka_source."
    }
  }
}

# --- script ---------------------------------------------------------------------

resource "aws_s3_object" "script" {
  bucket                 = var.script.bucket
  key                    = var.script.key
  source                 = var.script.file
  source_hash            = filemd5(var.script.file)
  content_type           = "text/x-python"
  server_side_encryption = "aws:kms"
  kms_key_id             = var.kms_key_arn
  tags                   = var.tags
}

# --- logs and encryption ------------------------------------------------------------

resource "aws_cloudwatch_log_group" "this" {
  for_each = local.log_groups

  name              = each.value
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
  tags              = var.tags
}

resource "aws_glue_security_configuration" "this" {
  name = local.security_config

  encryption_configuration {
    cloudwatch_encryption {
      cloudwatch_encryption_mode = "SSE-KMS"
      kms_key_arn                = var.logs_kms_key_arn
    }

    job_bookmarks_encryption {
      job_bookmarks_encryption_mode = "CSE-KMS"
      kms_key_arn                   = var.kms_key_arn
    }

    s3_encryption {
      s3_encryption_mode = "SSE-KMS"
      kms_key_arn        = var.kms_key_arn
    }
  }
}

# --- role -----------------------------------------------------------------------------

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["glue.amazonaws.com"]
    }

    # Only Glue acting for this account may use the role (confused deputy).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
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
    sid       = "ReadScript"
    actions   = ["s3:GetObject"]
    resources = ["arn:${local.partition}:s3:::${var.script.bucket}/${var.script.key}"]
  }

  statement {
    sid       = "ListOwnPrefixes"
    actions   = ["s3:ListBucket"]
    resources = local.bucket_arns

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = local.list_prefixes
    }
  }

  statement {
    sid       = "BucketLocation"
    actions   = ["s3:GetBucketLocation"]
    resources = local.bucket_arns
  }

  statement {
    sid       = "ReadWriteOwnPrefixes"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
    resources = local.object_arns
  }

  # S3 SSE-KMS (through S3) and client-side encrypted job bookmarks (direct).
  statement {
    sid       = "DataKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"]
    resources = concat(local.log_group_arns, [for arn in local.log_group_arns : "${arn}:log-stream:*"])
  }

  statement {
    sid       = "LogsKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = [var.logs_kms_key_arn]
  }

  # PutMetricData has no resource-level permissions; the namespace condition scopes it.
  statement {
    sid       = "Metrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = ["Glue"]
    }
  }

  statement {
    sid = "CatalogTable"
    actions = [
      "glue:GetDatabase", "glue:GetTable", "glue:UpdateTable",
      "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition",
      "glue:CreatePartition", "glue:BatchCreatePartition", "glue:UpdatePartition",
    ]
    resources = [local.catalog_arn, local.database_arn, local.table_arn]
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
    for_each = local.kafka ? [var.kafka_source] : []

    content {
      sid       = "KafkaCluster"
      actions   = ["kafka-cluster:Connect", "kafka-cluster:DescribeCluster"]
      resources = [statement.value.cluster_arn]
    }
  }

  dynamic "statement" {
    for_each = local.kafka ? [var.kafka_source] : []

    content {
      sid       = "KafkaTopic"
      actions   = ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"]
      resources = [statement.value.topic_arn]
    }
  }

  dynamic "statement" {
    for_each = local.kafka ? [var.kafka_source] : []

    content {
      sid       = "KafkaConsumerGroup"
      actions   = ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"]
      resources = [statement.value.group_arn]
    }
  }

  dynamic "statement" {
    for_each = local.kafka ? [1] : []

    content {
      sid       = "GlueConnection"
      actions   = ["glue:GetConnection"]
      resources = [local.catalog_arn, local.connection_arn]
    }
  }

  # The connection's network interfaces in the job's subnet. Describe calls
  # have no resource-level permissions.
  dynamic "statement" {
    for_each = local.kafka ? [1] : []

    content {
      sid = "DescribeNetwork"
      actions = [
        "ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets",
        "ec2:DescribeVpcAttribute", "ec2:DescribeVpcEndpoints", "ec2:DescribeRouteTables",
      ]
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = local.kafka ? [var.kafka_source] : []

    # Scoped to the connection's VPC rather than to the module's own security
    # group id, so the policy is concrete at plan time.
    content {
      sid     = "NetworkInterfaces"
      actions = ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"]
      resources = [
        "arn:${local.partition}:ec2:${local.region}:${var.account_id}:network-interface/*",
        "arn:${local.partition}:ec2:${local.region}:${var.account_id}:subnet/${statement.value.subnet_id}",
        "arn:${local.partition}:ec2:${local.region}:${var.account_id}:security-group/*",
      ]

      condition {
        test     = "ArnEquals"
        variable = "ec2:Vpc"
        values   = ["arn:${local.partition}:ec2:${local.region}:${var.account_id}:vpc/${statement.value.vpc_id}"]
      }
    }
  }

  dynamic "statement" {
    for_each = local.kafka ? [1] : []

    content {
      sid       = "TagGlueNetworkInterfaces"
      actions   = ["ec2:CreateTags", "ec2:DeleteTags"]
      resources = ["arn:${local.partition}:ec2:${local.region}:${var.account_id}:network-interface/*"]

      condition {
        test     = "ForAllValues:StringEquals"
        variable = "aws:TagKeys"
        values   = ["aws-glue-service-resource"]
      }
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "${var.name}-job"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

# --- Kafka connection (MSK: IAM auth, TLS required) ------------------------------------

resource "aws_security_group" "glue" {
  # checkov:skip=CKV2_AWS_5:attached to the Glue connection below, which checkov does not recognise as an attachment
  count = local.kafka ? 1 : 0

  name        = "${var.name}-glue"
  description = "Network interfaces of Glue job ${var.name} (Kafka connection)"
  vpc_id      = var.kafka_source.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-glue" })
}

# Glue requires a security group that lets its workers reach each other.
resource "aws_vpc_security_group_ingress_rule" "self" {
  # checkov:skip=CKV_AWS_24:source is this security group itself, not 0.0.0.0/0 (checkov misreads rules without a CIDR)
  # checkov:skip=CKV_AWS_25:source is this security group itself, not 0.0.0.0/0 (checkov misreads rules without a CIDR)
  # checkov:skip=CKV_AWS_260:source is this security group itself, not 0.0.0.0/0 (checkov misreads rules without a CIDR)
  count = local.kafka ? 1 : 0

  security_group_id            = aws_security_group.glue[0].id
  referenced_security_group_id = aws_security_group.glue[0].id
  ip_protocol                  = "tcp"
  from_port                    = 0
  to_port                      = 65535
  description                  = "Glue workers of the same job (self-referencing rule Glue requires)"
}

resource "aws_vpc_security_group_egress_rule" "self" {
  count = local.kafka ? 1 : 0

  security_group_id            = aws_security_group.glue[0].id
  referenced_security_group_id = aws_security_group.glue[0].id
  ip_protocol                  = "tcp"
  from_port                    = 0
  to_port                      = 65535
  description                  = "Glue workers of the same job (self-referencing rule Glue requires)"
}

resource "aws_vpc_security_group_egress_rule" "brokers" {
  count = local.kafka ? 1 : 0

  security_group_id = aws_security_group.glue[0].id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 9098
  to_port           = 9098
  description       = "MSK brokers: IAM authentication over TLS"
}

resource "aws_vpc_security_group_egress_rule" "https" {
  count = local.kafka ? 1 : 0

  security_group_id = aws_security_group.glue[0].id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "AWS APIs over HTTPS (S3, Glue, CloudWatch, KMS, STS), through endpoints or NAT"
}

resource "aws_glue_connection" "kafka" {
  count = local.kafka ? 1 : 0

  name            = local.connection_name
  description     = "MSK ${var.kafka_source.cluster_arn} with IAM authentication (TLS required)"
  connection_type = "KAFKA"

  connection_properties = {
    KAFKA_BOOTSTRAP_SERVERS = join(",", var.kafka_source.bootstrap_servers)
    KAFKA_SSL_ENABLED       = "true"
    KAFKA_SASL_MECHANISM    = "AWS_MSK_IAM"
  }

  physical_connection_requirements {
    subnet_id              = var.kafka_source.subnet_id
    availability_zone      = var.kafka_source.availability_zone
    security_group_id_list = concat([aws_security_group.glue[0].id], var.kafka_source.security_group_ids)
  }

  tags = var.tags
}

# --- the job --------------------------------------------------------------------------

resource "aws_glue_job" "this" {
  name                   = var.name
  description            = var.description
  role_arn               = aws_iam_role.this.arn
  glue_version           = var.glue_version
  worker_type            = var.worker_type
  number_of_workers      = var.number_of_workers
  security_configuration = aws_glue_security_configuration.this.name
  connections            = local.kafka ? [aws_glue_connection.kafka[0].name] : []
  default_arguments      = local.arguments
  # no timeout: a streaming job runs until stopped

  command {
    name            = "gluestreaming"
    script_location = local.script_location
    python_version  = "3"
  }

  execution_property {
    max_concurrent_runs = 1
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.this, aws_cloudwatch_log_group.this, aws_s3_object.script, terraform_data.one_source]
}

# Starts the job and restarts it after a failure; with one concurrent run
# allowed, a start while it runs is refused and changes nothing.
resource "aws_glue_trigger" "keep_running" {
  count = var.keep_running ? 1 : 0

  name        = "${var.name}-keep-running"
  description = "Keeps streaming job ${var.name} running"
  type        = "SCHEDULED"
  schedule    = "cron(0/10 * * * ? *)"

  actions {
    job_name = aws_glue_job.this.name
  }

  tags = var.tags
}
