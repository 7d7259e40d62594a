variable "workgroup_name" {
  description = "Redshift Serverless workgroup to run the statements in (or cluster_identifier)."
  type        = string
  default     = null
}

variable "cluster_identifier" {
  description = "Provisioned cluster to run the statements in (or workgroup_name)."
  type        = string
  default     = null
}

variable "database" {
  description = "Database the schemas and views are created in."
  type        = string

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_$]{0,126}$", var.database))
    error_message = "database must be a lowercase Redshift database name."
  }
}

variable "secret_arn" {
  description = "Secrets Manager secret with the database credentials the Data API uses. Without it, workgroups use the caller's IAM identity and clusters need db_user."
  type        = string
  default     = null

  validation {
    condition     = var.secret_arn == null || can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", var.secret_arn))
    error_message = "secret_arn must be a Secrets Manager secret ARN."
  }
}

variable "db_user" {
  description = "Cluster targets without secret_arn: database user for temporary IAM credentials."
  type        = string
  default     = null
}

variable "statement_name_prefix" {
  description = "Prefix of the Data API statement names (visible in SYS_QUERY_HISTORY)."
  type        = string
}

variable "schemas" {
  description = "CREATE SCHEMA IF NOT EXISTS statements, by schema name."
  type        = map(string)
  default     = {}
}

variable "procedure" {
  description = "The CREATE OR REPLACE PROCEDURE statement of the view helper (runs after the schemas)."
  type        = string
}

variable "external_schemas" {
  description = "CREATE EXTERNAL SCHEMA IF NOT EXISTS statements (FROM KINESIS / FROM MSK), by schema name."
  type        = map(string)
  default     = {}
}

variable "views" {
  description = "CALL statements that create each materialized view when absent (after the procedure and external schemas), by view."
  type        = map(string)
  default     = {}
}
