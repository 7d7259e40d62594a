# Two pipelines: Kafka topics on MSK -> a serverless collection, and a
# Kinesis stream -> an OpenSearch domain. Bodies are what streamgen generates.
provider "aws" {
  region = "eu-west-1"
}

locals {
  account_id = "111111111111"
  key_arn    = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"
  cluster    = "arn:aws:kafka:eu-west-1:111111111111:cluster/example/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-2"
  network = {
    subnet_ids         = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
    security_group_ids = ["sg-0a1b2c3d4e5f60010"]
  }
}

module "orders_to_collection" {
  source = "../../"

  name       = "example-orders"
  account_id = local.account_id
  role_name  = "example-orders-osis"
  min_units  = 1
  max_units  = 6

  kafka_source = {
    cluster_arn = local.cluster
    topic_arns  = ["arn:aws:kafka:eu-west-1:111111111111:topic/example/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-2/shop.orders"]
    group_arns  = ["arn:aws:kafka:eu-west-1:111111111111:group/example/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-2/example-orders"]
  }

  opensearch_collection = {
    arn                 = "arn:aws:aoss:eu-west-1:111111111111:collection/a1b2c3d4e5f6g7h8i9j0"
    name                = "example-events"
    index_patterns      = ["orders-*"]
    network_policy_name = "example-events-network"
  }

  dlq = {
    bucket_arn  = "arn:aws:s3:::example-data-111111111111-eu-west-1"
    prefix      = "orders/dlq/"
    kms_key_arn = local.key_arn
  }

  subnet_ids         = local.network.subnet_ids
  security_group_ids = local.network.security_group_ids
  kms_key_arn        = local.key_arn
  logs_kms_key_arn   = local.key_arn

  pipeline_configuration_body = <<-EOT
    version: "2"
    orders:
      source:
        kafka:
          acknowledgments: true
          topics:
          - name: shop.orders
            group_id: example-orders
            serde_format: json
            auto_offset_reset: earliest
          aws:
            region: eu-west-1
            sts_role_arn: arn:aws:iam::111111111111:role/example-orders-osis
            msk:
              arn: ${local.cluster}
      sink:
      - opensearch:
          hosts:
          - https://a1b2c3d4e5f6g7h8i9j0.eu-west-1.aoss.amazonaws.com
          index: orders-%%{yyyy.MM.dd}
          max_retries: 16
          aws:
            region: eu-west-1
            sts_role_arn: arn:aws:iam::111111111111:role/example-orders-osis
            serverless: true
            serverless_options:
              network_policy_name: example-events-network
          dlq:
            s3:
              bucket: example-data-111111111111-eu-west-1
              key_path_prefix: orders/dlq/%%{yyyy}/%%{MM}/%%{dd}/
              region: eu-west-1
              sts_role_arn: arn:aws:iam::111111111111:role/example-orders-osis
  EOT
}

module "clicks_to_domain" {
  source = "../../"

  name       = "example-clicks"
  account_id = local.account_id
  role_name  = "example-clicks-osis"
  min_units  = 1
  max_units  = 2

  kinesis_source = {
    stream_arns      = ["arn:aws:kinesis:eu-west-1:111111111111:stream/example-clicks"]
    kms_key_arns     = [local.key_arn]
    enhanced_fan_out = false
  }

  opensearch_domain_arn = "arn:aws:es:eu-west-1:111111111111:domain/example-logs"

  dlq = {
    bucket_arn  = "arn:aws:s3:::example-data-111111111111-eu-west-1"
    prefix      = "clicks/dlq/"
    kms_key_arn = local.key_arn
  }

  subnet_ids                = local.network.subnet_ids
  security_group_ids        = local.network.security_group_ids
  kms_key_arn               = local.key_arn
  persistent_buffer_enabled = true
  logs_kms_key_arn          = local.key_arn
  log_retention_days        = 365

  pipeline_configuration_body = <<-EOT
    version: "2"
    clicks:
      source:
        kinesis:
          acknowledgments: true
          consumer_strategy: polling
          streams:
          - stream_name: example-clicks
            initial_position: LATEST
          codec:
            newline: {}
          aws:
            region: eu-west-1
            sts_role_arn: arn:aws:iam::111111111111:role/example-clicks-osis
      processor:
      - parse_json:
          source: message
      - date:
          from_time_received: true
          destination: "@timestamp"
      sink:
      - opensearch:
          hosts:
          - https://vpc-example-logs-abcdefghijklmnop.eu-west-1.es.amazonaws.com
          index: clicks-%%{yyyy.MM.dd}
          max_retries: 16
          aws:
            region: eu-west-1
            sts_role_arn: arn:aws:iam::111111111111:role/example-clicks-osis
          dlq:
            s3:
              bucket: example-data-111111111111-eu-west-1
              key_path_prefix: clicks/dlq/%%{yyyy}/%%{MM}/%%{dd}/
              region: eu-west-1
              sts_role_arn: arn:aws:iam::111111111111:role/example-clicks-osis
  EOT
}

output "pipeline_arns" {
  value = [module.orders_to_collection.arn, module.clicks_to_domain.arn]
}
