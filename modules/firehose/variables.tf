variable "name" {
  description = "Delivery stream name (1-64 letters, digits, '_', '.', '-')."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{1,64}$", var.name))
    error_message = "name must be 1-64 letters, digits, '_', '.' or '-'."
  }
}

variable "account_id" {
  description = "Account of the delivery stream (forms ARNs known at plan time and the role's external id)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "role_name" {
  description = "Name of the delivery stream's own role (one least-privilege role per stream)."
  type        = string

  validation {
    condition     = can(regex("^[\\w+=,.@-]{1,64}$", var.role_name))
    error_message = "role_name must be a valid IAM role name of at most 64 characters."
  }
}

variable "kinesis_source" {
  description = "Read from this Kinesis stream; null means Direct PUT. kms_key_arn is the stream's key (the role gets kms:Decrypt through Kinesis only)."
  type = object({
    stream_arn  = string
    kms_key_arn = string
  })
  default = null

  validation {
    condition     = var.kinesis_source == null || can(regex("^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:[0-9]{12}:stream/.+$", var.kinesis_source.stream_arn))
    error_message = "kinesis_source.stream_arn must be a Kinesis stream ARN."
  }
}

variable "s3" {
  description = "Extended S3 destination. Prefixes may use !{timestamp:...} and !{firehose:...} expressions; IAM is scoped to their fixed leading part."
  type = object({
    bucket_arn          = string
    prefix              = string
    error_output_prefix = string
    compression_format  = optional(string, "GZIP")
    file_extension      = optional(string)
    buffering_size      = optional(number, 64)
    buffering_interval  = optional(number, 300)
    kms_key_arn         = string
  })

  validation {
    condition     = contains(["UNCOMPRESSED", "GZIP", "ZIP", "Snappy", "HADOOP_SNAPPY"], var.s3.compression_format)
    error_message = "s3.compression_format must be UNCOMPRESSED, GZIP, ZIP, Snappy or HADOOP_SNAPPY."
  }

  validation {
    condition     = var.s3.buffering_size >= 1 && var.s3.buffering_size <= 128
    error_message = "s3.buffering_size must be 1-128 MB."
  }

  validation {
    condition     = var.s3.buffering_interval >= 0 && var.s3.buffering_interval <= 900
    error_message = "s3.buffering_interval must be 0-900 seconds."
  }

  validation {
    condition     = !strcontains(var.s3.prefix, "!{firehose:error-output-type}")
    error_message = "!{firehose:error-output-type} is only allowed in error_output_prefix."
  }

  validation {
    condition     = length(split("!{", var.s3.prefix)[0]) > 0 && length(split("!{", var.s3.error_output_prefix)[0]) > 0
    error_message = "prefix and error_output_prefix must start with a fixed folder, so the role can be scoped to it."
  }
}

variable "processors" {
  description = "Record processors, in order: Lambda (parameters LambdaArn, BufferSizeInMBs, BufferIntervalInSeconds, NumberOfRetries, RoleArn), Decompression (CompressionFormat), CloudWatchLogProcessing (DataMessageExtraction), MetadataExtraction, RecordDeAggregation, AppendDelimiterToRecord. Pass only parameters that differ from Firehose's defaults (AWS omits defaults and the provider would show a perpetual diff)."
  type = list(object({
    type = string
    parameters = optional(list(object({
      name  = string
      value = string
    })), [])
  }))
  default = []

  validation {
    condition     = alltrue([for p in var.processors : contains(["Lambda", "Decompression", "CloudWatchLogProcessing", "MetadataExtraction", "RecordDeAggregation", "AppendDelimiterToRecord"], p.type)])
    error_message = "processors[*].type must be Lambda, Decompression, CloudWatchLogProcessing, MetadataExtraction, RecordDeAggregation or AppendDelimiterToRecord."
  }

  validation {
    condition     = alltrue([for p in var.processors : p.type != "Lambda" || length([for q in p.parameters : q if q.name == "LambdaArn"]) == 1])
    error_message = "a Lambda processor needs exactly one LambdaArn parameter."
  }
}

variable "logs_kms_key_arn" {
  description = "Customer managed key for the delivery stream's error log group."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the error log group."
  type        = number
  default     = 365
}

variable "prevent_destroy" {
  description = "Protect the delivery stream from deletion and replacement (see the kinesis-stream README)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
