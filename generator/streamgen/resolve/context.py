"""What every resolver step shares: the loaded catalog, names, and what has
been resolved so far (topics, functions, buckets, roots).

Resolvers for each sink kind receive the context and the catalog entry, and
add the components they create to the right root.
"""

from __future__ import annotations

from typing import Any

from ..index import CatalogIndex, Entry
from ..lambda_build import Package
from ..load import Loaded
from ..model import Bucket, Component, Function, GlueDatabase, KafkaTopic, MskCluster, MskClusterPolicy, Origin, Root, Stream
from ..naming import Namer

SHARED_ROOT = "shared"


def domain_root(domain: str) -> str:
    return f"domains/{domain}"


class Context:
    def __init__(self, loaded: Loaded, packages: dict[str, Package]):
        self.loaded = loaded
        self.env = loaded.env
        self.index = CatalogIndex(loaded)
        self.packages = packages
        self.namer = Namer(self.env.name_prefix, self.env.account_id, self.env.region)
        self.data_key = self.env.kms.data
        self.logs_key = self.env.kms.logs or self.env.kms.data
        self.topics: dict[tuple[str, str], Stream | KafkaTopic] = {}
        self.functions: dict[tuple[str, str], Function] = {}
        self.buckets: dict[str, Bucket] = {}
        self.glue_databases: dict[str, GlueDatabase] = {}
        self.msk_clusters: dict[str, MskCluster] = {}
        self.msk_cluster_policies: dict[str, MskClusterPolicy] = {}  # by cluster key, created on first grant
        self.roots: dict[str, Root] = {}
        # Redshift streaming: one access component per target (shared root),
        # one SQL component per domain and target; filled as sinks resolve.
        self.redshift_access: dict[tuple[str, str], Any] = {}
        self.redshift_sql: dict[tuple[str, str, str], Any] = {}

    # --- provenance and tags ---
    def origin(self, entry: Entry[Any]) -> Origin:
        return Origin(entry.domain.doc.display, entry.line)

    def tags(self, entry: Entry[Any]) -> dict[str, str]:
        domain = entry.domain.spec
        return {"Domain": domain.domain, "Owner": domain.owner, **domain.tags}

    # --- roots ---
    def root(self, path: str) -> Root:
        return self.roots[path]

    def add(self, component: Component, collection: str) -> None:
        """Put a component into its root's list ``collection`` (e.g. 'firehoses')."""
        getattr(self.roots[component.root], collection).append(component)

    # --- lookups for sinks ---
    def topic_of(self, entry: Entry[Any]) -> Stream | KafkaTopic:
        """The resolved topic a sink reads (references were checked)."""
        topic = self.index.get("topics", entry.domain.spec.domain, entry.spec.topic)
        assert topic is not None
        return self.topics[(topic.domain.spec.domain, topic.spec.name)]

    def function(self, domain: str, name: str) -> Function:
        return self.functions[(domain, name)]
