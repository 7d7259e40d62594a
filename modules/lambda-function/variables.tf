variable "function_name" {
  description = "Function name (1-64 letters, digits, '-', '_')."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,64}$", var.function_name))
    error_message = "function_name must be 1-64 letters, digits, '-' or '_'."
  }
}

variable "description" {
  description = "What the function does."
  type        = string
  default     = ""
}

variable "account_id" {
  description = "Account the function lives in (forms ARNs known at plan time)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "role_name" {
  description = "Name of the execution role the module creates."
  type        = string

  validation {
    condition     = can(regex("^[\\w+=,.@-]{1,64}$", var.role_name))
    error_message = "role_name must be a valid IAM role name of at most 64 characters."
  }
}

variable "package_file" {
  description = "Path of the deployment zip (built deterministically by streamgen)."
  type        = string
}

variable "handler" {
  description = "Entry point, module.function."
  type        = string
  default     = "app.handler"
}

variable "runtime" {
  description = "Lambda runtime."
  type        = string
  default     = "python3.12"

  validation {
    condition     = can(regex("^python3\\.(1[2-9])$", var.runtime))
    error_message = "runtime must be a supported Python runtime (python3.12 or newer)."
  }
}

variable "memory_size" {
  description = "Memory in MB (128-10240); CPU scales with it."
  type        = number
  default     = 256

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240 MB."
  }
}

variable "timeout" {
  description = "Timeout in seconds (1-900)."
  type        = number
  default     = 60

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900
    error_message = "timeout must be between 1 and 900 seconds."
  }
}

variable "reserved_concurrent_executions" {
  description = "Concurrency reserved (and capped) for this function."
  type        = number
  default     = 10

  validation {
    condition     = var.reserved_concurrent_executions >= 1
    error_message = "reserved_concurrent_executions must be at least 1 (0 would disable the function)."
  }
}

variable "environment_variables" {
  description = "Plain configuration; encrypted at rest with kms_key_arn. Never secrets: pass a Secrets Manager ARN instead."
  type        = map(string)
  default     = {}
}

variable "kms_key_arn" {
  description = "Customer managed key for the environment variables."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "logs_kms_key_arn" {
  description = "Customer managed key for the function's log group."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be a KMS key ARN."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's log group."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts."
  }
}

variable "subnet_ids" {
  description = "Private subnets to run in (empty: no VPC)."
  type        = list(string)
  default     = []
}

variable "security_group_ids" {
  description = "Security groups for the function's network interfaces."
  type        = list(string)
  default     = []
}

variable "policy_statements" {
  description = "Extra IAM statements for the execution role, optionally with conditions (e.g. kms:ViaService). Resources must be concrete ARNs: \"*\" is refused."
  type = list(object({
    sid       = string
    actions   = list(string)
    resources = list(string)
    conditions = optional(list(object({
      test     = string
      variable = string
      values   = list(string)
    })), [])
  }))
  default = []

  validation {
    condition     = alltrue([for s in var.policy_statements : !contains(s.resources, "*") && length(s.resources) > 0])
    error_message = "policy_statements must name concrete resources, never \"*\"."
  }
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
