output "arn" {
  description = "ARN of the custom plugin."
  value       = aws_mskconnect_custom_plugin.this.arn
}

output "latest_revision" {
  description = "Revision connectors use."
  value       = aws_mskconnect_custom_plugin.this.latest_revision
}

output "name" {
  description = "Name of the custom plugin."
  value       = aws_mskconnect_custom_plugin.this.name
}
