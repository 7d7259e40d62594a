# Two streaming jobs: MSK (IAM auth) -> parquet, and Kinesis -> Iceberg.
provider "aws" {
  region = "eu-west-1"
}

locals {
  account_id = "111111111111"
  key_arn    = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"
  bucket     = "example-data-111111111111-eu-west-1"
  cluster    = "arn:aws:kafka:eu-west-1:111111111111:cluster/example/0a1b2c3d-1111-2222-3333-444455556666-1"
}

module "msk_to_parquet" {
  source = "../../"

  name              = "example-sessions-lake"
  account_id        = local.account_id
  role_name         = "example-sessions-lake-glue"
  glue_version      = "4.0"
  worker_type       = "G.1X"
  number_of_workers = 2

  script = {
    file   = "${path.module}/job.py"
    bucket = local.bucket
    key    = "glue-scripts/example-sessions-lake.py"
  }

  kafka_source = {
    cluster_arn        = local.cluster
    topic_name         = "example.sessions"
    topic_arn          = "arn:aws:kafka:eu-west-1:111111111111:topic/example/0a1b2c3d-1111-2222-3333-444455556666-1/example.sessions"
    group_arn          = "arn:aws:kafka:eu-west-1:111111111111:group/example/0a1b2c3d-1111-2222-3333-444455556666-1/spark-kafka-source-*"
    bootstrap_servers  = ["b-1.example.abc123.c2.kafka.eu-west-1.amazonaws.com:9098"]
    vpc_id             = "vpc-0a1b2c3d4e5f60718"
    subnet_id          = "subnet-0a1b2c3d4e5f60001"
    security_group_ids = ["sg-0a1b2c3d4e5f60010"]
  }

  output = {
    bucket_arn   = "arn:aws:s3:::${local.bucket}"
    format       = "parquet"
    data_prefix  = "sessions-lake/data/"
    error_prefix = "sessions-lake/errors/"
    temp_prefix  = "sessions-lake/tmp/"
  }
  checkpoint_location = "s3://${local.bucket}/sessions-lake/checkpoint/"
  catalog             = { database_name = "example", table_name = "sessions_lake" }
  window_size_s       = 60

  kms_key_arn      = local.key_arn
  logs_kms_key_arn = local.key_arn
}

module "kinesis_to_iceberg" {
  source = "../../"

  name              = "example-orders-iceberg"
  account_id        = local.account_id
  role_name         = "example-orders-iceberg-glue"
  glue_version      = "5.0"
  worker_type       = "G.025X"
  number_of_workers = 2

  script = {
    file   = "${path.module}/job.py"
    bucket = local.bucket
    key    = "glue-scripts/example-orders-iceberg.py"
  }

  kinesis_source = {
    stream_arn  = "arn:aws:kinesis:eu-west-1:111111111111:stream/example-orders"
    kms_key_arn = local.key_arn
  }

  output = {
    bucket_arn   = "arn:aws:s3:::${local.bucket}"
    format       = "iceberg"
    data_prefix  = "orders-iceberg/data/"
    error_prefix = "orders-iceberg/errors/"
    temp_prefix  = "orders-iceberg/tmp/"
  }
  checkpoint_location = "s3://${local.bucket}/orders-iceberg/checkpoint/"
  catalog             = { database_name = "example", table_name = "orders_iceberg" }

  kms_key_arn      = local.key_arn
  logs_kms_key_arn = local.key_arn
}

output "job_arns" {
  value = [module.msk_to_parquet.arn, module.kinesis_to_iceberg.arn]
}
