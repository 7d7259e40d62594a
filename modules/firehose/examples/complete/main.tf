# Kinesis stream -> Lambda transform -> S3 (GZIP, SSE-KMS, date-partitioned).
provider "aws" {
  region = "eu-west-1"
}

locals {
  account_id = "111111111111"
  key_arn    = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"
}

module "firehose" {
  source = "../../"

  name       = "example-orders-archive"
  account_id = local.account_id
  role_name  = "example-orders-archive-firehose"

  kinesis_source = {
    stream_arn  = "arn:aws:kinesis:eu-west-1:111111111111:stream/example-orders"
    kms_key_arn = local.key_arn
  }

  s3 = {
    bucket_arn          = "arn:aws:s3:::example-data-111111111111-eu-west-1"
    prefix              = "orders/data/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"
    error_output_prefix = "orders/errors/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"
    buffering_size      = 64
    buffering_interval  = 300
    kms_key_arn         = local.key_arn
  }

  processors = [{
    type = "Lambda"
    parameters = [
      { name = "LambdaArn", value = "arn:aws:lambda:eu-west-1:111111111111:function:example-transform:$LATEST" },
      { name = "BufferSizeInMBs", value = "3" },
    ]
  }]

  logs_kms_key_arn = local.key_arn
}

output "delivery_stream_arn" {
  value = module.firehose.arn
}
