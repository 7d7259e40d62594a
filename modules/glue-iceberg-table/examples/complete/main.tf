# An Iceberg (v2) table for a streaming job to append to.
provider "aws" {
  region = "eu-west-1"
}

module "table" {
  source = "../../"

  database_name = "example"
  name          = "orders_iceberg"
  description   = "Orders, appended by a Glue streaming job"
  location      = "s3://example-data-111111111111-eu-west-1/orders-iceberg/data/"

  columns = [
    { name = "order_id", type = "bigint" },
    { name = "amount", type = "decimal(12,2)", comment = "in the order's currency" },
    { name = "created_at", type = "timestamp" },
    { name = "items", type = "array<struct<sku:string,qty:int>>" },
  ]
}

output "table_arn" {
  value = module.table.arn
}
