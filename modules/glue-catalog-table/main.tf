locals {
  formats = {
    json = {
      input  = "org.apache.hadoop.mapred.TextInputFormat"
      output = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
      serde  = "org.openx.data.jsonserde.JsonSerDe"
      params = { "ignore.malformed.json" = "true" }
    }
    parquet = {
      input  = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
      output = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
      serde  = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
      params = { "serialization.format" = "1" }
    }
    orc = {
      input  = "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat"
      output = "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat"
      serde  = "org.apache.hadoop.hive.ql.io.orc.OrcSerde"
      params = { "serialization.format" = "1" }
    }
    # Plain text, one row per line in a single string column (raw log lines).
    lines = {
      input  = "org.apache.hadoop.mapred.TextInputFormat"
      output = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
      serde  = "org.apache.hadoop.hive.serde2.RegexSerDe"
      params = { "input.regex" = "^(.*)$" }
    }
  }
  format = local.formats[var.format]
  table_parameters = merge(
    { classification = var.format, EXTERNAL = "TRUE" },
    var.compression == null ? {} : { compressionType = lower(var.compression) },
    var.parameters,
  )
}

resource "aws_glue_catalog_table" "this" {
  name          = var.name
  database_name = var.database_name
  description   = var.description
  table_type    = "EXTERNAL_TABLE"
  parameters    = local.table_parameters

  dynamic "partition_keys" {
    for_each = var.partition_keys

    content {
      name    = partition_keys.value.name
      type    = partition_keys.value.type
      comment = partition_keys.value.comment
    }
  }

  storage_descriptor {
    location      = var.location
    input_format  = local.format.input
    output_format = local.format.output

    ser_de_info {
      serialization_library = local.format.serde
      parameters            = local.format.params
    }

    dynamic "columns" {
      for_each = var.columns

      content {
        name    = columns.value.name
        type    = columns.value.type
        comment = columns.value.comment
      }
    }
  }
}
