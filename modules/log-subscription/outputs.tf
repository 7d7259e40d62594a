output "log_group_names" {
  description = "Subscribed log groups."
  value       = sort([for f in aws_cloudwatch_log_subscription_filter.this : f.log_group_name])
}

output "filter_name" {
  description = "Name of the subscription filters."
  value       = var.name
}
