# An S3 sink (autoscaled) and a Debezium PostgreSQL source (provisioned, password
# from Secrets Manager) on one MSK cluster with IAM authentication.
provider "aws" {
  region = "eu-west-1"
}

locals {
  account_id = "111111111111"
  key_arn    = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"
  cluster = {
    arn                = "arn:aws:kafka:eu-west-1:111111111111:cluster/example/7c8e9f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f-2"
    bootstrap_servers  = ["b-1.example.kafka.eu-west-1.amazonaws.com:9098", "b-2.example.kafka.eu-west-1.amazonaws.com:9098"]
    subnet_ids         = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
    security_group_ids = ["sg-0a1b2c3d4e5f60010"]
  }
}

module "s3_plugin" {
  source = "../../../msk-connect-plugin"

  name          = "example-confluent-s3"
  content_type  = "ZIP"
  s3_bucket_arn = "arn:aws:s3:::example-msk-plugins-111111111111"
  s3_file_key   = "confluentinc-kafka-connect-s3-10.5.17.zip"
}

module "orders_to_s3" {
  source = "../../"

  name       = "example-orders-to-s3"
  account_id = local.account_id
  role_name  = "example-orders-to-s3-connect"
  cluster    = local.cluster
  plugins    = [{ arn = module.s3_plugin.arn, revision = module.s3_plugin.latest_revision }]

  capacity = {
    autoscaling = { mcu_count = 2, min_worker_count = 1, max_worker_count = 4 }
  }

  connector_configuration = {
    "connector.class"      = "io.confluent.connect.s3.S3SinkConnector"
    "topics"               = "payments.orders"
    "tasks.max"            = "4"
    "s3.bucket.name"       = "example-data-111111111111-eu-west-1"
    "s3.region"            = "eu-west-1"
    "topics.dir"           = "orders-raw"
    "storage.class"        = "io.confluent.connect.s3.storage.S3Storage"
    "format.class"         = "io.confluent.connect.s3.format.json.JsonFormat"
    "flush.size"           = "1000"
    "s3.ssea.name"         = "aws:kms"
    "s3.sse.kms.key.id"    = local.key_arn
    "partitioner.class"    = "io.confluent.connect.storage.partitioner.DefaultPartitioner"
    "value.converter"      = "org.apache.kafka.connect.json.JsonConverter"
    "schema.compatibility" = "NONE"
  }

  read_topics     = ["payments.orders"]
  consumer_groups = ["connect-example-orders-to-s3"]
  s3_destination = {
    bucket_arn  = "arn:aws:s3:::example-data-111111111111-eu-west-1"
    prefix      = "orders-raw"
    kms_key_arn = local.key_arn
  }

  logs_kms_key_arn = local.key_arn
}

module "customers_cdc" {
  source = "../../"

  name       = "example-customers-cdc"
  account_id = local.account_id
  role_name  = "example-customers-cdc-connect"
  cluster    = local.cluster
  plugins    = [{ arn = "arn:aws:kafkaconnect:eu-west-1:111111111111:custom-plugin/example-debezium-postgres/0b1c2d3e-0000-4000-8000-000000000001-2", revision = 1 }]

  capacity = {
    provisioned = { mcu_count = 1, worker_count = 1 }
  }

  connector_configuration = {
    "connector.class"    = "io.debezium.connector.postgresql.PostgresConnector"
    "tasks.max"          = "1"
    "database.hostname"  = "customers.cluster-abc.eu-west-1.rds.amazonaws.com"
    "database.port"      = "5432"
    "database.user"      = "debezium"
    "database.password"  = "$${secretsmanager:example/customers-db:password}"
    "database.dbname"    = "customers"
    "topic.prefix"       = "example.customers"
    "plugin.name"        = "pgoutput"
    "table.include.list" = "public.customers"
  }

  write_topics         = ["crm.customers"]
  offset_storage_topic = "__amazon_msk_connect_offsets_example-customers-cdc"
  secrets              = [{ arn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:example/customers-db-AbCdEf" }]

  logs_kms_key_arn   = local.key_arn
  log_retention_days = 400
}

output "connectors" {
  value = [module.orders_to_s3.name, module.customers_cdc.name]
}
