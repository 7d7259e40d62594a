output "arn" {
  description = "ARN of the connector."
  value       = aws_mskconnect_connector.this.arn
}

output "name" {
  description = "Name of the connector."
  value       = aws_mskconnect_connector.this.name
}

output "role_arn" {
  description = "ARN of the connector's service execution role."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the connector's service execution role."
  value       = aws_iam_role.this.name
}

output "log_group_name" {
  description = "CloudWatch log group of the workers."
  value       = aws_cloudwatch_log_group.this.name
}

output "worker_configuration_arn" {
  description = "ARN of the connector's worker configuration."
  value       = aws_mskconnect_worker_configuration.this.arn
}

output "worker_properties" {
  description = "The worker properties file the connector runs with."
  value       = local.worker_file
}
