variable "account_id" {
  description = "Account of the roles (forms ARNs known at plan time)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "target" {
  description = "The Redshift target: a serverless workgroup (its namespace is owned elsewhere) or a provisioned cluster."
  type = object({
    type               = string
    cluster_identifier = optional(string)
    namespace          = optional(string)
  })

  validation {
    condition     = contains(["workgroup", "cluster"], var.target.type)
    error_message = "target.type must be workgroup or cluster."
  }

  validation {
    condition     = var.target.type != "cluster" || var.target.cluster_identifier != null
    error_message = "a cluster target needs cluster_identifier."
  }
}

variable "roles" {
  description = "One streaming-ingestion role per key (a domain): the streams and topics its external schemas read."
  type = map(object({
    role_name = string
    kinesis_streams = optional(list(object({
      arn         = string
      kms_key_arn = string
    })), [])
    msk_topics = optional(list(object({
      cluster_arn = string
      topic_arn   = string
      group_arn   = string
    })), [])
  }))

  validation {
    condition     = alltrue([for r in values(var.roles) : length(r.kinesis_streams) + length(r.msk_topics) > 0])
    error_message = "every role must read at least one stream or topic."
  }

  validation {
    condition     = alltrue([for r in values(var.roles) : can(regex("^[\\w+=,.@-]{1,64}$", r.role_name))])
    error_message = "role names must be valid IAM role names of at most 64 characters."
  }
}

variable "keep_iam_role_arns" {
  description = "Cluster targets: other roles associated with the cluster. The association is one authoritative list, so these are kept next to the streaming roles."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for the roles."
  type        = map(string)
  default     = {}
}
