output "database_name" {
  description = "Database of the table."
  value       = aws_glue_catalog_table.this.database_name
}

output "table_name" {
  description = "Table name (known at plan time)."
  value       = var.name
  depends_on  = [aws_glue_catalog_table.this]
}

output "table_arn" {
  description = "Table ARN."
  value       = aws_glue_catalog_table.this.arn
}
