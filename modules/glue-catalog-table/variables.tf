variable "database_name" {
  description = "Glue database holding the table (see the glue-catalog-database module)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9_]{1,255}$", var.database_name))
    error_message = "database_name must be 1-255 lowercase letters, digits or '_' (Athena-compatible)."
  }
}

variable "name" {
  description = "Table name (lowercase letters, digits, '_')."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9_]{1,255}$", var.name))
    error_message = "name must be 1-255 lowercase letters, digits or '_'."
  }
}

variable "description" {
  description = "What the table holds."
  type        = string
  default     = ""
}

variable "columns" {
  description = "Columns in Glue/Hive type syntax (string, bigint, decimal(12,2), array<string>, struct<...>)."
  type = list(object({
    name    = string
    type    = string
    comment = optional(string)
  }))

  validation {
    condition     = length(var.columns) > 0
    error_message = "a table needs at least one column."
  }
}

variable "partition_keys" {
  description = "Partition columns (Hive-style folders such as year=2024/)."
  type = list(object({
    name    = string
    type    = string
    comment = optional(string)
  }))
  default = []
}

variable "location" {
  description = "s3:// location of the data."
  type        = string

  validation {
    condition     = can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$", var.location))
    error_message = "location must be an s3:// URI."
  }
}

variable "format" {
  description = "Storage format: json (newline-delimited), parquet, orc, or lines (plain text, each line one row of a single string column)."
  type        = string
  default     = "json"

  validation {
    condition     = contains(["json", "parquet", "orc", "lines"], var.format)
    error_message = "format must be json, parquet, orc or lines."
  }

  validation {
    condition     = var.format != "lines" || (length(var.columns) == 1 && try(var.columns[0].type, "") == "string")
    error_message = "format lines takes exactly one string column."
  }
}

variable "compression" {
  description = "Compression of the data files, recorded for readers (e.g. GZIP, SNAPPY); null for none."
  type        = string
  default     = null
}

variable "parameters" {
  description = "Extra table parameters, e.g. Athena partition projection (projection.enabled ...)."
  type        = map(string)
  default     = {}
}
