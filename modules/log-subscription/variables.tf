variable "name" {
  description = "Name of each subscription filter (a log group has at most two)."
  type        = string

  validation {
    condition     = can(regex("^[^:*]{1,512}$", var.name))
    error_message = "name must be 1-512 characters without ':' or '*'."
  }
}

variable "log_group_names" {
  description = "Existing log groups of the account to subscribe."
  type        = list(string)

  validation {
    condition     = length(var.log_group_names) > 0 && alltrue([for n in var.log_group_names : can(regex("^[.\\-_/#A-Za-z0-9]{1,512}$", n))])
    error_message = "log_group_names must list log group names (1-512 of letters, digits, '.', '-', '_', '/', '#')."
  }
}

variable "filter_pattern" {
  description = "CloudWatch Logs filter pattern; \"\" sends every event."
  type        = string
  default     = ""

  validation {
    condition     = length(var.filter_pattern) <= 1024
    error_message = "filter_pattern must be at most 1024 characters."
  }
}

variable "destination_arn" {
  description = "CloudWatch Logs destination (in the logging account, same Region) that receives the events."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:logs:[a-z0-9-]+:[0-9]{12}:destination:[^:*]+$", var.destination_arn))
    error_message = "destination_arn must be a CloudWatch Logs destination ARN."
  }
}
