output "arn" {
  description = "Function ARN (known at plan time)."
  value       = local.arn
  depends_on  = [aws_lambda_function.this]
}

output "function_name" {
  description = "Function name."
  value       = var.function_name
  depends_on  = [aws_lambda_function.this]
}

output "role_arn" {
  description = "Execution role ARN."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Execution role name (attach further policies to it)."
  value       = aws_iam_role.this.name
}

output "log_group_name" {
  description = "Log group of the function."
  value       = aws_cloudwatch_log_group.this.name
}
