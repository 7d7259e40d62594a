data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  partition = data.aws_partition.current.partition
  region    = data.aws_region.current.name
  arn       = "arn:${local.partition}:logs:${local.region}:${var.account_id}:destination:${var.name}"
  # CloudWatch Logs acts for the subscribing accounts and for this one (it
  # checks the destination here); nothing else may use the role.
  calling_accounts = distinct(concat(var.source_account_ids, [var.account_id]))
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["logs.amazonaws.com"]
    }

    # Confused-deputy protection: only log data of the listed accounts, in
    # this Region, can make CloudWatch Logs assume the role.
    condition {
      test     = "StringLike"
      variable = "aws:SourceArn"
      values   = [for id in local.calling_accounts : "arn:${local.partition}:logs:${local.region}:${id}:*"]
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
    sid       = "PutIntoStream"
    actions   = ["kinesis:PutRecord", "kinesis:PutRecords"]
    resources = [var.stream_arn]
  }

  # The stream is encrypted with a customer managed key: writers need a data key.
  statement {
    sid       = "EncryptForStream"
    actions   = ["kms:GenerateDataKey"]
    resources = [var.stream_kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["kinesis.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "${var.name}-put-records"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

resource "aws_cloudwatch_log_destination" "this" {
  name       = var.name
  role_arn   = aws_iam_role.this.arn
  target_arn = var.stream_arn
  tags       = var.tags

  # CloudWatch Logs test-writes to the stream when the destination is created.
  depends_on = [aws_iam_role_policy.this]
}

data "aws_iam_policy_document" "access" {
  statement {
    sid       = "SubscribeFromSourceAccounts"
    actions   = ["logs:PutSubscriptionFilter"]
    resources = [local.arn]

    principals {
      type        = "AWS"
      identifiers = sort(var.source_account_ids)
    }

    dynamic "condition" {
      for_each = var.organization_id == null ? [] : [var.organization_id]

      content {
        test     = "StringEquals"
        variable = "aws:PrincipalOrgID"
        values   = [condition.value]
      }
    }
  }
}

resource "aws_cloudwatch_log_destination_policy" "this" {
  destination_name = aws_cloudwatch_log_destination.this.name
  access_policy    = data.aws_iam_policy_document.access.json
}
