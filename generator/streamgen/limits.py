"""AWS service limits the catalog is checked against, in one place.

Sources: the AWS service quotas pages summarised in shared/design.md and the
seed articles. Where a limit is a soft (raisable) quota, env.yaml can raise it.
"""

# Kinesis Data Streams
KINESIS_NAME_MAX = 128
KINESIS_RETENTION_HOURS = (24, 8760)  # 24 h default, 7 days extended, 1 year long-term
KINESIS_SHARD_MB_IN = 1.0  # per shard: 1 MB/s or 1,000 records/s in, 2 MB/s out
KINESIS_SHARD_RECORDS_IN = 1000
KINESIS_SHARD_MB_OUT = 2.0
KINESIS_DEFAULT_SHARD_QUOTA = 500  # per account and Region (soft quota)
KINESIS_RECORD_MAX_BYTES = 1024 * 1024

# Kinesis Data Firehose
FIREHOSE_NAME_MAX = 64
FIREHOSE_BUFFER_MB = (1, 128)
FIREHOSE_BUFFER_SECONDS = (60, 900)
FIREHOSE_CONVERSION_MIN_BUFFER_MB = 64  # record format conversion, dynamic partitioning
FIREHOSE_PREFIX_MAX = 1024
FIREHOSE_PROCESSOR_BUFFER_MB = (0.2, 3.0)
FIREHOSE_PROCESSOR_BUFFER_SECONDS = (60, 900)
FIREHOSE_LAMBDA_TIMEOUT_MAX = 300  # Firehose waits at most 5 minutes for a transform
FIREHOSE_RETRY_SECONDS = (0, 7200)
# Buffering each destination accepts: (max MB, max seconds); the minimum is 1 MB.
FIREHOSE_DESTINATION_BUFFER = {
    "s3": (128, 900),
    "opensearch": (100, 900),
    "redshift": (128, 900),  # the S3 staging buffer
    "http": (64, 900),
    "splunk": (5, 60),
}
FIREHOSE_SERVERLESS_POLICY_NAME_MAX = 32  # OpenSearch Serverless access policy names

# Kafka / MSK
KAFKA_TOPIC_NAME_MAX = 249
KAFKA_PARTITIONS_MAX = 10_000  # per topic; brokers' own limits are far below in practice
MSK_SERVERLESS_REPLICATION = 3  # MSK Serverless fixes the replication factor

# MSK Connect (API reference: mcuCount 1/2/4/8; worker counts 1-10 per connector;
# the seed articles' 300-worker limit is the account-wide soft quota)
MSK_CONNECT_MCU = (1, 2, 4, 8)
MSK_CONNECT_WORKERS = (1, 10)
MSK_CONNECT_ACCOUNT_WORKERS = 300
MSK_CONNECT_NAME_MAX = 128
MSK_CONNECT_VERSIONS = ("2.7.1", "3.7.x")
IAM_POLICY_NAME_MAX = 128

# Lambda
LAMBDA_NAME_MAX = 64
LAMBDA_MEMORY_MB = (128, 10240)
LAMBDA_TIMEOUT_SECONDS = (1, 900)

# IAM and S3
IAM_ROLE_NAME_MAX = 64
S3_BUCKET_NAME = (3, 63)

# CloudWatch Logs: the only values PutRetentionPolicy accepts
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)
LOG_GROUP_NAME_MAX = 512
LOG_FILTER_PATTERN_MAX = 1024  # PutSubscriptionFilter filterPattern
LOG_SUBSCRIPTION_FILTERS_PER_GROUP = 2
LOG_DESTINATION_NAME_MAX = 512

# OpenSearch Ingestion (OSIS) pipelines
OSIS_PIPELINE_NAME = (3, 28)  # lowercase letters, digits and '-', starting with a letter
OSIS_UNITS = (1, 96)  # OCUs per pipeline (stateless processors; stateful ones cap at 48)
OSIS_MAX_TOPICS = 4  # Kafka topics (or Kinesis streams) one pipeline reads
OSIS_MIN_SINK_RETRIES = 16  # the opensearch sink's max_retries when a DLQ is set
OSIS_KAFKA_WORKERS = (1, 200)  # consumer threads per topic
OSIS_MAX_PROCESSORS = 20  # our cap, to keep a pipeline reviewable
OSIS_BODY_MAX_CHARS = 24_000  # CreatePipeline PipelineConfigurationBody
KINESIS_ON_DEMAND_INITIAL_SHARDS = 4  # write capacity an on-demand stream starts with (4 MB/s)
OPENSEARCH_INDEX_NAME_MAX_BYTES = 255

# AWS Glue streaming jobs
GLUE_WORKERS = (2, 299)  # NumberOfWorkers for G.025X/G.1X/G.2X
GLUE_WINDOW_SECONDS = (1, 3600)  # forEachBatch windowSize
GLUE_NAME_MAX = 255  # jobs, connections, security configurations
GLUE_PARTITION_KEYS_MAX = 10

# Redshift streaming ingestion
REDSHIFT_IDENTIFIER_MAX = 127
REDSHIFT_IAM_ROLES_PER_TARGET = 50  # roles associated with one cluster or namespace
REDSHIFT_LITERAL_MAX = 65535  # longest VARCHAR, bounds the view definition passed to CALL
