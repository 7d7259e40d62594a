output "arn" {
  description = "ARN of the managed policy (attach it to producer or consumer roles)."
  value       = aws_iam_policy.this.arn
}

output "name" {
  description = "Name of the managed policy."
  value       = aws_iam_policy.this.name
}

output "policy_json" {
  description = "The policy document (known at plan time)."
  value       = data.aws_iam_policy_document.this.json
}
