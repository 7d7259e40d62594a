# A Parquet table partitioned by date, with Athena partition projection.
provider "aws" {
  region = "eu-west-1"
}

module "database" {
  source = "../../../glue-catalog-database"

  name        = "example_orders"
  description = "Example domain tables"
}

module "table" {
  source = "../../"

  database_name = module.database.name
  name          = "orders"
  location      = "s3://example-data-111111111111-eu-west-1/orders/"
  format        = "parquet"
  compression   = "SNAPPY"

  columns = [
    { name = "order_id", type = "bigint" },
    { name = "amount", type = "decimal(12,2)", comment = "in EUR" },
    { name = "items", type = "array<struct<sku:string,qty:int>>" },
  ]

  partition_keys = [
    { name = "dt", type = "string" },
  ]

  parameters = {
    "projection.enabled"        = "true"
    "projection.dt.type"        = "date"
    "projection.dt.format"      = "yyyy/MM/dd"
    "projection.dt.range"       = "2024/01/01,NOW"
    "storage.location.template" = "s3://example-data-111111111111-eu-west-1/orders/$${dt}/"
  }
}

output "table" {
  value = "${module.table.database_name}.${module.table.table_name}"
}
