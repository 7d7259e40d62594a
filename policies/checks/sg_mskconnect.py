"""MSK Connect connectors reach the cluster with IAM authentication over TLS."""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories

from sg_common import StreamgenCheck, attr, block


class MskConnectIamAndTls(StreamgenCheck):
    def __init__(self) -> None:
        super().__init__(
            "SG_AWS_111",
            "MSK Connect connectors use IAM authentication and TLS in transit",
            ("aws_mskconnect_connector",),
            CheckCategories.ENCRYPTION,
        )

    def evaluate(self, conf: dict[str, Any]) -> bool:
        auth = attr(block(conf, "kafka_cluster_client_authentication"), "authentication_type", "NONE")
        tls = attr(block(conf, "kafka_cluster_encryption_in_transit"), "encryption_type", "PLAINTEXT")
        if auth != "IAM":
            return self.fail(f"kafka_cluster_client_authentication.authentication_type is {auth}, must be IAM")
        if tls != "TLS":
            return self.fail(f"kafka_cluster_encryption_in_transit.encryption_type is {tls}, must be TLS")
        return True


check = MskConnectIamAndTls()
