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
  description = "Read from this Kinesis stream; null (and no msk_source) means Direct PUT. kms_key_arn is the stream's key (the role gets kms:Decrypt through Kinesis only)."
  type = object({
    stream_arn  = string
    kms_key_arn = string
  })
  default = null

  validation {
    condition     = var.kinesis_source == null ? true : can(regex("^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:[0-9]{12}:stream/.+$", var.kinesis_source.stream_arn))
    error_message = "kinesis_source.stream_arn must be a Kinesis stream ARN."
  }
}

variable "msk_source" {
  description = "Read from this MSK topic with IAM authentication; null for a Kinesis source or Direct PUT. connectivity: PRIVATE (multi-VPC private connectivity; the cluster policy must admit firehose.amazonaws.com) or PUBLIC. read_from_timestamp: RFC 3339 start (default: when the stream becomes active)."
  type = object({
    cluster_arn         = string
    topic_name          = string
    connectivity        = optional(string, "PRIVATE")
    read_from_timestamp = optional(string)
  })
  default = null

  validation {
    condition     = var.msk_source == null ? true : can(regex("^arn:aws[a-z-]*:kafka:[a-z0-9-]+:[0-9]{12}:cluster/[a-zA-Z0-9-]+/[a-zA-Z0-9-]+$", var.msk_source.cluster_arn))
    error_message = "msk_source.cluster_arn must be an MSK cluster ARN."
  }

  validation {
    condition     = var.msk_source == null ? true : can(regex("^[a-zA-Z0-9._-]{1,255}$", var.msk_source.topic_name))
    error_message = "msk_source.topic_name must be 1-255 letters, digits, '.', '_' or '-'."
  }

  validation {
    condition     = var.msk_source == null ? true : contains(["PRIVATE", "PUBLIC"], var.msk_source.connectivity)
    error_message = "msk_source.connectivity must be PRIVATE or PUBLIC."
  }

  validation {
    condition     = var.msk_source == null ? true : var.msk_source.read_from_timestamp == null ? true : can(formatdate("YYYY", var.msk_source.read_from_timestamp))
    error_message = "msk_source.read_from_timestamp must be an RFC 3339 timestamp such as 2024-05-01T00:00:00Z."
  }

  validation {
    condition     = var.msk_source == null ? true : var.kinesis_source == null
    error_message = "a delivery stream has one source: set kinesis_source or msk_source, not both."
  }
}

variable "s3" {
  description = "The S3 location in the bucket: the destination itself (extended S3), or where other destinations back up failed/all records and Redshift stages COPY input. Prefixes may use !{timestamp:...}, !{firehose:...} and (dynamic partitioning) !{partitionKeyFrom...} expressions; IAM is scoped to their fixed leading part. backup (extended S3): also keep the source records. dynamic_partitioning, format_conversion and file_extension apply to the extended S3 destination only."
  type = object({
    bucket_arn          = string
    prefix              = string
    error_output_prefix = string
    compression_format  = optional(string, "GZIP")
    file_extension      = optional(string)
    buffering_size      = optional(number, 64)
    buffering_interval  = optional(number, 300)
    kms_key_arn         = string
    backup = optional(object({
      prefix              = string
      error_output_prefix = string
      compression_format  = optional(string, "GZIP")
    }))
    dynamic_partitioning = optional(object({
      retry_duration = optional(number, 300)
    }))
    format_conversion = optional(object({
      output_format               = string
      compression                 = optional(string, "SNAPPY")
      deserializer                = optional(string, "openx")
      timestamp_formats           = optional(list(string), [])
      column_to_json_key_mappings = optional(map(string), {})
      database_name               = string
      table_name                  = string
    }))
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

  validation {
    condition     = var.s3.backup == null ? true : try(length(split("!{", var.s3.backup.prefix)[0]) > 0 && length(split("!{", var.s3.backup.error_output_prefix)[0]) > 0, false)
    error_message = "backup prefixes must start with a fixed folder, so the role can be scoped to them."
  }

  validation {
    condition     = var.s3.dynamic_partitioning == null ? true : try(var.s3.dynamic_partitioning.retry_duration >= 0 && var.s3.dynamic_partitioning.retry_duration <= 7200, false)
    error_message = "s3.dynamic_partitioning.retry_duration must be 0-7200 seconds."
  }

  # Firehose refuses smaller buffers for both features.
  validation {
    condition     = (var.s3.dynamic_partitioning == null && var.s3.format_conversion == null) || var.s3.buffering_size >= 64
    error_message = "dynamic partitioning and format conversion need s3.buffering_size >= 64 MB."
  }

  validation {
    condition     = var.s3.dynamic_partitioning == null ? true : strcontains(var.s3.prefix, "!{partitionKeyFrom")
    error_message = "with dynamic partitioning, s3.prefix must use its partition keys (!{partitionKeyFromQuery:...} or !{partitionKeyFromLambda:...})."
  }

  validation {
    condition = var.s3.format_conversion == null || try(
      (var.s3.format_conversion.output_format == "parquet" && contains(["SNAPPY", "GZIP", "UNCOMPRESSED"], var.s3.format_conversion.compression)) ||
      (var.s3.format_conversion.output_format == "orc" && contains(["SNAPPY", "ZLIB", "NONE"], var.s3.format_conversion.compression)),
    false)
    error_message = "s3.format_conversion: parquet takes SNAPPY, GZIP or UNCOMPRESSED; orc takes SNAPPY, ZLIB or NONE."
  }

  validation {
    condition     = var.s3.format_conversion == null ? true : try(contains(["openx", "hive"], var.s3.format_conversion.deserializer), false)
    error_message = "s3.format_conversion.deserializer must be openx or hive."
  }

  # The serializer compresses converted data; S3-level compression would fail delivery.
  validation {
    condition     = var.s3.format_conversion == null ? true : var.s3.compression_format == "UNCOMPRESSED"
    error_message = "with format_conversion, s3.compression_format must be UNCOMPRESSED (set format_conversion.compression)."
  }
}

variable "opensearch" {
  description = "Deliver to an OpenSearch Service domain (null: another destination). vpc: the domain is inside a VPC; Firehose creates network interfaces in these subnets (changing them needs a new stream). s3_backup_mode: FailedDocumentsOnly or AllDocuments, to the s3 location."
  type = object({
    domain_arn            = string
    index_name            = string
    index_rotation_period = optional(string, "NoRotation")
    document_id_format    = optional(string)
    retry_duration        = optional(number, 300)
    s3_backup_mode        = optional(string, "FailedDocumentsOnly")
    buffering_size        = optional(number, 5)
    buffering_interval    = optional(number, 300)
    vpc = optional(object({
      vpc_id             = string
      subnet_ids         = list(string)
      security_group_ids = list(string)
    }))
  })
  default = null

  validation {
    condition     = var.opensearch == null ? true : can(regex("^arn:aws[a-z-]*:es:[a-z0-9-]+:[0-9]{12}:domain/[a-z][a-z0-9-]{2,27}$", var.opensearch.domain_arn))
    error_message = "opensearch.domain_arn must be an OpenSearch domain ARN."
  }

  validation {
    condition     = var.opensearch == null ? true : try(contains(["NoRotation", "OneHour", "OneDay", "OneWeek", "OneMonth"], var.opensearch.index_rotation_period), false)
    error_message = "opensearch.index_rotation_period must be NoRotation, OneHour, OneDay, OneWeek or OneMonth."
  }

  validation {
    condition     = var.opensearch == null ? true : var.opensearch.document_id_format == null ? true : contains(["FIREHOSE_DEFAULT", "NO_DOCUMENT_ID"], var.opensearch.document_id_format)
    error_message = "opensearch.document_id_format must be FIREHOSE_DEFAULT or NO_DOCUMENT_ID."
  }

  validation {
    condition     = var.opensearch == null ? true : try(contains(["FailedDocumentsOnly", "AllDocuments"], var.opensearch.s3_backup_mode), false)
    error_message = "opensearch.s3_backup_mode must be FailedDocumentsOnly or AllDocuments."
  }

  validation {
    condition     = var.opensearch == null ? true : try(var.opensearch.retry_duration >= 0 && var.opensearch.retry_duration <= 7200, false)
    error_message = "opensearch.retry_duration must be 0-7200 seconds."
  }

  validation {
    condition     = var.opensearch == null ? true : try(var.opensearch.buffering_size >= 1 && var.opensearch.buffering_size <= 100 && var.opensearch.buffering_interval >= 0 && var.opensearch.buffering_interval <= 900, false)
    error_message = "opensearch buffering must be 1-100 MB and 0-900 seconds."
  }

  validation {
    condition     = var.opensearch == null ? true : var.opensearch.vpc == null ? true : length(var.opensearch.vpc.subnet_ids) > 0 && length(var.opensearch.vpc.security_group_ids) > 0
    error_message = "opensearch.vpc needs at least one subnet and one security group."
  }
}

variable "opensearch_serverless" {
  description = "Deliver to an OpenSearch Serverless collection (null: another destination). The module creates the data access policy access_policy_name (at most 32 characters) that lets the stream's role create and write index_name."
  type = object({
    collection_arn      = string
    collection_name     = string
    collection_endpoint = string
    index_name          = string
    access_policy_name  = string
    retry_duration      = optional(number, 300)
    s3_backup_mode      = optional(string, "FailedDocumentsOnly")
    buffering_size      = optional(number, 5)
    buffering_interval  = optional(number, 300)
  })
  default = null

  validation {
    condition     = var.opensearch_serverless == null ? true : can(regex("^arn:aws[a-z-]*:aoss:[a-z0-9-]+:[0-9]{12}:collection/[a-z0-9]{3,40}$", var.opensearch_serverless.collection_arn))
    error_message = "opensearch_serverless.collection_arn must be an OpenSearch Serverless collection ARN."
  }

  validation {
    condition     = var.opensearch_serverless == null ? true : can(regex("^[a-z][a-z0-9-]{2,31}$", var.opensearch_serverless.access_policy_name))
    error_message = "opensearch_serverless.access_policy_name must be 3-32 lowercase letters, digits or '-', starting with a letter."
  }

  validation {
    condition     = var.opensearch_serverless == null ? true : try(contains(["FailedDocumentsOnly", "AllDocuments"], var.opensearch_serverless.s3_backup_mode), false)
    error_message = "opensearch_serverless.s3_backup_mode must be FailedDocumentsOnly or AllDocuments."
  }

  validation {
    condition     = var.opensearch_serverless == null ? true : try(var.opensearch_serverless.retry_duration >= 0 && var.opensearch_serverless.retry_duration <= 7200, false)
    error_message = "opensearch_serverless.retry_duration must be 0-7200 seconds."
  }

  validation {
    condition     = var.opensearch_serverless == null ? true : try(var.opensearch_serverless.buffering_size >= 1 && var.opensearch_serverless.buffering_size <= 100 && var.opensearch_serverless.buffering_interval >= 0 && var.opensearch_serverless.buffering_interval <= 900, false)
    error_message = "opensearch_serverless buffering must be 1-100 MB and 0-900 seconds."
  }
}

variable "redshift" {
  description = "Deliver to Redshift (null: another destination): records are staged at the s3 location and loaded with COPY. The database user's credentials come from the Secrets Manager secret secret_arn (keys username and password), never from a variable. jsonpaths: the module writes this JSONPaths file (key in the bucket, one path per column) for copy_options to name. backup: also keep the source records."
  type = object({
    cluster_jdbcurl    = string
    data_table_name    = string
    data_table_columns = optional(list(string), [])
    copy_options       = optional(string)
    secret_arn         = string
    retry_duration     = optional(number, 3600)
    jsonpaths = optional(object({
      key   = string
      paths = list(string)
    }))
    backup = optional(object({
      prefix              = string
      error_output_prefix = string
      compression_format  = optional(string, "GZIP")
    }))
  })
  default = null

  validation {
    condition     = var.redshift == null ? true : var.redshift.jsonpaths == null ? true : length(var.redshift.jsonpaths.paths) == length(var.redshift.data_table_columns)
    error_message = "redshift.jsonpaths.paths must map each of data_table_columns, in order."
  }

  validation {
    condition     = var.redshift == null ? true : can(regex("^jdbc:redshift://[a-zA-Z0-9.-]+:[0-9]{2,5}/[a-z_][a-z0-9_$]*$", var.redshift.cluster_jdbcurl))
    error_message = "redshift.cluster_jdbcurl must be jdbc:redshift://<host>:<port>/<database>."
  }

  validation {
    condition     = var.redshift == null ? true : can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", var.redshift.secret_arn))
    error_message = "redshift.secret_arn must be a Secrets Manager secret ARN."
  }

  validation {
    condition     = var.redshift == null ? true : try(var.redshift.retry_duration >= 0 && var.redshift.retry_duration <= 7200, false)
    error_message = "redshift.retry_duration must be 0-7200 seconds."
  }

  validation {
    condition     = var.redshift == null ? true : try(!can(regex("(?i)(credentials|access_key_id|secret_access_key|session_token|iam_role)", var.redshift.copy_options)), true)
    error_message = "redshift.copy_options must not carry credentials; Firehose supplies them."
  }
}

variable "http_endpoint" {
  description = "Deliver to an HTTP endpoint such as Datadog or Elastic (null: another destination). The access key is read from the Secrets Manager secret secret_arn (key api_key) at delivery time; null for endpoints without a key. s3_backup_mode: FailedDataOnly or AllData."
  type = object({
    url                = string
    name               = string
    secret_arn         = optional(string)
    content_encoding   = optional(string, "NONE")
    common_attributes  = optional(map(string), {})
    retry_duration     = optional(number, 300)
    s3_backup_mode     = optional(string, "FailedDataOnly")
    buffering_size     = optional(number, 5)
    buffering_interval = optional(number, 300)
  })
  default = null

  validation {
    condition     = var.http_endpoint == null ? true : can(regex("^https://", var.http_endpoint.url))
    error_message = "http_endpoint.url must be an https:// URL."
  }

  validation {
    condition     = var.http_endpoint == null ? true : var.http_endpoint.secret_arn == null ? true : can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", var.http_endpoint.secret_arn))
    error_message = "http_endpoint.secret_arn must be a Secrets Manager secret ARN."
  }

  validation {
    condition     = var.http_endpoint == null ? true : try(contains(["NONE", "GZIP"], var.http_endpoint.content_encoding) && contains(["FailedDataOnly", "AllData"], var.http_endpoint.s3_backup_mode), false)
    error_message = "http_endpoint.content_encoding must be NONE or GZIP; s3_backup_mode FailedDataOnly or AllData."
  }

  validation {
    condition     = var.http_endpoint == null ? true : try(var.http_endpoint.retry_duration >= 0 && var.http_endpoint.retry_duration <= 7200, false)
    error_message = "http_endpoint.retry_duration must be 0-7200 seconds."
  }

  validation {
    condition     = var.http_endpoint == null ? true : try(var.http_endpoint.buffering_size >= 1 && var.http_endpoint.buffering_size <= 64 && var.http_endpoint.buffering_interval >= 0 && var.http_endpoint.buffering_interval <= 900, false)
    error_message = "http_endpoint buffering must be 1-64 MB and 0-900 seconds."
  }
}

variable "splunk" {
  description = "Deliver to a Splunk HTTP Event Collector (null: another destination). The HEC token is read from the Secrets Manager secret secret_arn (key hec_token). s3_backup_mode: FailedEventsOnly or AllEvents."
  type = object({
    hec_endpoint               = string
    secret_arn                 = string
    hec_endpoint_type          = optional(string, "Raw")
    hec_acknowledgment_timeout = optional(number, 180)
    retry_duration             = optional(number, 300)
    s3_backup_mode             = optional(string, "FailedEventsOnly")
    buffering_size             = optional(number, 5)
    buffering_interval         = optional(number, 60)
  })
  default = null

  validation {
    condition     = var.splunk == null ? true : can(regex("^https://", var.splunk.hec_endpoint))
    error_message = "splunk.hec_endpoint must be an https:// URL."
  }

  validation {
    condition     = var.splunk == null ? true : can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", var.splunk.secret_arn))
    error_message = "splunk.secret_arn must be a Secrets Manager secret ARN."
  }

  validation {
    condition     = var.splunk == null ? true : try(contains(["Raw", "Event"], var.splunk.hec_endpoint_type) && contains(["FailedEventsOnly", "AllEvents"], var.splunk.s3_backup_mode), false)
    error_message = "splunk.hec_endpoint_type must be Raw or Event; s3_backup_mode FailedEventsOnly or AllEvents."
  }

  validation {
    condition     = var.splunk == null ? true : try(var.splunk.hec_acknowledgment_timeout >= 180 && var.splunk.hec_acknowledgment_timeout <= 600 && var.splunk.retry_duration >= 0 && var.splunk.retry_duration <= 7200, false)
    error_message = "splunk.hec_acknowledgment_timeout must be 180-600 seconds and retry_duration 0-7200 seconds."
  }

  validation {
    condition     = var.splunk == null ? true : try(var.splunk.buffering_size >= 1 && var.splunk.buffering_size <= 5 && var.splunk.buffering_interval >= 0 && var.splunk.buffering_interval <= 60, false)
    error_message = "splunk buffering must be 1-5 MB and 0-60 seconds."
  }

  # One destination per stream.
  validation {
    condition     = length(compact([for d in [var.opensearch, var.opensearch_serverless, var.redshift, var.http_endpoint, var.splunk] : d == null ? "" : "x"])) <= 1
    error_message = "set at most one of opensearch, opensearch_serverless, redshift, http_endpoint and splunk (none: extended S3)."
  }
}

variable "secrets_kms_key_arn" {
  description = "Customer managed key of the destination's secret (the role may decrypt with it through Secrets Manager only); null when the secret uses the AWS managed key."
  type        = string
  default     = null
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
