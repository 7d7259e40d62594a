"""Running the real terraform binary on generated roots and module examples.

- Provider installation: a filesystem mirror when the machine has one (offline
  CI), the public registry otherwise; one shared plugin cache for every root.
- Roots are *staged*: copied into a scratch tree that mirrors the repository
  layout (``modules/`` and ``.build/`` linked in), so relative module sources
  still resolve, runs never write into the working tree, and several runs of
  the same root can proceed side by side.
- Offline and local-emulator runs add an override file to the staged copy:
  dummy credentials and a local backend exist only there, never in the
  generated production configuration.

Commands go through tftest, which parses plan JSON and cleans up after itself.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import shutil
import socket
import subprocess
import threading
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tftest

try:
    import fcntl
except ImportError:  # Windows: threads are still serialised
    fcntl = None  # type: ignore[assignment]

from .workspace import Workspace

MIRROR_ENV = "STREAMGEN_TF_MIRROR"
_MIRROR_CANDIDATES = ("/opt/tf-plugins", "/usr/share/terraform/providers", "/usr/local/share/terraform/plugins")

OFFLINE_OVERRIDE = """\
# Written by streamgen into a scratch copy for an offline plan; never committed.
# Dummy credentials and a local backend: nothing here reaches AWS.
terraform {
  backend "local" {}
}

locals {
  deploy_role_arn = null
}

provider "aws" {
  access_key                  = "offline-plan"
  secret_key                  = "offline-plan"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  # the account cannot be checked without calling STS
  allowed_account_ids = null
}
"""


_OFFLINE_PROVIDER_SETTINGS = """\
  access_key                  = "offline-plan"
  secret_key                  = "offline-plan"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  # the account cannot be checked without calling STS
  allowed_account_ids = null
"""
_PROVIDER_BLOCK = re.compile(r'^provider\s+"aws"\s*\{(.*?)^\}', re.MULTILINE | re.DOTALL)
_ALIAS = re.compile(r'^\s*alias\s*=\s*"([A-Za-z0-9_-]+)"', re.MULTILINE)
_ROLE_LOCAL = re.compile(r"^\s*(deploy_role_arn[A-Za-z0-9_]*)\s*=", re.MULTILINE)


def _provider_aliases(tf_files: dict[str, str]) -> set[str | None]:
    """Aliases of the ``provider "aws"`` blocks a root declares (None: the default one)."""
    aliases: set[str | None] = set()
    for _name, text in sorted(tf_files.items()):
        for block in _PROVIDER_BLOCK.finditer(text):
            found = _ALIAS.search(block.group(1))
            aliases.add(found.group(1) if found else None)
    return aliases


def _root_tf_files(root_dir: Path) -> dict[str, str]:
    """A root's own .tf files by name (override files left out)."""
    return {p.name: p.read_text() for p in sorted(root_dir.glob("*.tf")) if not p.name.endswith("_override.tf")}


def offline_override(tf_files: dict[str, str]) -> str:
    """The offline override for a root, from the providers it declares.

    Every ``provider "aws"`` block (the default one and each alias) gets dummy
    credentials, the ``skip_*`` flags and no account check; every deploy-role
    local (``deploy_role_arn``, ``deploy_role_arn_<alias>``) becomes null, so
    no provider tries to assume a role. Override files merge by provider name
    and alias, and local by local.
    """
    aliases = _provider_aliases(tf_files)
    locals_ = {name for text in tf_files.values() for name in _ROLE_LOCAL.findall(text)}
    lines = [
        "# Written by streamgen into a scratch copy for an offline plan; never committed.",
        "# Dummy credentials and a local backend: nothing here reaches AWS.",
        "terraform {",
        '  backend "local" {}',
        "}",
    ]
    if locals_:
        width = max(map(len, locals_))
        lines += ["", "locals {", *(f"  {name.ljust(width)} = null" for name in sorted(locals_)), "}"]
    for alias in sorted(aliases, key=lambda a: (a is not None, a or "")):
        lines += ["", 'provider "aws" {']
        if alias is not None:
            lines += [f'  alias = "{alias}"', ""]
        lines.append(_OFFLINE_PROVIDER_SETTINGS.rstrip("\n"))
        lines.append("}")
    return "\n".join(lines) + "\n"


def offline_override_for(root_dir: Path) -> str:
    return offline_override(_root_tf_files(root_dir))


# Services the generated roots call; each gets the emulator's endpoint.
EMULATED_SERVICES = (
    "ec2", "firehose", "glue", "iam", "kafka", "kafkaconnect", "kinesis", "kms", "lambda", "logs",
    "opensearchserverless", "osis", "redshift", "redshiftdata", "s3", "sts",
)


def emulator_override(tf_files: dict[str, str], endpoint: str, *, roles: dict[str, str] | None = None) -> str:
    """The override that points a root at a local AWS API emulator (moto).

    Every ``provider "aws"`` block (default and aliases) sends every service to
    ``endpoint`` with dummy credentials; deploy roles stay, so cross-account
    roots assume them through the emulator's STS and land in the right
    account, and ``allowed_account_ids`` is still checked against it. The
    backend is local. ``roles`` replaces deploy-role locals (e.g. a role in
    the environment's account where the root uses the caller's credentials:
    moto puts assumed-role sessions in the role's account). Only loopback
    endpoints are accepted: nothing else is ever contacted.
    """
    host = urllib.parse.urlsplit(endpoint).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise TerraformError(f"emulator endpoint {endpoint} is not a loopback address")
    aliases = _provider_aliases(tf_files)
    lines = [
        "# Written by streamgen into a scratch copy for a run against a local AWS API",
        "# emulator; never committed. Dummy credentials, a local backend.",
        "terraform {",
        '  backend "local" {}',
        "}",
    ]
    if roles:
        width = max(map(len, roles))
        lines += ["", "locals {", *(f'  {name.ljust(width)} = "{arn}"' for name, arn in sorted(roles.items())), "}"]
    width = max(map(len, EMULATED_SERVICES))
    for alias in sorted(aliases, key=lambda a: (a is not None, a or "")):
        lines += ["", 'provider "aws" {']
        if alias is not None:
            lines += [f'  alias = "{alias}"', ""]
        lines += [
            '  access_key                  = "emulator"',
            '  secret_key                  = "emulator"',
            "  skip_credentials_validation = true",
            "  skip_metadata_api_check     = true",
            "  skip_region_validation      = true",
            "  s3_use_path_style           = true",
            "  # fail fast on what the emulator does not implement (HTTP 500), but survive a dropped connection",
            "  max_retries = 3",
            "",
            "  endpoints {",
            *(f'    {name.ljust(width)} = "{endpoint}"' for name in EMULATED_SERVICES),
            "  }",
            "}",
        ]
    return "\n".join(lines) + "\n"


_NULL_ROLE_LOCAL = re.compile(r"^\s*(deploy_role_arn[A-Za-z0-9_]*)\s*=\s*null\s*$", re.MULTILINE)


def emulator_override_for(root_dir: Path, endpoint: str, *, caller_role_arn: str | None = None) -> str:
    """:func:`emulator_override` for a root; ``caller_role_arn`` replaces every deploy-role local that is null."""
    files = _root_tf_files(root_dir)
    roles = {}
    if caller_role_arn is not None:
        roles = {name: caller_role_arn for text in files.values() for name in _NULL_ROLE_LOCAL.findall(text)}
    return emulator_override(files, endpoint, roles=roles)


AWS_PROVIDER = "registry.terraform.io/hashicorp/aws"
REGISTRY_HOST = "registry.terraform.io"


class TerraformError(Exception):
    pass


_SOURCE = re.compile(r'^\s*source\s*=\s*"([^"]+)"', re.MULTILINE)


def provider_address(source: str) -> str:
    """'Mongey/kafka' -> 'registry.terraform.io/mongey/kafka' (addresses are case-insensitive)."""
    parts = source.lower().split("/")
    return "/".join(([REGISTRY_HOST] if len(parts) == 2 else []) + parts)


def required_providers(root_dir: Path) -> list[str]:
    """Provider addresses a root's ``required_providers`` name (module sources are skipped)."""
    found = set()
    for path in sorted(root_dir.glob("*.tf")):
        for source in _SOURCE.findall(path.read_text()):
            if source.startswith((".", "/")) or "::" in source or "//" in source or source.count("/") not in (1, 2):
                continue  # a module source
            found.add(provider_address(source))
    return sorted(found)


@functools.lru_cache(maxsize=None)
def _reachable(host: str, port: int = 443, timeout: float = 3.0) -> bool:
    proxy = os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy")
    if proxy:
        parsed = urllib.parse.urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        host, port = parsed.hostname or host, parsed.port or 3128
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def provider_unavailable(address: str) -> str | None:
    """Why ``terraform init`` cannot install a provider here (None when it can)."""
    mirror = find_mirror()
    if mirror is not None and (mirror / address).is_dir():
        return None
    host = address.split("/")[0]
    if _reachable(host):
        return None
    where = f"the provider mirror {mirror}" if mirror is not None else "any provider mirror"
    return f"provider {address} is not in {where} and {host} cannot be reached"


def offline_plannable(providers: list[str]) -> bool:
    """Offline plans stub only the AWS provider; others (Kafka) talk to their service."""
    return all(p == AWS_PROVIDER or p.startswith("terraform.io/builtin/") for p in providers)


def find_mirror() -> Path | None:
    configured = os.environ.get(MIRROR_ENV)
    for candidate in ([configured] if configured else []) + list(_MIRROR_CANDIDATES):
        path = Path(candidate)
        if (path / "registry.terraform.io").is_dir():
            return path
    return None


def mirrored_providers(mirror: Path) -> list[str]:
    """Provider addresses present in the mirror (registry.terraform.io/<ns>/<type>)."""
    return sorted(
        f"{host.name}/{ns.name}/{kind.name}"
        for host in mirror.iterdir()
        if host.is_dir()
        for ns in host.iterdir()
        if ns.is_dir()
        for kind in ns.iterdir()
        if kind.is_dir()
    )


def cli_config(ws: Workspace) -> Path:
    """Write the Terraform CLI configuration shared by every run."""
    base = ws.cache_dir / "terraform"
    cache = base / "plugin-cache"
    cache.mkdir(parents=True, exist_ok=True)
    # Roots commit no lock file, so by default every init re-installs the
    # provider and re-links its cache entry, pulling it from under roots that
    # are validating or planning at that moment ("fork/exec ... no such file");
    # use the cached copy as it is (init_lock only serialises the inits).
    lines = [f'plugin_cache_dir = "{cache}"', "plugin_cache_may_break_dependency_lock_file = true", ""]
    mirror = find_mirror()
    if mirror is not None:
        providers = json.dumps(mirrored_providers(mirror))
        lines += [
            "provider_installation {",
            "  filesystem_mirror {",
            f'    path    = "{mirror}"',
            f"    include = {providers}",
            "  }",
            "  direct {",
            f"    exclude = {providers}",
            "  }",
            "}",
        ]
    path = base / "cli.tfrc"
    text = "\n".join(lines) + "\n"
    if not path.is_file() or path.read_text() != text:
        tmp = path.with_name(f".cli.{os.getpid()}.tmp")
        tmp.write_text(text)
        os.replace(tmp, path)
    return path


def environment(ws: Workspace, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        "TF_CLI_CONFIG_FILE": str(cli_config(ws)),
        "CHECKPOINT_DISABLE": "1",  # no version check call home (offline, and 2 s faster)
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
    }
    env.update(extra or {})
    return env


def binary() -> str:
    found = shutil.which("terraform")
    if not found:
        raise TerraformError("terraform is not on the PATH (see README: prerequisites)")
    return found


@contextlib.contextmanager
def init_lock(ws: Workspace) -> Iterator[None]:
    """Serialise `terraform init` across threads and processes: concurrent inits
    filling the one shared plugin cache fail ("failed to create directory",
    "no package ... cached"). An init from a warm cache takes a second or two."""
    path = ws.cache_dir / "terraform" / "init.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with _INIT_THREAD_LOCK, path.open("a") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)


_INIT_THREAD_LOCK = threading.Lock()  # flock is per process; threads need their own lock


@dataclass
class StagedRoot:
    """A scratch copy of one root, ready for terraform."""

    name: str
    path: Path
    tf: tftest.TerraformTest
    ws: Workspace | None = None

    def init(self) -> str:
        if self.ws is None:
            return self.tf.setup(upgrade=False)
        with init_lock(self.ws):
            return self.tf.setup(upgrade=False)

    def validate(self) -> dict[str, Any]:
        result = subprocess.run(
            [self.tf.binary, "validate", "-json", "-no-color"],
            cwd=self.path,
            env=self.tf.env,
            capture_output=True,
            text=True,
        )
        return json.loads(result.stdout)

    def plan(self) -> tftest.TerraformPlanOutput:
        return self.tf.plan(output=True, refresh=False)

    def plan_json(self) -> dict[str, Any]:
        return dict(self.plan())


def stage(
    ws: Workspace,
    source_dir: Path,
    scratch: Path,
    *,
    overrides: dict[str, str] | None = None,
    env: dict[str, str] | None = None,
) -> StagedRoot:
    """Copy a root into ``scratch`` at the same relative path, plus overrides."""
    rel = source_dir.resolve().relative_to(ws.root.resolve())
    target = scratch / rel
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for item in source_dir.iterdir():
        if item.is_file() and item.suffix in (".tf", ".zip", ".json") and not item.name.endswith("_override.tf"):
            shutil.copy2(item, target / item.name)
        elif item.is_dir() and not item.name.startswith("."):
            # files the root reads with path.root (Glue scripts, SQL statements)
            shutil.copytree(item, target / item.name)
    for link in ("modules", ".build"):
        dest = scratch / link
        if not dest.exists() and (ws.root / link).exists():
            try:
                dest.symlink_to((ws.root / link).resolve(), target_is_directory=True)
            except FileExistsError:
                pass  # another root staged in parallel made it first
    for name, text in (overrides or {}).items():
        (target / name).write_text(text)
    tf = tftest.TerraformTest(str(target), binary=binary(), env=environment(ws, env))
    return StagedRoot(rel.as_posix(), target, tf, ws)


def scratch_dir(work_dir: Path, label: str) -> Path:
    path = work_dir / f"{label}-{uuid.uuid4().hex[:8]}"
    path.mkdir(parents=True)
    return path


def fmt_check(paths: list[Path]) -> list[str]:
    """Files terraform fmt would change (empty when all are canonical)."""
    result = subprocess.run(
        [binary(), "fmt", "-check", "-recursive", "-list=true", *map(str, paths)],
        capture_output=True,
        text=True,
        env={**os.environ, "CHECKPOINT_DISABLE": "1"},
    )
    if result.returncode not in (0, 3):
        raise TerraformError(result.stderr.strip())
    return [line for line in result.stdout.splitlines() if line.strip()]
