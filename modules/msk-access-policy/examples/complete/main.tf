# Produce and consume policies for one topic, and a consumer-group policy for a team.
provider "aws" {
  region = "eu-west-1"
}

locals {
  cluster_arn = "arn:aws:kafka:eu-west-1:111111111111:cluster/example/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-2"
}

module "produce" {
  source = "../../"

  name         = "example-orders-kafka-produce"
  cluster_arn  = local.cluster_arn
  write_topics = ["payments.orders"]
}

module "consume" {
  source = "../../"

  name        = "example-orders-kafka-consume"
  cluster_arn = local.cluster_arn
  read_topics = ["payments.orders"]
}

module "groups" {
  source = "../../"

  name        = "example-analytics-kafka-groups"
  cluster_arn = local.cluster_arn
  groups      = ["analytics.*"]
}

output "policy_arns" {
  value = [module.produce.arn, module.consume.arn, module.groups.arn]
}
