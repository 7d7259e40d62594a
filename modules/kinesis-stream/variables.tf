variable "name" {
  description = "Stream name (1-128 characters of letters, digits, '_', '.', '-')."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{1,128}$", var.name))
    error_message = "name must be 1-128 characters of letters, digits, '_', '.' and '-'."
  }
}

variable "account_id" {
  description = "Account the stream lives in; with the Region it forms the ARN known at plan time."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "stream_mode" {
  description = "ON_DEMAND (scales by itself) or PROVISIONED (fixed shard count)."
  type        = string
  default     = "ON_DEMAND"

  validation {
    condition     = contains(["ON_DEMAND", "PROVISIONED"], var.stream_mode)
    error_message = "stream_mode must be ON_DEMAND or PROVISIONED."
  }
}

variable "shard_count" {
  description = "Shards of a PROVISIONED stream (1 MB/s or 1,000 records/s in, 2 MB/s out each). Must be null for ON_DEMAND."
  type        = number
  default     = null

  validation {
    condition     = var.shard_count == null || try(var.shard_count >= 1 && floor(var.shard_count) == var.shard_count, false)
    error_message = "shard_count must be a whole number >= 1."
  }
}

variable "retention_period" {
  description = "Hours records stay readable: 24 (default) up to 8760 (one year)."
  type        = number
  default     = 24

  validation {
    condition     = var.retention_period >= 24 && var.retention_period <= 8760
    error_message = "retention_period must be between 24 and 8760 hours."
  }
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for server-side encryption (always on)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "shard_level_metrics" {
  description = "Enhanced (shard-level) CloudWatch metrics to enable."
  type        = list(string)
  default     = ["IncomingBytes", "IncomingRecords", "IteratorAgeMilliseconds", "OutgoingBytes", "OutgoingRecords", "ReadProvisionedThroughputExceeded", "WriteProvisionedThroughputExceeded"]
}

variable "prevent_destroy" {
  description = "Protect the stream from deletion and replacement (its records are lost with it). Changing this moves the resource address; the generator emits the matching moved block."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for the stream (provider default_tags add the environment's mandatory tags)."
  type        = map(string)
  default     = {}
}
