variable "name" {
  description = "Job name; also names its security configuration, Kafka connection, security group and log group."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{1,200}$", var.name))
    error_message = "name must be 1-200 letters, digits, '_', '.' or '-'."
  }
}

variable "description" {
  description = "What the job does (shown in the Glue console)."
  type        = string
  default     = ""
}

variable "account_id" {
  description = "Account of the job (forms ARNs known at plan time)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "role_name" {
  description = "Name of the job's own least-privilege role."
  type        = string

  validation {
    condition     = can(regex("^[\\w+=,.@-]{1,64}$", var.role_name))
    error_message = "role_name must be a valid IAM role name of at most 64 characters."
  }
}

variable "glue_version" {
  description = "Glue runtime: 4.0 (Spark 3.3, Python 3.10) or 5.0 (Spark 3.5, Python 3.11)."
  type        = string
  default     = "4.0"

  validation {
    condition     = contains(["4.0", "5.0"], var.glue_version)
    error_message = "glue_version must be 4.0 or 5.0."
  }
}

variable "worker_type" {
  description = "G.025X (low-volume streams), G.1X or G.2X."
  type        = string
  default     = "G.1X"

  validation {
    condition     = contains(["G.025X", "G.1X", "G.2X"], var.worker_type)
    error_message = "worker_type must be G.025X, G.1X or G.2X."
  }
}

variable "number_of_workers" {
  description = "Workers of the job (2-299)."
  type        = number
  default     = 2

  validation {
    condition     = var.number_of_workers >= 2 && var.number_of_workers <= 299 && floor(var.number_of_workers) == var.number_of_workers
    error_message = "number_of_workers must be a whole number from 2 to 299."
  }
}

variable "script" {
  description = "The PySpark script: a local file uploaded to bucket/key (SSE-KMS with kms_key_arn)."
  type = object({
    file   = string
    bucket = string
    key    = string
  })

  validation {
    condition     = endswith(var.script.key, ".py") && !startswith(var.script.key, "/")
    error_message = "script.key must be a relative key ending in .py."
  }
}

variable "kinesis_source" {
  description = "Read this Kinesis stream (kms_key_arn: the stream's key). Exactly one of kinesis_source and kafka_source."
  type = object({
    stream_arn  = string
    kms_key_arn = string
  })
  default = null

  validation {
    condition     = var.kinesis_source == null || can(regex("^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:[0-9]{12}:stream/[a-zA-Z0-9_.-]+$", var.kinesis_source.stream_arn))
    error_message = "kinesis_source.stream_arn must be a Kinesis stream ARN."
  }
}

variable "kafka_source" {
  description = "Read this MSK topic over IAM auth and TLS through a Glue Kafka connection in the given subnet. security_group_ids are the cluster's client security groups; the module adds its own self-referencing group."
  type = object({
    cluster_arn        = string
    topic_name         = string
    topic_arn          = string
    group_arn          = string
    bootstrap_servers  = list(string)
    vpc_id             = string
    subnet_id          = string
    availability_zone  = optional(string)
    security_group_ids = list(string)
  })
  default = null

  validation {
    condition     = var.kafka_source == null || can(regex("^arn:aws[a-z-]*:kafka:[a-z0-9-]+:[0-9]{12}:cluster/.+$", var.kafka_source.cluster_arn))
    error_message = "kafka_source.cluster_arn must be an MSK cluster ARN."
  }

  validation {
    condition     = var.kafka_source == null || alltrue([for b in try(var.kafka_source.bootstrap_servers, []) : endswith(b, ":9098")])
    error_message = "kafka_source.bootstrap_servers must be the IAM-auth brokers (port 9098)."
  }
}

variable "output" {
  description = "Where the job writes, in one bucket: data (parquet files or the Iceberg warehouse), rejected records, Spark temp files. Prefixes end in '/'."
  type = object({
    bucket_arn   = string
    format       = string
    data_prefix  = string
    error_prefix = string
    temp_prefix  = string
  })

  validation {
    condition     = contains(["parquet", "iceberg"], var.output.format)
    error_message = "output.format must be parquet or iceberg."
  }

  validation {
    condition     = alltrue([for p in [var.output.data_prefix, var.output.error_prefix, var.output.temp_prefix] : endswith(p, "/") && !startswith(p, "/")])
    error_message = "output prefixes must be relative and end in '/'."
  }
}

variable "checkpoint_location" {
  description = "s3:// location of the Spark checkpoints (the job resumes from them)."
  type        = string

  validation {
    condition     = can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.*/$", var.checkpoint_location))
    error_message = "checkpoint_location must be s3://bucket/prefix/ (ending in '/')."
  }
}

variable "catalog" {
  description = "Glue database and table the job writes (parquet: partitions are added by the job; iceberg: the table's metadata is committed by the job)."
  type = object({
    database_name = string
    table_name    = string
  })
}

variable "window_size_s" {
  description = "Micro-batch window in seconds."
  type        = number
  default     = 100

  validation {
    condition     = var.window_size_s >= 1 && var.window_size_s <= 3600
    error_message = "window_size_s must be 1-3600."
  }
}

variable "starting_position" {
  description = "Where a job without a checkpoint starts: earliest or latest."
  type        = string
  default     = "latest"

  validation {
    condition     = contains(["earliest", "latest"], var.starting_position)
    error_message = "starting_position must be earliest or latest."
  }
}

variable "keep_running" {
  description = "Start the job and restart it after a failure (a scheduled trigger every 10 minutes; a running job is left alone)."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "Customer managed key for the job's S3 writes (security configuration), job bookmarks and the uploaded script."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "logs_kms_key_arn" {
  description = "Customer managed key for the job's CloudWatch log groups."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be a KMS key ARN."
  }
}

variable "log_retention_days" {
  description = "Retention of the job's log groups."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags for the job's resources."
  type        = map(string)
  default     = {}
}
