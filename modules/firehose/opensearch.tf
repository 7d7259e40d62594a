# OpenSearch Serverless authorises index access with the collection's data
# access policies, not IAM alone: this one admits the stream's role to its
# one index, with the rights Firehose needs to create it and write documents.
resource "aws_opensearchserverless_access_policy" "this" {
  count = var.opensearch_serverless == null ? 0 : 1

  name        = var.opensearch_serverless.access_policy_name
  type        = "data"
  description = "Firehose stream ${var.name} writes index ${var.opensearch_serverless.index_name}"
  policy = jsonencode([{
    Description = "Firehose stream ${var.name}"
    Principal   = [local.role_arn]
    Rules = [{
      ResourceType = "index"
      Resource     = ["index/${var.opensearch_serverless.collection_name}/${var.opensearch_serverless.index_name}"]
      Permission   = ["aoss:CreateIndex", "aoss:DescribeIndex", "aoss:UpdateIndex", "aoss:WriteDocument"]
    }]
  }])

  depends_on = [aws_iam_role.this]
}
