# An application account subscribing two log groups to the logging
# account's destination; the filter sends only errors and warnings.
provider "aws" {
  alias  = "application"
  region = "eu-west-1"
}

module "subscription" {
  source = "../../"
  providers = {
    aws = aws.application
  }

  name            = "example-checkout-to-central-logs"
  log_group_names = ["/aws/lambda/checkout-api", "/ecs/checkout-worker"]
  filter_pattern  = "{ $.level = \"ERROR\" || $.level = \"WARN\" }"
  destination_arn = "arn:aws:logs:eu-west-1:222222222222:destination:example-central-logs"
}

output "subscribed" {
  value = module.subscription.log_group_names
}
