# An Iceberg table in the Glue Data Catalog. Glue writes the first metadata
# file (metadata operation CREATE); from then on the writers (a Glue job)
# commit new metadata and Glue updates the table's parameters and columns, so
# Terraform ignores those after creation instead of reverting every commit.
#
# Declared twice so prevent_destroy can follow the catalog (see the
# kinesis-stream README); the two blocks must stay identical apart from count
# and lifecycle, which tests/test_modules.py checks.
resource "aws_glue_catalog_table" "this" {
  count = var.prevent_destroy ? 1 : 0

  name          = var.name
  database_name = var.database_name
  description   = var.description
  table_type    = "EXTERNAL_TABLE"

  open_table_format_input {
    iceberg_input {
      metadata_operation = "CREATE"
      version            = var.format_version
    }
  }

  storage_descriptor {
    location = var.location

    dynamic "columns" {
      for_each = var.columns

      content {
        name    = columns.value.name
        type    = columns.value.type
        comment = columns.value.comment
      }
    }
  }

  lifecycle {
    prevent_destroy = true
    ignore_changes  = [open_table_format_input, parameters, storage_descriptor, table_type]
  }
}

resource "aws_glue_catalog_table" "unprotected" {
  count = var.prevent_destroy ? 0 : 1

  name          = var.name
  database_name = var.database_name
  description   = var.description
  table_type    = "EXTERNAL_TABLE"

  open_table_format_input {
    iceberg_input {
      metadata_operation = "CREATE"
      version            = var.format_version
    }
  }

  storage_descriptor {
    location = var.location

    dynamic "columns" {
      for_each = var.columns

      content {
        name    = columns.value.name
        type    = columns.value.type
        comment = columns.value.comment
      }
    }
  }

  lifecycle {
    ignore_changes = [open_table_format_input, parameters, storage_descriptor, table_type]
  }
}

locals {
  table = one(concat(aws_glue_catalog_table.this, aws_glue_catalog_table.unprotected))
}
