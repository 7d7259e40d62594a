# One filter per log group, all sending to the same destination. Call the
# module with the provider of the account that owns the log groups.
resource "aws_cloudwatch_log_subscription_filter" "this" {
  for_each = toset(var.log_group_names)

  name            = var.name
  log_group_name  = each.value
  filter_pattern  = var.filter_pattern
  destination_arn = var.destination_arn
}
