# A Python function in a VPC with encrypted configuration and logs.
provider "aws" {
  region = "eu-west-1"
}

module "function" {
  source = "../../"

  function_name      = "example-transform"
  description        = "Example Firehose transform"
  account_id         = "111111111111"
  role_name          = "example-transform-lambda"
  package_file       = "${path.module}/package.zip"
  kms_key_arn        = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"
  logs_kms_key_arn   = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"
  subnet_ids         = ["subnet-0123456789abcdef0"]
  security_group_ids = ["sg-0123456789abcdef0"]

  environment_variables = {
    LOG_LEVEL = "INFO"
  }

  # e.g. putting records back into an encrypted source stream
  policy_statements = [
    {
      sid       = "PutRecords"
      actions   = ["kinesis:PutRecords"]
      resources = ["arn:aws:kinesis:eu-west-1:111111111111:stream/example-source"]
    },
    {
      sid       = "EncryptForStream"
      actions   = ["kms:GenerateDataKey"]
      resources = ["arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"]
      conditions = [{
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["kinesis.eu-west-1.amazonaws.com"]
      }]
    },
  ]
}

output "function_arn" {
  value = module.function.arn
}
