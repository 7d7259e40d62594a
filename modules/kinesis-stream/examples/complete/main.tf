# A provisioned, KMS-encrypted stream with one-week retention.
provider "aws" {
  region = "eu-west-1"
}

module "stream" {
  source = "../../"

  name             = "example-orders"
  account_id       = "111111111111"
  stream_mode      = "PROVISIONED"
  shard_count      = 2
  retention_period = 168
  kms_key_arn      = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"

  tags = {
    Example = "kinesis-stream"
  }
}

output "stream_arn" {
  value = module.stream.arn
}
