# A destination in the logging account that two application accounts may
# subscribe to, restricted to the organization.
provider "aws" {
  region = "eu-west-1"
}

module "destination" {
  source = "../../"

  name               = "example-central-logs"
  account_id         = "222222222222"
  stream_arn         = "arn:aws:kinesis:eu-west-1:222222222222:stream/example-central-logs"
  stream_kms_key_arn = "arn:aws:kms:eu-west-1:222222222222:key/00000000-0000-0000-0000-000000000000"
  role_name          = "example-central-logs-cwl"
  source_account_ids = ["333333333333", "444444444444"]
  organization_id    = "o-a1b2c3d4e5"

  tags = {
    Example = "log-destination"
  }
}

output "destination_arn" {
  value = module.destination.arn
}
