output "arn" {
  description = "Stream ARN (known at plan time)."
  value       = local.arn
  depends_on  = [aws_kinesis_stream.this, aws_kinesis_stream.unprotected]
}

output "name" {
  description = "Stream name."
  value       = var.name
  depends_on  = [aws_kinesis_stream.this, aws_kinesis_stream.unprotected]
}

output "kms_key_arn" {
  description = "Key that encrypts the stream; consumers need kms:Decrypt on it."
  value       = var.kms_key_arn
}
