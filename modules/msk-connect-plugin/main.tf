# An MSK Connect custom plugin: connector code (ZIP or JAR) from S3. Plugins
# are immutable; a new file key or object version replaces the plugin, and the
# connectors using it are replaced with it.
resource "aws_mskconnect_custom_plugin" "this" {
  name         = var.name
  description  = var.description
  content_type = var.content_type

  location {
    s3 {
      bucket_arn     = var.s3_bucket_arn
      file_key       = var.s3_file_key
      object_version = var.s3_object_version
    }
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = !endswith(lower(var.s3_file_key), var.content_type == "ZIP" ? ".jar" : ".zip")
      error_message = "content_type does not match the file's extension."
    }
  }
}
