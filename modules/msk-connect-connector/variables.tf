variable "name" {
  description = "Connector name (unique in the account and Region). Keep it stable: sink offsets live in the group connect-<name>, source offsets in the topic named by offset_storage_topic."
  type        = string

  validation {
    # 128 minus the worker configuration's '-<8 hex>' suffix
    condition     = can(regex("^[0-9A-Za-z][0-9A-Za-z-]{0,118}$", var.name))
    error_message = "name must be 1-119 letters, digits or '-', starting with a letter or digit."
  }
}

variable "description" {
  description = "Description of the connector."
  type        = string
  default     = null
}

variable "account_id" {
  description = "Account of the connector (scopes the role's trust policy to this account's connectors)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "role_name" {
  description = "Name of the connector's own service execution role."
  type        = string

  validation {
    condition     = can(regex("^[\\w+=,.@-]{1,64}$", var.role_name))
    error_message = "role_name must be a valid IAM role name of at most 64 characters."
  }
}

variable "kafkaconnect_version" {
  description = "Apache Kafka Connect version: 2.7.1 or 3.7.x."
  type        = string
  default     = "3.7.x"

  validation {
    condition     = contains(["2.7.1", "3.7.x"], var.kafkaconnect_version)
    error_message = "kafkaconnect_version must be 2.7.1 or 3.7.x."
  }
}

variable "plugins" {
  description = "Custom plugins (ARN and revision) the connector runs."
  type = list(object({
    arn      = string
    revision = number
  }))

  validation {
    condition     = length(var.plugins) > 0
    error_message = "plugins must name at least one custom plugin."
  }
}

variable "cluster" {
  description = "The MSK cluster: ARN, bootstrap brokers for IAM authentication (port 9098) and the VPC placement of the workers."
  type = object({
    arn                = string
    bootstrap_servers  = list(string)
    subnet_ids         = list(string)
    security_group_ids = list(string)
  })

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kafka:[a-z0-9-]+:[0-9]{12}:cluster/[a-zA-Z0-9-]+/[a-zA-Z0-9-]+$", var.cluster.arn))
    error_message = "cluster.arn must be an MSK cluster ARN."
  }

  validation {
    condition     = length(var.cluster.bootstrap_servers) > 0 && alltrue([for b in var.cluster.bootstrap_servers : can(regex(":9098$", b))])
    error_message = "cluster.bootstrap_servers must be the IAM endpoints (port 9098): connectors authenticate with IAM over TLS only."
  }

  validation {
    condition     = length(var.cluster.subnet_ids) > 0 && length(var.cluster.security_group_ids) > 0
    error_message = "cluster.subnet_ids and cluster.security_group_ids must not be empty."
  }
}

variable "capacity" {
  description = "Exactly one of autoscaling (mcu_count 1/2/4/8, 1-10 workers, scale-in/out CPU %) or provisioned (mcu_count, worker_count)."
  type = object({
    autoscaling = optional(object({
      mcu_count             = number
      min_worker_count      = number
      max_worker_count      = number
      scale_in_cpu_percent  = optional(number, 20)
      scale_out_cpu_percent = optional(number, 80)
    }))
    provisioned = optional(object({
      mcu_count    = number
      worker_count = number
    }))
  })

  validation {
    condition     = (var.capacity.autoscaling == null) != (var.capacity.provisioned == null)
    error_message = "capacity must set exactly one of autoscaling or provisioned."
  }

  validation {
    condition     = contains([1, 2, 4, 8], coalesce(try(var.capacity.autoscaling.mcu_count, null), try(var.capacity.provisioned.mcu_count, null), 1))
    error_message = "mcu_count must be 1, 2, 4 or 8."
  }

  validation {
    condition = alltrue([
      for a in(var.capacity.autoscaling == null ? [] : [var.capacity.autoscaling]) :
      a.min_worker_count >= 1 && a.min_worker_count <= a.max_worker_count && a.max_worker_count <= 10 &&
      a.scale_in_cpu_percent < a.scale_out_cpu_percent
    ])
    error_message = "autoscaling needs 1 <= min_worker_count <= max_worker_count <= 10 and scale_in_cpu_percent < scale_out_cpu_percent."
  }

  validation {
    condition     = alltrue([for p in(var.capacity.provisioned == null ? [] : [var.capacity.provisioned]) : p.worker_count >= 1 && p.worker_count <= 10])
    error_message = "provisioned.worker_count must be 1-10."
  }
}

variable "connector_configuration" {
  description = "Connector properties. Any change replaces the connector (the provider does not reliably apply in-place changes). Secrets only as $${secretsmanager:<name>:<field>} references to secrets listed in var.secrets."
  type        = map(string)

  validation {
    condition     = contains(keys(var.connector_configuration), "connector.class")
    error_message = "connector_configuration must set connector.class."
  }

  validation {
    # authentication towards the cluster is MSK Connect's (IAM over TLS)
    condition     = length([for k in keys(var.connector_configuration) : k if can(regex("^((producer|consumer|admin)\\.override\\.)?(security\\.protocol|sasl\\..*)$", k))]) == 0
    error_message = "connector_configuration must not set security.protocol or sasl.* (MSK Connect uses IAM over TLS)."
  }
}

variable "worker_properties" {
  description = "Worker configuration properties (key.converter and value.converter are required by MSK Connect). The module adds the Secrets Manager config provider when secrets are given, and offset.storage.topic."
  type        = map(string)
  default = {
    "key.converter"   = "org.apache.kafka.connect.storage.StringConverter"
    "value.converter" = "org.apache.kafka.connect.storage.StringConverter"
  }

  validation {
    condition     = contains(keys(var.worker_properties), "key.converter") && contains(keys(var.worker_properties), "value.converter")
    error_message = "worker_properties must set key.converter and value.converter."
  }
}

variable "offset_storage_topic" {
  description = "Source connectors: a stable offsets topic (e.g. __amazon_msk_connect_offsets_<name>), so a replaced connector resumes where the old one stopped. Null uses MSK Connect's per-connector default."
  type        = string
  default     = null

  validation {
    condition     = var.offset_storage_topic == null ? true : can(regex("^__amazon_msk_connect_offsets_[a-zA-Z0-9._-]+$", var.offset_storage_topic))
    error_message = "offset_storage_topic must start with __amazon_msk_connect_offsets_."
  }
}

variable "read_topics" {
  description = "Kafka topics the connector consumes (sinks)."
  type        = list(string)
  default     = []
}

variable "write_topics" {
  description = "Kafka topics the connector produces to (sources; sinks' dead-letter topic)."
  type        = list(string)
  default     = []
}

variable "internal_topics" {
  description = "Topics the connector creates and owns besides MSK Connect's own (e.g. Debezium's schema history)."
  type        = list(string)
  default     = []
}

variable "consumer_groups" {
  description = "Consumer groups the connector uses (sinks: connect-<name>; Debezium: its schema history group)."
  type        = list(string)
  default     = []
}

variable "s3_destination" {
  description = "S3 sinks: the bucket, the folder (prefix without trailing '/') the connector writes below, and the bucket's KMS key."
  type = object({
    bucket_arn  = string
    prefix      = string
    kms_key_arn = string
  })
  default = null

  validation {
    condition     = alltrue([for d in(var.s3_destination == null ? [] : [var.s3_destination]) : length(d.prefix) > 0 && !endswith(d.prefix, "/")])
    error_message = "s3_destination.prefix must be a non-empty folder without a trailing '/'."
  }
}

variable "event_bus_arn" {
  description = "EventBridge sinks: the bus the connector puts events on."
  type        = string
  default     = null
}

variable "glue_registry_arn" {
  description = "Glue Schema Registry the converters read schemas from (Avro converter)."
  type        = string
  default     = null
}

variable "secrets" {
  description = "Secrets Manager secrets the config provider reads (ARN with suffix, and the secret's CMK when it has one)."
  type = list(object({
    arn         = string
    kms_key_arn = optional(string)
  }))
  default = []

  validation {
    condition     = alltrue([for s in var.secrets : can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+-[A-Za-z0-9]{6}$", s.arn))])
    error_message = "secrets[].arn must be full secret ARNs (with the 6-character suffix)."
  }
}

variable "logs_kms_key_arn" {
  description = "KMS key of the worker log group (its key policy must allow logs.<region>.amazonaws.com)."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the worker logs in days."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts."
  }
}

variable "tags" {
  description = "Tags of every resource (the provider's default_tags add the mandatory ones)."
  type        = map(string)
  default     = {}
}
