# The cluster policy that lets OpenSearch Ingestion pipelines of the account
# create their PrivateLink (multi-VPC) connection to an existing cluster.
provider "aws" {
  region = "eu-west-1"
}

module "cluster_policy" {
  source = "../../"

  cluster_arn = "arn:aws:kafka:eu-west-1:111111111111:cluster/example/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-2"
  account_id  = "111111111111"

  grants = [{
    sid     = "OpenSearchIngestionVpcConnection"
    service = "osis-pipelines.amazonaws.com"
    actions = ["kafka:CreateVpcConnection", "kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"]
  }]
}

output "policy" {
  value = module.cluster_policy.policy
}
