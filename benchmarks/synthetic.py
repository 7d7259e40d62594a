"""Synthetic catalogs for benchmarks: N topics, each with an S3 sink.

Topics are spread over domains of ``per_domain`` topics, like a real platform
with many teams. The environment is the example env.yaml without overrides.
"""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def domain_text(domain: str, topics: int, offset: int) -> str:
    lines = [f"domain: {domain}", f"owner: team-{domain}@example.com", "topics:"]
    for i in range(offset, offset + topics):
        lines += [
            f"  - name: events-{i:05d}",
            f"    description: Synthetic topic {i}",
            "    throughput:",
            f"      write_mb_per_s: {0.5 + (i % 7) * 0.5}",
            f"      write_records_per_s: {500 + (i % 5) * 400}",
            "    retention_hours: 48",
        ]
    lines.append("sinks:")
    for i in range(offset, offset + topics):
        lines += [
            f"  - name: events-{i:05d}-lake",
            "    kind: s3",
            f"    topic: events-{i:05d}",
            "    buffering:",
            "      size_mb: 64",
            "      interval_s: 300",
        ]
    return "\n".join(lines) + "\n"


def write_repo(root: Path, topics: int, per_domain: int = 10) -> Path:
    """A repository at ``root`` with a synthetic catalog; modules are linked."""
    if root.exists():
        shutil.rmtree(root)
    (root / "catalog").mkdir(parents=True)
    (root / "environments" / "dev").mkdir(parents=True)
    env = (REPO / "environments" / "dev" / "env.yaml").read_text()
    env = env[: env.index("# Dev is small")]  # no overrides for the example's topics
    (root / "environments" / "dev" / "env.yaml").write_text(env + "quotas:\n  kinesis_shards: 100000\n")
    for link in ("modules", "lambda_src"):
        (root / link).symlink_to(REPO / link, target_is_directory=True)
    domains = max(1, topics // per_domain)
    for d in range(domains):
        count = per_domain if d < domains - 1 else topics - per_domain * (domains - 1)
        name = f"team{d:04d}"
        (root / "catalog" / f"{name}.yaml").write_text(domain_text(name, count, d * per_domain))
    return root
