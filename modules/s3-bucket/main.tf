data "aws_partition" "current" {}

locals {
  arn     = "arn:${data.aws_partition.current.partition}:s3:::${var.bucket}"
  is_data = var.purpose == "data"
}

# Declared twice so prevent_destroy can follow the catalog (see README).
resource "aws_s3_bucket" "this" {
  # checkov:skip=CKV_AWS_18:Replaced by SG_AWS_166, which knows the purpose: data buckets log to the access-log bucket; the access-log bucket is the log target and cannot log into itself.
  # checkov:skip=CKV_AWS_145:Replaced by SG_AWS_165, which knows the purpose: data buckets use SSE-KMS with the environment key; S3 server access log delivery can only write to SSE-S3 buckets.
  # checkov:skip=CKV2_AWS_62:No consumer reacts to object events (Firehose writes, Athena and Glue read by prefix); notifications belong to the feature that adds a consumer.
  # checkov:skip=CKV_AWS_144:Cross-Region replication is a per-environment disaster-recovery decision outside this module; versioning (SG_AWS_164) protects objects in the Region.
  count = var.prevent_destroy ? 1 : 0

  bucket = var.bucket
  # the purpose decides which policies apply (SG_AWS_165, SG_AWS_166)
  tags = merge(var.tags, { BucketPurpose = var.purpose })

  lifecycle {
    prevent_destroy = true

    precondition {
      condition     = var.purpose != "data" || (var.kms_key_arn != null && var.access_log_bucket != null)
      error_message = "data buckets need kms_key_arn and access_log_bucket."
    }
  }
}

resource "aws_s3_bucket" "unprotected" {
  # checkov:skip=CKV_AWS_18:Replaced by SG_AWS_166, which knows the purpose: data buckets log to the access-log bucket; the access-log bucket is the log target and cannot log into itself.
  # checkov:skip=CKV_AWS_145:Replaced by SG_AWS_165, which knows the purpose: data buckets use SSE-KMS with the environment key; S3 server access log delivery can only write to SSE-S3 buckets.
  # checkov:skip=CKV2_AWS_62:No consumer reacts to object events (Firehose writes, Athena and Glue read by prefix); notifications belong to the feature that adds a consumer.
  # checkov:skip=CKV_AWS_144:Cross-Region replication is a per-environment disaster-recovery decision outside this module; versioning (SG_AWS_164) protects objects in the Region.
  count = var.prevent_destroy ? 0 : 1

  bucket = var.bucket
  # the purpose decides which policies apply (SG_AWS_165, SG_AWS_166)
  tags = merge(var.tags, { BucketPurpose = var.purpose })

  lifecycle {
    precondition {
      condition     = var.purpose != "data" || (var.kms_key_arn != null && var.access_log_bucket != null)
      error_message = "data buckets need kms_key_arn and access_log_bucket."
    }
  }
}

# Every setting below names the bucket through a direct reference to the
# declaration in force (not a local): checkov connects settings to their bucket
# only through direct references, in HCL and plan scans alike.
resource "aws_s3_bucket_public_access_block" "this" {
  bucket = var.prevent_destroy ? aws_s3_bucket.this[0].id : aws_s3_bucket.unprotected[0].id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = var.prevent_destroy ? aws_s3_bucket.this[0].id : aws_s3_bucket.unprotected[0].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = var.prevent_destroy ? aws_s3_bucket.this[0].id : aws_s3_bucket.unprotected[0].id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = var.prevent_destroy ? aws_s3_bucket.this[0].id : aws_s3_bucket.unprotected[0].id

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

  bucket        = var.prevent_destroy ? aws_s3_bucket.this[0].id : aws_s3_bucket.unprotected[0].id
  target_bucket = var.access_log_bucket
  target_prefix = "${var.bucket}/"
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = var.prevent_destroy ? aws_s3_bucket.this[0].id : aws_s3_bucket.unprotected[0].id

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
  bucket = var.prevent_destroy ? aws_s3_bucket.this[0].id : aws_s3_bucket.unprotected[0].id
  policy = data.aws_iam_policy_document.this.json

  depends_on = [aws_s3_bucket_public_access_block.this]
}
