# The delivery stream's own role: every statement names the exact resources of
# this stream (bucket prefixes, source, destination, key, secret, log streams).
# Statements are built per concern below and joined into one policy document.

locals {
  # The fixed part of each prefix, before the first !{...} expression: IAM scope.
  s3_prefixes = compact([
    var.s3.prefix,
    var.s3.error_output_prefix,
    try(local.source_backup.prefix, null),
    try(local.source_backup.error_output_prefix, null),
  ])
  s3_object_arns = distinct([for p in local.s3_prefixes : "${var.s3.bucket_arn}/${split("!{", p)[0]}*"])

  s3_statements = [
    {
      sid        = "S3Bucket"
      actions    = ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"]
      resources  = [var.s3.bucket_arn]
      conditions = []
    },
    {
      sid        = "S3Objects"
      actions    = ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"]
      resources  = local.s3_object_arns
      conditions = []
    },
    {
      # Through S3 only, for these objects (or the bucket, whose S3 Bucket Key
      # derives the object keys).
      sid       = "S3Encryption"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [var.s3.kms_key_arn]
      conditions = [
        { test = "StringEquals", variable = "kms:ViaService", values = ["s3.${local.region}.amazonaws.com"] },
        { test = "StringLike", variable = "kms:EncryptionContext:aws:s3:arn", values = concat([var.s3.bucket_arn], local.s3_object_arns, local.jsonpaths_arns) },
      ]
    },
  ]

  # Redshift's COPY reads its JSONPaths file with the stream's credentials.
  jsonpaths_arns = try(var.redshift.jsonpaths, null) == null ? [] : ["${var.s3.bucket_arn}/${var.redshift.jsonpaths.key}"]
  jsonpaths_statements = length(local.jsonpaths_arns) == 0 ? [] : [
    {
      sid        = "ReadCopyJsonPaths"
      actions    = ["s3:GetObject"]
      resources  = local.jsonpaths_arns
      conditions = []
    },
  ]

  kinesis_statements = var.kinesis_source == null ? [] : [
    {
      sid        = "ReadSourceStream"
      actions    = ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetShardIterator", "kinesis:GetRecords", "kinesis:ListShards"]
      resources  = [var.kinesis_source.stream_arn]
      conditions = []
    },
    {
      sid        = "DecryptSourceStream"
      actions    = ["kms:Decrypt"]
      resources  = [var.kinesis_source.kms_key_arn]
      conditions = [{ test = "StringEquals", variable = "kms:ViaService", values = ["kinesis.${local.region}.amazonaws.com"] }]
    },
  ]

  # MSK ARNs of the topic and of the cluster's consumer groups (Firehose names
  # its group itself, so the groups of this one cluster are the narrowest scope).
  msk_topic_arn  = var.msk_source == null ? null : "${replace(var.msk_source.cluster_arn, ":cluster/", ":topic/")}/${var.msk_source.topic_name}"
  msk_groups_arn = var.msk_source == null ? null : "${replace(var.msk_source.cluster_arn, ":cluster/", ":group/")}/*"
  msk_statements = var.msk_source == null ? [] : [
    {
      sid        = "ReadSourceCluster"
      actions    = ["kafka:DescribeCluster", "kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers", "kafka-cluster:Connect"]
      resources  = [var.msk_source.cluster_arn]
      conditions = []
    },
    {
      sid        = "ReadSourceTopic"
      actions    = ["kafka-cluster:DescribeTopic", "kafka-cluster:DescribeTopicDynamicConfiguration", "kafka-cluster:ReadData"]
      resources  = [local.msk_topic_arn]
      conditions = []
    },
    {
      sid        = "SourceConsumerGroup"
      actions    = ["kafka-cluster:DescribeGroup"]
      resources  = [local.msk_groups_arn]
      conditions = []
    },
  ]

  processor_statements = length(local.lambda_functions) == 0 ? [] : [
    {
      sid        = "InvokeProcessor"
      actions    = ["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"]
      resources  = concat(local.lambda_functions, [for f in local.lambda_functions : "${f}:*"])
      conditions = []
    },
  ]

  conversion    = try(var.s3.format_conversion, null)
  glue_database = local.conversion == null ? null : local.conversion.database_name
  glue_statements = local.conversion == null || local.destination != "extended_s3" ? [] : [
    {
      sid     = "ReadConversionSchema"
      actions = ["glue:GetTable", "glue:GetTableVersion", "glue:GetTableVersions"]
      resources = [
        "arn:${local.partition}:glue:${local.region}:${var.account_id}:catalog",
        "arn:${local.partition}:glue:${local.region}:${var.account_id}:database/${local.glue_database}",
        "arn:${local.partition}:glue:${local.region}:${var.account_id}:table/${local.glue_database}/${local.conversion.table_name}",
      ]
      conditions = []
    },
  ]

  opensearch_statements = var.opensearch == null ? [] : [
    {
      sid        = "DescribeDomain"
      actions    = ["es:DescribeDomain", "es:DescribeDomains", "es:DescribeDomainConfig"]
      resources  = [var.opensearch.domain_arn]
      conditions = []
    },
    {
      sid        = "WriteDocuments"
      actions    = ["es:ESHttpPost", "es:ESHttpPut"]
      resources  = [var.opensearch.domain_arn, "${var.opensearch.domain_arn}/*"]
      conditions = []
    },
    {
      # What Firehose reads to size and route its bulk requests.
      sid     = "ReadClusterState"
      actions = ["es:ESHttpGet"]
      resources = [for path in [
        "_all/_settings", "_cluster/stats", "${var.opensearch.index_name}*/_mapping/*", "_nodes", "_nodes/stats",
        "_nodes/*/stats", "_stats", "${var.opensearch.index_name}*/_stats", "",
      ] : "${var.opensearch.domain_arn}/${path}"]
      conditions = []
    },
  ]

  # A VPC domain: Firehose places network interfaces in the given subnets.
  vpc    = try(var.opensearch.vpc, null)
  vpc_id = local.vpc == null ? null : local.vpc.vpc_id
  vpc_statements = local.vpc == null ? [] : [
    {
      # Describe calls have no resource-level permissions in EC2.
      sid        = "DescribeNetwork"
      actions    = ["ec2:DescribeVpcs", "ec2:DescribeVpcAttribute", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces"]
      resources  = ["*"]
      conditions = []
    },
    {
      sid     = "CreateNetworkInterfaces"
      actions = ["ec2:CreateNetworkInterface"]
      resources = concat(
        [for s in local.vpc.subnet_ids : "arn:${local.partition}:ec2:${local.region}:${var.account_id}:subnet/${s}"],
        [for g in local.vpc.security_group_ids : "arn:${local.partition}:ec2:${local.region}:${var.account_id}:security-group/${g}"],
        ["arn:${local.partition}:ec2:${local.region}:${var.account_id}:network-interface/*"],
      )
      conditions = []
    },
    {
      sid        = "ManageNetworkInterfaces"
      actions    = ["ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface"]
      resources  = ["arn:${local.partition}:ec2:${local.region}:${var.account_id}:network-interface/*"]
      conditions = [{ test = "StringEquals", variable = "ec2:Vpc", values = ["arn:${local.partition}:ec2:${local.region}:${var.account_id}:vpc/${local.vpc_id}"] }]
    },
  ]

  serverless_statements = var.opensearch_serverless == null ? [] : [
    {
      # Index-level rights come from the collection's data access policy (opensearch.tf).
      sid        = "WriteCollection"
      actions    = ["aoss:APIAccessAll"]
      resources  = [var.opensearch_serverless.collection_arn]
      conditions = []
    },
  ]

  secret_arn = (
    local.destination == "redshift" ? var.redshift.secret_arn :
    local.destination == "http_endpoint" ? var.http_endpoint.secret_arn :
    local.destination == "splunk" ? var.splunk.secret_arn : null
  )
  secret_statements = local.secret_arn == null ? [] : concat(
    [{
      sid        = "ReadDestinationSecret"
      actions    = ["secretsmanager:GetSecretValue"]
      resources  = [local.secret_arn]
      conditions = []
    }],
    var.secrets_kms_key_arn == null ? [] : [{
      sid        = "DecryptDestinationSecret"
      actions    = ["kms:Decrypt"]
      resources  = [var.secrets_kms_key_arn]
      conditions = [{ test = "StringEquals", variable = "kms:ViaService", values = ["secretsmanager.${local.region}.amazonaws.com"] }]
    }],
  )

  logging_statements = [
    {
      sid     = "ErrorLogging"
      actions = ["logs:PutLogEvents"]
      resources = [
        "${local.log_group_arn}:log-stream:${aws_cloudwatch_log_stream.destination.name}",
        "${local.log_group_arn}:log-stream:${aws_cloudwatch_log_stream.backup.name}",
      ]
      conditions = []
    },
  ]

  statements = concat(
    local.s3_statements,
    local.jsonpaths_statements,
    local.kinesis_statements,
    local.msk_statements,
    local.processor_statements,
    local.glue_statements,
    local.opensearch_statements,
    local.vpc_statements,
    local.serverless_statements,
    local.secret_statements,
    local.logging_statements,
  )
}

data "aws_iam_policy_document" "this" {
  dynamic "statement" {
    for_each = local.statements

    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = statement.value.resources

      dynamic "condition" {
        for_each = statement.value.conditions

        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }
}
