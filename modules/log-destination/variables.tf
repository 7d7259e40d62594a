variable "name" {
  description = "Destination name (1-512 characters, no ':' or '*'); subscription filters in the source accounts name its ARN."
  type        = string

  validation {
    condition     = can(regex("^[^:*]{1,512}$", var.name))
    error_message = "name must be 1-512 characters without ':' or '*'."
  }
}

variable "account_id" {
  description = "Account of the destination (the logging account); forms the ARN known at plan time."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "stream_arn" {
  description = "Kinesis stream the destination writes to (same account and Region)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:[0-9]{12}:stream/.+$", var.stream_arn))
    error_message = "stream_arn must be a Kinesis stream ARN."
  }
}

variable "stream_kms_key_arn" {
  description = "Customer managed key of the stream; the role may use it only through Kinesis."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.stream_kms_key_arn))
    error_message = "stream_kms_key_arn must be a KMS key ARN."
  }
}

variable "role_name" {
  description = "Name of the role CloudWatch Logs assumes to put records into the stream."
  type        = string

  validation {
    condition     = can(regex("^[\\w+=,.@-]{1,64}$", var.role_name))
    error_message = "role_name must be a valid IAM role name of at most 64 characters."
  }
}

variable "source_account_ids" {
  description = "Accounts allowed to subscribe log groups to the destination (logs:PutSubscriptionFilter). Nobody else can."
  type        = list(string)

  validation {
    condition     = length(var.source_account_ids) > 0 && alltrue([for id in var.source_account_ids : can(regex("^[0-9]{12}$", id))])
    error_message = "source_account_ids must list at least one 12-digit account id."
  }
}

variable "organization_id" {
  description = "AWS Organizations id (o-...); when set, callers must also belong to it (aws:PrincipalOrgID)."
  type        = string
  default     = null

  validation {
    condition     = var.organization_id == null || can(regex("^o-[a-z0-9]{10,32}$", var.organization_id))
    error_message = "organization_id must look like o-a1b2c3d4e5."
  }
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
