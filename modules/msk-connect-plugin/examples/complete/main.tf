# The Confluent S3 sink connector as a custom plugin, pinned to an object version.
provider "aws" {
  region = "eu-west-1"
}

module "plugin" {
  source = "../../"

  name              = "example-confluent-s3-sink"
  description       = "Confluent S3 sink 10.5.17 with the MSK config provider"
  content_type      = "ZIP"
  s3_bucket_arn     = "arn:aws:s3:::example-msk-plugins-111111111111"
  s3_file_key       = "confluentinc-kafka-connect-s3-10.5.17.zip"
  s3_object_version = "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"
}

output "plugin" {
  value = { arn = module.plugin.arn, revision = module.plugin.latest_revision }
}
