variable "name" {
  description = "Name of the managed policy."
  type        = string

  validation {
    condition     = can(regex("^[\\w+=,.@-]{1,128}$", var.name))
    error_message = "name must be a valid IAM policy name of at most 128 characters."
  }
}

variable "description" {
  description = "Description of the policy (shown in IAM)."
  type        = string
  default     = "Kafka access to an MSK cluster with IAM authentication."
}

variable "cluster_arn" {
  description = "ARN of the MSK cluster (arn:<partition>:kafka:<region>:<account>:cluster/<name>/<uuid>); topic and group ARNs are derived from it."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kafka:[a-z0-9-]+:[0-9]{12}:cluster/[a-zA-Z0-9-]+/[a-zA-Z0-9-]+$", var.cluster_arn))
    error_message = "cluster_arn must be an MSK cluster ARN."
  }
}

variable "read_topics" {
  description = "Kafka topic names the principal may consume (DescribeTopic, ReadData)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for t in var.read_topics : can(regex("^[a-zA-Z0-9._-]{1,249}$", t))])
    error_message = "read_topics must be Kafka topic names (no wildcards: access is granted per topic)."
  }
}

variable "write_topics" {
  description = "Kafka topic names the principal may produce to (DescribeTopic, WriteData; idempotent producers also get WriteDataIdempotently on the cluster)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for t in var.write_topics : can(regex("^[a-zA-Z0-9._-]{1,249}$", t))])
    error_message = "write_topics must be Kafka topic names (no wildcards: access is granted per topic)."
  }
}

variable "groups" {
  description = "Consumer group names the principal may join and commit offsets for; a trailing '*' allows a prefix (e.g. 'payments.*')."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for g in var.groups : can(regex("^[a-zA-Z0-9._-]{1,249}\\*?$", g))])
    error_message = "groups must be group names or prefixes ending in '*' (a bare '*' would allow every group)."
  }
}

variable "tags" {
  description = "Tags of the policy (the provider's default_tags add the mandatory ones)."
  type        = map(string)
  default     = {}
}
