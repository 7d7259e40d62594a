output "arn" {
  description = "Pipeline ARN (known at plan time)."
  value       = local.arn
  depends_on  = [aws_osis_pipeline.this]
}

output "name" {
  description = "Pipeline name."
  value       = aws_osis_pipeline.this.pipeline_name
}

output "role_arn" {
  description = "The pipeline role (map it to a backend role when the domain uses fine-grained access control)."
  value       = aws_iam_role.this.arn
}

output "log_group_name" {
  description = "Where the pipeline logs."
  value       = aws_cloudwatch_log_group.this.name
}

output "ingest_endpoint_urls" {
  description = "Ingestion endpoints (unused by pull-based Kafka and Kinesis sources)."
  value       = aws_osis_pipeline.this.ingest_endpoint_urls
}
