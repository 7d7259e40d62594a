# A Kinesis stream into a materialized view in a serverless workgroup.
provider "aws" {
  region = "eu-west-1"
}

module "sql" {
  source = "../../"

  workgroup_name        = "example-analytics"
  database              = "analytics"
  secret_arn            = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:example/redshift-AbCdEf"
  statement_name_prefix = "streamgen-web"

  schemas   = { web = file("${path.module}/sql/schema.sql") }
  procedure = file("${path.module}/sql/procedure.sql")
  external_schemas = {
    web_kinesis = file("${path.module}/sql/external.sql")
  }
  views = {
    clicks = file("${path.module}/sql/view.sql")
  }
}

output "statement_ids" {
  value = module.sql.statement_ids
}
