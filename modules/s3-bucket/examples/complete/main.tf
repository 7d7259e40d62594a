# A data bucket (SSE-KMS, versioned, TLS-only) logging to an access-log bucket.
provider "aws" {
  region = "eu-west-1"
}

module "access_logs" {
  source = "../../"

  bucket     = "example-access-logs-111111111111-eu-west-1"
  account_id = "111111111111"
  purpose    = "access-logs"
}

module "data" {
  source = "../../"

  bucket            = "example-data-111111111111-eu-west-1"
  account_id        = "111111111111"
  kms_key_arn       = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"
  access_log_bucket = module.access_logs.id
}

output "data_bucket_arn" {
  value = module.data.arn
}
