# Every source and destination the module supports, one delivery stream each:
# MSK -> S3 (dynamic partitioning + Parquet), MSK -> OpenSearch in a VPC,
# Direct PUT -> OpenSearch Serverless, Kinesis -> Redshift, Direct PUT ->
# Datadog, Kinesis -> Splunk. Credentials are Secrets Manager ARNs only.
provider "aws" {
  region = "eu-west-1"
}

locals {
  account_id  = "111111111111"
  key_arn     = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"
  bucket_arn  = "arn:aws:s3:::example-data-111111111111-eu-west-1"
  cluster_arn = "arn:aws:kafka:eu-west-1:111111111111:cluster/example/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-2"
  stream = {
    stream_arn  = "arn:aws:kinesis:eu-west-1:111111111111:stream/example-logs"
    kms_key_arn = local.key_arn
  }
  date = "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}"
}

module "msk_to_parquet" {
  source = "../../"

  name       = "example-audit-lake"
  account_id = local.account_id
  role_name  = "example-audit-lake-firehose"

  msk_source = {
    cluster_arn         = local.cluster_arn
    topic_name          = "security.audit"
    read_from_timestamp = "2024-06-01T00:00:00Z"
  }

  s3 = {
    bucket_arn           = local.bucket_arn
    prefix               = "audit/data/outcome=!{partitionKeyFromQuery:outcome}/${local.date}/"
    error_output_prefix  = "audit/errors/!{firehose:error-output-type}/${local.date}/"
    compression_format   = "UNCOMPRESSED"
    file_extension       = ".parquet"
    buffering_size       = 128
    kms_key_arn          = local.key_arn
    dynamic_partitioning = { retry_duration = 600 }
    backup = {
      prefix              = "audit/source/${local.date}/"
      error_output_prefix = "audit/source-errors/!{firehose:error-output-type}/${local.date}/"
    }
    format_conversion = {
      output_format = "parquet"
      database_name = "example"
      table_name    = "audit"
    }
  }

  processors = [{
    type = "MetadataExtraction"
    parameters = [
      { name = "MetadataExtractionQuery", value = "{outcome:.outcome}" },
      { name = "JsonParsingEngine", value = "JQ-1.6" },
    ]
  }]

  logs_kms_key_arn = local.key_arn
}

module "msk_to_opensearch_vpc" {
  source = "../../"

  name       = "example-audit-search"
  account_id = local.account_id
  role_name  = "example-audit-search-firehose"

  msk_source = {
    cluster_arn  = local.cluster_arn
    topic_name   = "security.audit"
    connectivity = "PRIVATE"
  }

  s3 = {
    bucket_arn          = local.bucket_arn
    prefix              = "audit-search/failed/${local.date}/"
    error_output_prefix = "audit-search/failed-errors/!{firehose:error-output-type}/${local.date}/"
    kms_key_arn         = local.key_arn
  }

  opensearch = {
    domain_arn            = "arn:aws:es:eu-west-1:111111111111:domain/example-logs"
    index_name            = "audit"
    index_rotation_period = "OneDay"
    retry_duration        = 900
    vpc = {
      vpc_id             = "vpc-0a1b2c3d4e5f60718"
      subnet_ids         = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
      security_group_ids = ["sg-0a1b2c3d4e5f60010"]
    }
  }

  logs_kms_key_arn = local.key_arn
}

module "direct_put_to_serverless" {
  source = "../../"

  name       = "example-events-search"
  account_id = local.account_id
  role_name  = "example-events-search-firehose"

  s3 = {
    bucket_arn          = local.bucket_arn
    prefix              = "events-search/backup/${local.date}/"
    error_output_prefix = "events-search/backup-errors/!{firehose:error-output-type}/${local.date}/"
    kms_key_arn         = local.key_arn
  }

  opensearch_serverless = {
    collection_arn      = "arn:aws:aoss:eu-west-1:111111111111:collection/a1b2c3d4e5f6g7h8i9j0"
    collection_name     = "example-events"
    collection_endpoint = "https://a1b2c3d4e5f6g7h8i9j0.eu-west-1.aoss.amazonaws.com"
    index_name          = "events"
    access_policy_name  = "example-events-search"
    s3_backup_mode      = "AllDocuments"
  }

  logs_kms_key_arn = local.key_arn
}

module "kinesis_to_redshift" {
  source = "../../"

  name           = "example-logs-warehouse"
  account_id     = local.account_id
  role_name      = "example-logs-warehouse-firehose"
  kinesis_source = local.stream

  s3 = {
    bucket_arn          = local.bucket_arn
    prefix              = "logs-warehouse/staging/${local.date}/"
    error_output_prefix = "logs-warehouse/staging-errors/!{firehose:error-output-type}/${local.date}/"
    kms_key_arn         = local.key_arn
  }

  redshift = {
    cluster_jdbcurl    = "jdbc:redshift://example.abc123xyz.eu-west-1.redshift.amazonaws.com:5439/warehouse"
    data_table_name    = "logs.events"
    data_table_columns = ["ts", "service", "level", "message"]
    copy_options       = "FORMAT AS JSON 's3://example-data-111111111111-eu-west-1/logs-warehouse/copy/jsonpaths.json' GZIP"
    jsonpaths = {
      key   = "logs-warehouse/copy/jsonpaths.json"
      paths = ["$.timestamp", "$.service", "$.level", "$.message"]
    }
    secret_arn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:example/redshift-AbCdEf"
  }

  secrets_kms_key_arn = local.key_arn
  logs_kms_key_arn    = local.key_arn
}

module "direct_put_to_datadog" {
  source = "../../"

  name       = "example-metrics-datadog"
  account_id = local.account_id
  role_name  = "example-metrics-datadog-firehose"

  s3 = {
    bucket_arn          = local.bucket_arn
    prefix              = "metrics-datadog/failed/${local.date}/"
    error_output_prefix = "metrics-datadog/failed-errors/!{firehose:error-output-type}/${local.date}/"
    kms_key_arn         = local.key_arn
  }

  http_endpoint = {
    url                = "https://aws-kinesis-http-intake.logs.datadoghq.eu/v1/input"
    name               = "Datadog"
    secret_arn         = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:example/datadog-AbCdEf"
    content_encoding   = "GZIP"
    common_attributes  = { env = "example" }
    buffering_size     = 4
    buffering_interval = 60
  }

  logs_kms_key_arn = local.key_arn
}

module "kinesis_to_splunk" {
  source = "../../"

  name           = "example-logs-splunk"
  account_id     = local.account_id
  role_name      = "example-logs-splunk-firehose"
  kinesis_source = local.stream

  s3 = {
    bucket_arn          = local.bucket_arn
    prefix              = "logs-splunk/failed/${local.date}/"
    error_output_prefix = "logs-splunk/failed-errors/!{firehose:error-output-type}/${local.date}/"
    kms_key_arn         = local.key_arn
  }

  splunk = {
    hec_endpoint               = "https://http-inputs-firehose-example.splunkcloud.com:443"
    hec_endpoint_type          = "Event"
    secret_arn                 = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:example/splunk-hec-AbCdEf"
    hec_acknowledgment_timeout = 300
  }

  logs_kms_key_arn = local.key_arn
}

output "delivery_stream_arns" {
  value = [
    module.msk_to_parquet.arn,
    module.msk_to_opensearch_vpc.arn,
    module.direct_put_to_serverless.arn,
    module.kinesis_to_redshift.arn,
    module.direct_put_to_datadog.arn,
    module.kinesis_to_splunk.arn,
  ]
}
