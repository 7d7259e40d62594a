# COPY maps JSON keys to columns by position through a JSONPaths file, so
# camelCase or nested keys load into snake_case columns (JSON 'auto' matches
# names only). Written next to the staging data, encrypted with the data key.
resource "aws_s3_object" "jsonpaths" {
  count = try(var.redshift.jsonpaths, null) == null ? 0 : 1

  bucket                 = split(":::", var.s3.bucket_arn)[1]
  key                    = var.redshift.jsonpaths.key
  content                = jsonencode({ jsonpaths = var.redshift.jsonpaths.paths })
  content_type           = "application/json"
  server_side_encryption = "aws:kms"
  kms_key_id             = var.s3.kms_key_arn
  tags                   = var.tags
}
