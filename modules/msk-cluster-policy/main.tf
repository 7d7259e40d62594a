data "aws_iam_policy_document" "this" {
  dynamic "statement" {
    for_each = var.grants

    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = [var.cluster_arn]

      principals {
        type        = "Service"
        identifiers = [statement.value.service]
      }

      # Only this account's resources of that service (confused deputy).
      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [var.account_id]
      }
    }
  }
}

resource "aws_msk_cluster_policy" "this" {
  cluster_arn = var.cluster_arn
  policy      = data.aws_iam_policy_document.this.json
}
