output "name" {
  description = "Job name."
  value       = aws_glue_job.this.name
}

output "arn" {
  description = "Job ARN (known at plan time)."
  value       = local.arn
  depends_on  = [aws_glue_job.this]
}

output "role_arn" {
  description = "ARN of the job's role."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the job's role."
  value       = aws_iam_role.this.name
}

output "security_configuration" {
  description = "Glue security configuration of the job (KMS for S3, CloudWatch and bookmarks)."
  value       = aws_glue_security_configuration.this.name
}

output "connection_name" {
  description = "Glue Kafka connection (null for Kinesis sources)."
  value       = local.kafka ? aws_glue_connection.kafka[0].name : null
}

output "security_group_id" {
  description = "Security group of the job's network interfaces (null for Kinesis sources)."
  value       = local.kafka ? aws_security_group.glue[0].id : null
}

output "script_location" {
  description = "s3:// location of the uploaded script."
  value       = local.script_location
  depends_on  = [aws_s3_object.script]
}

output "log_group_names" {
  description = "Log groups of the job: continuous (driver and executors), output and error."
  value       = { for k, g in aws_cloudwatch_log_group.this : k => g.name }
}
