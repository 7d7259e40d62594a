variable "name" {
  description = "Name of the custom plugin (unique in the account and Region)."
  type        = string

  validation {
    condition     = can(regex("^[0-9A-Za-z][0-9A-Za-z-]{0,127}$", var.name))
    error_message = "name must be 1-128 letters, digits or '-', starting with a letter or digit."
  }
}

variable "description" {
  description = "Description of the plugin."
  type        = string
  default     = null
}

variable "content_type" {
  description = "ZIP (a folder of JARs) or JAR (a single uber JAR)."
  type        = string

  validation {
    condition     = contains(["ZIP", "JAR"], var.content_type)
    error_message = "content_type must be ZIP or JAR."
  }
}

variable "s3_bucket_arn" {
  description = "Bucket holding the plugin file (uploaded outside Terraform)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.s3_bucket_arn))
    error_message = "s3_bucket_arn must be an S3 bucket ARN."
  }
}

variable "s3_file_key" {
  description = "Object key of the ZIP or JAR."
  type        = string

  validation {
    condition     = length(var.s3_file_key) > 0 && length(var.s3_file_key) <= 1024
    error_message = "s3_file_key must be 1-1024 characters."
  }
}

variable "s3_object_version" {
  description = "S3 object version to pin (recommended: a new upload then shows as a plan change)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags of the plugin (the provider's default_tags add the mandatory ones)."
  type        = map(string)
  default     = {}
}
