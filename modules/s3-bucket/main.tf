data "aws_partition" "current" {}

locals {
  arn       = "arn:${data.aws_partition.current.partition}:s3:::${var.bucket}"
  bucket_id = one(concat(aws_s3_bucket.this[*].id, aws_s3_bucket.unprotected[*].id))
  is_data   = var.purpose == "data"
}

# Declared twice so prevent_destroy can follow the catalog (see README).
resource "aws_s3_bucket" "this" {
  count = var.prevent_destroy ? 1 : 0

  bucket = var.bucket
  tags   = var.tags

  lifecycle {
    prevent_destroy = true

    precondition {
      condition     = var.purpose != "data" || (var.kms_key_arn != null && var.access_log_bucket != null)
      error_message = "data buckets need kms_key_arn and access_log_bucket."
    }
  }
}

resource "aws_s3_bucket" "unprotected" {
  count = var.prevent_destroy ? 0 : 1

  bucket = var.bucket
  tags   = var.tags

  lifecycle {
    precondition {
      condition     = var.purpose != "data" || (var.kms_key_arn != null && var.access_log_bucket != null)
      error_message = "data buckets need kms_key_arn and access_log_bucket."
    }
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = local.bucket_id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = local.bucket_id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = local.bucket_id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = local.bucket_id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = local.is_data ? "aws:kms" : "AES256"
      kms_master_key_id = local.is_data ? var.kms_key_arn : null
    }
    bucket_key_enabled = local.is_data
  }
}

resource "aws_s3_bucket_logging" "this" {
  count = var.access_log_bucket == null ? 0 : 1

  bucket        = local.bucket_id
  target_bucket = var.access_log_bucket
  target_prefix = "${var.bucket}/"
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = local.bucket_id

  rule {
    id     = "abort-incomplete-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }
  }

  dynamic "rule" {
    for_each = local.is_data ? [] : [var.log_expiration_days]

    content {
      id     = "expire-access-logs"
      status = "Enabled"

      filter {}

      expiration {
        days = rule.value
      }
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

data "aws_iam_policy_document" "this" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      local.arn,
      "${local.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  dynamic "statement" {
    for_each = local.is_data ? [1] : []

    content {
      sid       = "DenyObjectsNotEncryptedWithTheBucketKey"
      effect    = "Deny"
      actions   = ["s3:PutObject"]
      resources = ["${local.arn}/*"]

      principals {
        type        = "*"
        identifiers = ["*"]
      }

      condition {
        test     = "StringNotEqualsIfExists"
        variable = "s3:x-amz-server-side-encryption-aws-kms-key-id"
        values   = [var.kms_key_arn]
      }
    }
  }

  dynamic "statement" {
    for_each = local.is_data ? [] : [1]

    content {
      sid       = "S3ServerAccessLogsFromThisAccount"
      actions   = ["s3:PutObject"]
      resources = ["${local.arn}/*"]

      principals {
        type        = "Service"
        identifiers = ["logging.s3.amazonaws.com"]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [var.account_id]
      }
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = local.bucket_id
  policy = data.aws_iam_policy_document.this.json

  depends_on = [aws_s3_bucket_public_access_block.this]
}
