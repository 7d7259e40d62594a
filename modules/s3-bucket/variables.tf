variable "bucket" {
  description = "Bucket name (3-63 lowercase letters, digits, '.', '-')."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket))
    error_message = "bucket must be a valid S3 bucket name."
  }
}

variable "account_id" {
  description = "Owning account; bucket policies only admit this account's principals and sources."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "purpose" {
  description = "\"data\" (SSE-KMS, access logging to another bucket) or \"access-logs\" (target of S3 server access logs, which AWS can only write with SSE-S3)."
  type        = string
  default     = "data"

  validation {
    condition     = contains(["data", "access-logs"], var.purpose)
    error_message = "purpose must be data or access-logs."
  }
}

variable "kms_key_arn" {
  description = "Customer managed key for default encryption; required for data buckets."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "access_log_bucket" {
  description = "Bucket receiving this bucket's server access logs (data buckets)."
  type        = string
  default     = null
}

variable "noncurrent_version_expiration_days" {
  description = "Days a replaced or deleted object version is kept (versioning is always on)."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1
    error_message = "noncurrent_version_expiration_days must be at least 1."
  }
}

variable "log_expiration_days" {
  description = "Days access-log objects are kept (access-logs buckets only)."
  type        = number
  default     = 365
}

variable "prevent_destroy" {
  description = "Protect the bucket from deletion and replacement. Changing it moves the resource address (see README)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for the bucket."
  type        = map(string)
  default     = {}
}
