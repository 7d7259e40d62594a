output "database_name" {
  description = "Database of the table."
  value       = local.table.database_name
}

output "table_name" {
  description = "Table name (known at plan time)."
  value       = var.name
  depends_on  = [aws_glue_catalog_table.this, aws_glue_catalog_table.unprotected]
}

output "arn" {
  description = "Table ARN."
  value       = local.table.arn
}
