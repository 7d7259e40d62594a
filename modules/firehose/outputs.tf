output "arn" {
  description = "Delivery stream ARN (known at plan time)."
  value       = local.arn
  depends_on  = [aws_kinesis_firehose_delivery_stream.this, aws_kinesis_firehose_delivery_stream.unprotected]
}

output "name" {
  description = "Delivery stream name."
  value       = var.name
  depends_on  = [aws_kinesis_firehose_delivery_stream.this, aws_kinesis_firehose_delivery_stream.unprotected]
}

output "role_arn" {
  description = "The delivery stream's role."
  value       = aws_iam_role.this.arn
}

output "log_group_name" {
  description = "Where delivery errors are logged."
  value       = aws_cloudwatch_log_group.this.name
}
