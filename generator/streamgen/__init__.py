"""streamgen: YAML catalog -> validated model -> generated Terraform for streaming ingestion on AWS."""

__version__ = "0.1.0"
