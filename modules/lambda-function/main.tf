data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  partition      = data.aws_partition.current.partition
  region         = data.aws_region.current.name
  arn            = "arn:${local.partition}:lambda:${local.region}:${var.account_id}:function:${var.function_name}"
  log_group_name = "/aws/lambda/${var.function_name}"
  log_group_arn  = "arn:${local.partition}:logs:${local.region}:${var.account_id}:log-group:${local.log_group_name}"
  in_vpc         = length(var.subnet_ids) > 0
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
      identifiers = ["lambda.amazonaws.com"]
    }

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
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.log_group_arn}:*"]
  }

  # X-Ray has no resource-level permissions: "*" is the only valid resource.
  statement {
    sid       = "Tracing"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }

  dynamic "statement" {
    for_each = local.in_vpc ? [1] : []

    content {
      sid     = "VpcNetworkInterfaces"
      actions = ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]
      resources = concat(
        ["arn:${local.partition}:ec2:${local.region}:${var.account_id}:network-interface/*"],
        [for id in var.subnet_ids : "arn:${local.partition}:ec2:${local.region}:${var.account_id}:subnet/${id}"],
        [for id in var.security_group_ids : "arn:${local.partition}:ec2:${local.region}:${var.account_id}:security-group/${id}"],
      )
    }
  }

  # Describe calls have no resource-level permissions.
  dynamic "statement" {
    for_each = local.in_vpc ? [1] : []

    content {
      sid       = "VpcDescribe"
      actions   = ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"]
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = var.policy_statements

    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = statement.value.resources

      dynamic "condition" {
        for_each = statement.value.conditions

        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "${var.function_name}-execution"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

resource "aws_lambda_function" "this" {
  # checkov:skip=CKV_AWS_116:Invoked synchronously (Firehose record processor): failures go back to the caller, a DLQ would never receive anything.
  # checkov:skip=CKV_AWS_272:Packages are built reproducibly by streamgen and pinned by content hash; AWS Signer needs S3 signing jobs this pipeline does not use.
  function_name                  = var.function_name
  description                    = var.description
  role                           = aws_iam_role.this.arn
  filename                       = var.package_file
  source_code_hash               = filebase64sha256(var.package_file)
  handler                        = var.handler
  runtime                        = var.runtime
  architectures                  = ["x86_64"]
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrent_executions
  kms_key_arn                    = var.kms_key_arn

  environment {
    variables = merge(var.environment_variables, { POWERTOOLS_SERVICE_NAME = var.function_name })
  }

  tracing_config {
    mode = "Active"
  }

  dynamic "vpc_config" {
    for_each = local.in_vpc ? [1] : []

    content {
      subnet_ids         = var.subnet_ids
      security_group_ids = var.security_group_ids
    }
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.this.name
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.this]
}
