variable "name" {
  description = "Database name (lowercase letters, digits, '_'; Athena-compatible)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9_]{1,255}$", var.name))
    error_message = "name must be 1-255 lowercase letters, digits or '_'."
  }
}

variable "description" {
  description = "What the database holds."
  type        = string
  default     = ""
}

variable "tags" {
  description = "Tags for the database."
  type        = map(string)
  default     = {}
}
