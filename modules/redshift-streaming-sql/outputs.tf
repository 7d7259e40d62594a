output "statement_ids" {
  description = "Data API statement ids by statement (for DescribeStatement while the API keeps them)."
  value = merge(
    { for k, s in aws_redshiftdata_statement.schema : "schema:${k}" => s.id },
    { "procedure" = aws_redshiftdata_statement.procedure.id },
    { for k, s in aws_redshiftdata_statement.external : "external:${k}" => s.id },
    { for k, s in aws_redshiftdata_statement.view : "view:${k}" => s.id },
  )
}

output "views" {
  description = "Materialized views managed here."
  value       = keys(var.views)
}
