# One Glue database for a domain's tables.
provider "aws" {
  region = "eu-west-1"
}

module "database" {
  source = "../../"

  name        = "example_payments"
  description = "Tables of the payments domain"

  tags = {
    Domain = "payments"
  }
}

output "database" {
  value = module.database.name
}
