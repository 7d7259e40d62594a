output "policy" {
  description = "The cluster policy document (JSON)."
  value       = aws_msk_cluster_policy.this.policy
}

output "current_version" {
  description = "Version of the policy, as MSK reports it."
  value       = aws_msk_cluster_policy.this.current_version
}
