# SQL run through the Redshift Data API, made stable against two provider bugs:
#
# - #25775: DescribeStatement returns the SQL with the IAM_ROLE value removed,
#   so the read-back `sql` never matches and every plan would replace the
#   statement. `sql` (and the other connection arguments, which the provider
#   blanks once the statement expired) are ignored after creation; a change is
#   detected through a hash kept in a terraform_data resource instead
#   (replace_triggered_by), so real changes still re-run the statement.
# - #37301: once the Data API forgets a statement (after about a day), the
#   provider drops it from state and the next apply runs it again. Every
#   statement is therefore idempotent: IF NOT EXISTS for schemas, CREATE OR
#   REPLACE for the procedure, and the procedure creates a view only when it
#   is absent or its definition changed.

locals {
  connection = {
    workgroup_name     = var.workgroup_name
    cluster_identifier = var.cluster_identifier
    database           = var.database
    secret_arn         = var.secret_arn
    db_user            = var.db_user
  }
  fingerprint = { for kind, statements in {
    schema    = var.schemas
    external  = var.external_schemas
    view      = var.views
    procedure = { procedure = var.procedure }
    } : kind => { for k, sql in statements : k => sha256(jsonencode({ sql = sql, connection = local.connection })) }
  }
}

resource "terraform_data" "target" {
  lifecycle {
    precondition {
      condition     = (var.workgroup_name == null) != (var.cluster_identifier == null)
      error_message = "set exactly one of workgroup_name and cluster_identifier."
    }

    precondition {
      condition     = var.workgroup_name != null || var.secret_arn != null || var.db_user != null
      error_message = "a cluster target needs secret_arn or db_user."
    }
  }
}

# --- change detection: one fingerprint per statement -------------------------------

resource "terraform_data" "schema" {
  for_each = local.fingerprint.schema

  triggers_replace = each.value
}

resource "terraform_data" "procedure" {
  triggers_replace = local.fingerprint.procedure.procedure
}

resource "terraform_data" "external" {
  for_each = local.fingerprint.external

  triggers_replace = each.value
}

resource "terraform_data" "view" {
  for_each = local.fingerprint.view

  triggers_replace = each.value
}

# --- statements ---------------------------------------------------------------------

resource "aws_redshiftdata_statement" "schema" {
  for_each = var.schemas

  workgroup_name     = var.workgroup_name
  cluster_identifier = var.cluster_identifier
  database           = var.database
  secret_arn         = var.secret_arn
  db_user            = var.db_user
  statement_name     = "${var.statement_name_prefix}-schema-${each.key}"
  sql                = each.value

  lifecycle {
    ignore_changes       = [sql, workgroup_name, cluster_identifier, database, secret_arn, db_user, statement_name]
    replace_triggered_by = [terraform_data.schema[each.key]]
  }

  depends_on = [terraform_data.target]
}

resource "aws_redshiftdata_statement" "procedure" {
  workgroup_name     = var.workgroup_name
  cluster_identifier = var.cluster_identifier
  database           = var.database
  secret_arn         = var.secret_arn
  db_user            = var.db_user
  statement_name     = "${var.statement_name_prefix}-procedure"
  sql                = var.procedure

  lifecycle {
    ignore_changes       = [sql, workgroup_name, cluster_identifier, database, secret_arn, db_user, statement_name]
    replace_triggered_by = [terraform_data.procedure]
  }

  depends_on = [aws_redshiftdata_statement.schema]
}

resource "aws_redshiftdata_statement" "external" {
  for_each = var.external_schemas

  workgroup_name     = var.workgroup_name
  cluster_identifier = var.cluster_identifier
  database           = var.database
  secret_arn         = var.secret_arn
  db_user            = var.db_user
  statement_name     = "${var.statement_name_prefix}-external-${each.key}"
  sql                = each.value

  lifecycle {
    ignore_changes       = [sql, workgroup_name, cluster_identifier, database, secret_arn, db_user, statement_name]
    replace_triggered_by = [terraform_data.external[each.key]]
  }

  depends_on = [terraform_data.target]
}

resource "aws_redshiftdata_statement" "view" {
  for_each = var.views

  workgroup_name     = var.workgroup_name
  cluster_identifier = var.cluster_identifier
  database           = var.database
  secret_arn         = var.secret_arn
  db_user            = var.db_user
  statement_name     = "${var.statement_name_prefix}-view-${each.key}"
  sql                = each.value

  # creating a view reads the stream once; large backlogs take a while
  timeouts {
    create = "30m"
  }

  lifecycle {
    ignore_changes       = [sql, workgroup_name, cluster_identifier, database, secret_arn, db_user, statement_name]
    replace_triggered_by = [terraform_data.view[each.key]]
  }

  depends_on = [aws_redshiftdata_statement.procedure, aws_redshiftdata_statement.external]
}
