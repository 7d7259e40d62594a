# Streaming-ingestion roles for a provisioned cluster (association managed) and
# for a serverless workgroup (its namespace owner associates the role).
provider "aws" {
  region = "eu-west-1"
}

locals {
  account_id = "111111111111"
  key_arn    = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"
  cluster    = "arn:aws:kafka:eu-west-1:111111111111:cluster/example/0a1b2c3d-1111-2222-3333-444455556666-1"
}

module "warehouse" {
  source = "../../"

  account_id = local.account_id
  target     = { type = "cluster", cluster_identifier = "example-warehouse" }

  roles = {
    sales = {
      role_name = "example-sales-cl-warehouse-redshift"
      msk_topics = [{
        cluster_arn = local.cluster
        topic_arn   = "arn:aws:kafka:eu-west-1:111111111111:topic/example/0a1b2c3d-1111-2222-3333-444455556666-1/sales.orders"
        group_arn   = "arn:aws:kafka:eu-west-1:111111111111:group/example/0a1b2c3d-1111-2222-3333-444455556666-1/*"
      }]
    }
  }
  keep_iam_role_arns = ["arn:aws:iam::111111111111:role/example-warehouse-spectrum"]
}

module "analytics" {
  source = "../../"

  account_id = local.account_id
  target     = { type = "workgroup", namespace = "example-analytics" }

  roles = {
    web = {
      role_name       = "example-web-wg-analytics-redshift"
      kinesis_streams = [{ arn = "arn:aws:kinesis:eu-west-1:111111111111:stream/example-clicks", kms_key_arn = local.key_arn }]
    }
  }
}

output "role_arns" {
  value = merge(module.warehouse.role_arns, module.analytics.role_arns)
}
