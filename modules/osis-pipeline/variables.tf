variable "name" {
  description = "Pipeline name: 3-28 lowercase letters, digits and '-', starting with a letter."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,27}$", var.name))
    error_message = "name must be 3-28 lowercase letters, digits or '-', starting with a letter."
  }
}

variable "account_id" {
  description = "Account of the pipeline (forms ARNs known at plan time and the role's trust conditions)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "role_name" {
  description = "Name of the pipeline role (one least-privilege role per pipeline). The body's sts_role_arn values must name it."
  type        = string

  validation {
    condition     = can(regex("^[\\w+=,.@-]{1,64}$", var.role_name))
    error_message = "role_name must be a valid IAM role name of at most 64 characters."
  }
}

variable "min_units" {
  description = "Minimum OpenSearch Compute Units (1-96)."
  type        = number

  validation {
    condition     = var.min_units >= 1 && var.min_units <= 96 && floor(var.min_units) == var.min_units
    error_message = "min_units must be a whole number of 1-96."
  }
}

variable "max_units" {
  description = "Maximum OpenSearch Compute Units (1-96, at least min_units). One OCU runs one consumer per topic: more OCUs than partitions sit idle."
  type        = number

  validation {
    condition     = var.max_units >= 1 && var.max_units <= 96 && floor(var.max_units) == var.max_units
    error_message = "max_units must be a whole number of 1-96."
  }

  validation {
    condition     = var.max_units >= var.min_units
    error_message = "max_units must be at least min_units."
  }
}

variable "pipeline_configuration_body" {
  description = "Data Prepper pipeline configuration (YAML, version \"2\"), generated and checked by streamgen."
  type        = string

  validation {
    condition     = can(yamldecode(var.pipeline_configuration_body)) && try(yamldecode(var.pipeline_configuration_body).version == "2", false)
    error_message = "pipeline_configuration_body must be YAML with version: \"2\"."
  }

  validation {
    condition     = length(var.pipeline_configuration_body) <= 24000
    error_message = "pipeline_configuration_body must be at most 24,000 characters (CreatePipeline limit)."
  }
}

variable "kafka_source" {
  description = "Read Kafka topics of an MSK cluster (IAM auth): the role may connect to the cluster, read exactly these topics and use exactly these consumer groups; Glue Schema Registry ARNs when records are registry-encoded."
  type = object({
    cluster_arn        = string
    topic_arns         = list(string)
    group_arns         = list(string)
    glue_registry_arns = optional(list(string), [])
    glue_schema_arns   = optional(list(string), [])
  })
  default = null

  validation {
    condition = var.kafka_source == null ? true : (
      can(regex("^arn:aws[a-z-]*:kafka:[a-z0-9-]+:[0-9]{12}:cluster/[^/]+/[^/]+$", var.kafka_source.cluster_arn)) &&
      length(var.kafka_source.topic_arns) >= 1 && length(var.kafka_source.topic_arns) <= 4 &&
      alltrue([for a in var.kafka_source.topic_arns : can(regex("^arn:aws[a-z-]*:kafka:[a-z0-9-]+:[0-9]{12}:topic/[^*]+$", a))]) &&
      length(var.kafka_source.group_arns) >= 1 &&
      alltrue([for a in var.kafka_source.group_arns : can(regex("^arn:aws[a-z-]*:kafka:[a-z0-9-]+:[0-9]{12}:group/[^*]+$", a))])
    )
    error_message = "kafka_source needs an MSK cluster ARN, 1-4 topic ARNs and consumer group ARNs, without wildcards."
  }
}

variable "kinesis_source" {
  description = "Read Kinesis streams: the role may read exactly these streams (and register its enhanced fan-out consumer) and decrypt with their keys through Kinesis only."
  type = object({
    stream_arns      = list(string)
    kms_key_arns     = list(string)
    enhanced_fan_out = optional(bool, true)
  })
  default = null

  validation {
    condition = var.kinesis_source == null ? true : (
      length(var.kinesis_source.stream_arns) >= 1 && length(var.kinesis_source.stream_arns) <= 4 &&
      alltrue([for a in var.kinesis_source.stream_arns : can(regex("^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:[0-9]{12}:stream/[^*]+$", a))])
    )
    error_message = "kinesis_source needs 1-4 Kinesis stream ARNs, without wildcards."
  }

  validation {
    condition     = (var.kafka_source == null) != (var.kinesis_source == null)
    error_message = "Set exactly one of kafka_source and kinesis_source."
  }
}

variable "opensearch_domain_arn" {
  description = "OpenSearch Service domain to write to (its access policy, and fine-grained access control if on, must admit the pipeline role)."
  type        = string
  default     = null

  validation {
    condition     = var.opensearch_domain_arn == null || can(regex("^arn:aws[a-z-]*:es:[a-z0-9-]+:[0-9]{12}:domain/[a-z][a-z0-9-]+$", var.opensearch_domain_arn))
    error_message = "opensearch_domain_arn must be an OpenSearch domain ARN."
  }
}

variable "opensearch_collection" {
  description = "OpenSearch Serverless collection to write to. The module adds a data access policy granting the role write access to index_patterns only; network_policy_name is the collection's network policy OpenSearch Ingestion adds its endpoint to."
  type = object({
    arn                 = string
    name                = string
    index_patterns      = list(string)
    network_policy_name = optional(string)
  })
  default = null

  validation {
    condition = var.opensearch_collection == null ? true : (
      can(regex("^arn:aws[a-z-]*:aoss:[a-z0-9-]+:[0-9]{12}:collection/[a-z0-9]+$", var.opensearch_collection.arn)) &&
      can(regex("^[a-z][a-z0-9-]{2,31}$", var.opensearch_collection.name)) &&
      length(var.opensearch_collection.index_patterns) >= 1
    )
    error_message = "opensearch_collection needs a collection ARN, its name and at least one index pattern."
  }

  validation {
    condition     = (var.opensearch_domain_arn == null) != (var.opensearch_collection == null)
    error_message = "Set exactly one of opensearch_domain_arn and opensearch_collection."
  }
}

variable "dlq" {
  description = "Dead-letter queue: documents the sink cannot index go to s3://<bucket>/<prefix>... (SSE-KMS with kms_key_arn, the bucket's default key)."
  type = object({
    bucket_arn  = string
    prefix      = string
    kms_key_arn = string
  })

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]+$", var.dlq.bucket_arn)) && can(regex("^[a-zA-Z0-9!_.()-]+(/[a-zA-Z0-9!_.()-]+)*/$", var.dlq.prefix))
    error_message = "dlq needs a bucket ARN and a fixed folder prefix ending in '/' (the role is scoped to it)."
  }
}

variable "subnet_ids" {
  description = "Subnets of the pipeline's VPC endpoint (one per Availability Zone is best)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 1 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "subnet_ids must list at least one subnet id."
  }
}

variable "security_group_ids" {
  description = "Security groups of the pipeline's network interfaces (must reach the domain or collection endpoint on 443)."
  type        = list(string)

  validation {
    condition     = length(var.security_group_ids) >= 1 && length(var.security_group_ids) <= 12 && alltrue([for s in var.security_group_ids : can(regex("^sg-[0-9a-f]+$", s))])
    error_message = "security_group_ids must list 1-12 security group ids."
  }
}

variable "kms_key_arn" {
  description = "Customer managed key that encrypts the pipeline's buffered data at rest."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "persistent_buffer_enabled" {
  description = "Keep in-flight data in a disk-based buffer across Availability Zones (encrypted with kms_key_arn)."
  type        = bool
  default     = false
}

variable "logs_kms_key_arn" {
  description = "Customer managed key for the pipeline's log group (its key policy must allow logs.<region>.amazonaws.com)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be a KMS key ARN."
  }
}

variable "log_retention_days" {
  description = "Retention of the pipeline's log group."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts."
  }
}

variable "tags" {
  description = "Tags for the pipeline, role and log group (the provider's default_tags add the mandatory ones)."
  type        = map(string)
  default     = {}
}
