output "id" {
  description = "Bucket name."
  value       = var.bucket
  depends_on  = [aws_s3_bucket_policy.this, aws_s3_bucket_server_side_encryption_configuration.this]
}

output "arn" {
  description = "Bucket ARN (known at plan time)."
  value       = local.arn
  depends_on  = [aws_s3_bucket_policy.this, aws_s3_bucket_server_side_encryption_configuration.this]
}

output "kms_key_arn" {
  description = "Default encryption key (null for access-log buckets)."
  value       = local.is_data ? var.kms_key_arn : null
}
