output "arn" {
  description = "Destination ARN (known at plan time): the destination_arn of subscription filters in the source accounts."
  value       = local.arn
  depends_on  = [aws_cloudwatch_log_destination_policy.this]
}

output "name" {
  description = "Destination name."
  value       = aws_cloudwatch_log_destination.this.name
}

output "role_arn" {
  description = "Role CloudWatch Logs assumes to write into the stream."
  value       = aws_iam_role.this.arn
}
