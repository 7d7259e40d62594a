output "name" {
  description = "Database name (known at plan time)."
  value       = var.name
  depends_on  = [aws_glue_catalog_database.this]
}

output "arn" {
  description = "Database ARN."
  value       = aws_glue_catalog_database.this.arn
}
