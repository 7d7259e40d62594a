output "role_arns" {
  description = "Streaming-ingestion role ARNs by key (known at plan time)."
  value       = local.role_arns
  depends_on  = [aws_iam_role.this]
}

output "associated_role_arns" {
  description = "Cluster targets: every role associated with the cluster (null for workgroups)."
  value       = var.target.type == "cluster" ? aws_redshift_cluster_iam_roles.this[0].iam_role_arns : null
}
