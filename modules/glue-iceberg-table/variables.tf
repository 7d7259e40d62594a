variable "database_name" {
  description = "Glue database holding the table (see the glue-catalog-database module)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9_]{1,255}$", var.database_name))
    error_message = "database_name must be 1-255 lowercase letters, digits or '_'."
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

variable "location" {
  description = "s3:// location of the table (Iceberg data and metadata folders go below it)."
  type        = string

  validation {
    condition     = can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.*$", var.location))
    error_message = "location must be an s3:// URI with a prefix."
  }
}

variable "columns" {
  description = "Columns in Glue/Hive type syntax; Glue creates the Iceberg schema from them."
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

variable "format_version" {
  description = "Iceberg table format version."
  type        = string
  default     = "2"

  validation {
    condition     = contains(["1", "2"], var.format_version)
    error_message = "format_version must be 1 or 2."
  }
}

variable "prevent_destroy" {
  description = "Refuse to destroy the table (its metadata pointer; the data files stay in S3)."
  type        = bool
  default     = true
}
