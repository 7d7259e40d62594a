CREATE EXTERNAL SCHEMA IF NOT EXISTS "web_kinesis" FROM KINESIS IAM_ROLE 'arn:aws:iam::111111111111:role/example-web-wg-analytics-redshift';
