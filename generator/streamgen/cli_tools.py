"""The daily-tool commands: ``schema``, ``new``, ``graph``, ``cost``, ``import``.

Each command is a thin adapter from arguments to one module (schema_export,
scaffold, graph, cost, importer); ``cli.build_parser`` registers them here so
the entry point stays one file of wiring.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable

from . import console, pipeline, schema_export, scaffold
from .errors import Problem, SpecError
from .workspace import Workspace

EXIT_OK, EXIT_FAILED, EXIT_INVALID, EXIT_TOOL = 0, 1, 2, 3


def resolved_model(ws: Workspace, env: str):
    """Validated input and the resolved model, without rendering or writing packages."""
    from . import lambda_build, resolve

    validated = pipeline.validate(ws, env)
    try:
        packages = lambda_build.build(ws, resolve.lambda_sources(validated.loaded), write=False)
    except lambda_build.BuildError as exc:
        raise SpecError(exc.problems) from None
    return validated.loaded, resolve.resolve(validated.loaded, packages)


def _problems(problems: list[Problem]) -> None:
    for p in problems:
        print(p, file=sys.stderr)


# --- schema ------------------------------------------------------------------


def cmd_schema(args: argparse.Namespace, ws: Workspace) -> int:
    if args.check:
        stale = schema_export.stale(ws)
        if args.json:
            console.emit_json({"current": not stale, "stale": stale})
        if stale:
            if not args.json:
                print("out of date (run `streamgen schema`):\n  " + "\n  ".join(stale), file=sys.stderr)
            return EXIT_FAILED
        if not args.json:
            print(f"{len(schema_export.render_all())} schema and reference files are current")
        return EXIT_OK
    written = schema_export.write(ws)
    if args.json:
        console.emit_json({"written": written, "files": sorted(schema_export.render_all())})
    else:
        for path in sorted(schema_export.render_all()):
            print(f"  {'wrote    ' if path in written else 'unchanged'} {path}")
    return EXIT_OK


# --- new -----------------------------------------------------------------------


def cmd_new(args: argparse.Namespace, ws: Workspace) -> int:
    req = scaffold.Request(
        what=args.what,
        domain=args.domain,
        name=args.name,
        kind=args.kind,
        topic=args.topic,
        owner=args.owner,
        cluster=args.cluster,
        target=args.target,
        url=args.url,
        secret_arn=args.secret_arn,
        description=args.description,
    )
    try:
        result, warnings = scaffold.add(ws, args.env, req)
    except scaffold.ScaffoldError as exc:
        print(f"streamgen new {args.what}: {exc}; nothing was written", file=sys.stderr)
        return EXIT_INVALID
    except SpecError as exc:
        _problems(exc.problems)
        print(f"the new {args.what} does not validate; catalog/{args.domain}.yaml was left as it was", file=sys.stderr)
        return EXIT_INVALID
    _problems(warnings)
    rel = ws.rel(result.path)
    if args.json:
        console.emit_json({"file": rel, "created": result.created, "block": result.block, "valid": True})
        return EXIT_OK
    verb = "created" if result.created else "added to"
    print(f"{console.paint('✓', 'green')} {verb} {rel} (the whole catalog still validates):\n")
    print("".join(f"    {line}\n" for line in result.block.splitlines()))
    print(f"next: edit the values, then `streamgen generate --env {args.env}` and `streamgen plan --env {args.env} --offline`")
    return EXIT_OK


# --- graph ---------------------------------------------------------------------


def cmd_graph(args: argparse.Namespace, ws: Workspace) -> int:
    from . import graph

    _, resolved = resolved_model(ws, args.env)
    g = graph.build(resolved)
    fmt = args.format
    if args.json:
        console.emit_json({
            "env": args.env,
            "nodes": [vars(n) for n in sorted(g.nodes.values(), key=lambda n: n.id)],
            "edges": [vars(e) for e in g.sorted_edges()],
        })
        return EXIT_OK
    text = graph.mermaid(g) if fmt == "mermaid" else graph.dot(g)
    if fmt in ("mermaid", "dot"):
        if args.output:
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(text)
            print(f"wrote {ws.rel(args.output)}")
        else:
            sys.stdout.write(text)
        return EXIT_OK
    output = args.output or ws.work_dir / "graph" / f"{args.env}.{fmt}"
    try:
        graph.render_image(text, output, fmt)
    except graph.GraphvizMissing as exc:
        print(exc, file=sys.stderr)
        return EXIT_TOOL
    print(f"wrote {ws.rel(output)} ({len(g.nodes)} nodes, {len(g.edges)} edges)")
    return EXIT_OK


# --- cost ----------------------------------------------------------------------


def cmd_cost(args: argparse.Namespace, ws: Workspace) -> int:
    from . import cost

    loaded, resolved = resolved_model(ws, args.env)
    prices, rel = cost.load_prices(ws.root, resolved.region)
    est = cost.estimate(loaded, resolved, prices, rel)
    if args.domain:
        est.items = [i for i in est.items if i.domain in args.domain]
    if args.json:
        console.emit_json(est.to_json())
    else:
        sys.stdout.write(cost.render_text(est, detail=args.detail))
    return EXIT_OK


# --- import --------------------------------------------------------------------


def cmd_import(args: argparse.Namespace, ws: Workspace) -> int:
    try:
        import boto3
    except ImportError:
        print("streamgen import needs boto3: pip install 'streamgen[import]'", file=sys.stderr)
        return EXIT_TOOL
    from . import importer
    from .naming import Namer

    env = _environment(ws, args.env)
    host = lambda url: url.split("//")[-1].rstrip("/")  # noqa: E731
    target = importer.Target(
        name_prefix=env.name_prefix,
        domain=args.domain,
        opensearch_domains={host(d.endpoint): k for k, d in env.opensearch.domains.items()},
        collections={host(c.endpoint): k for k, c in env.opensearch.collections.items()},
        bucket=Namer(env.name_prefix, env.account_id, env.region).bucket(args.domain),
    )
    region = args.region or env.region
    session = boto3.Session(region_name=region, profile_name=args.profile) if args.profile else boto3.Session(region_name=region)
    imported = importer.read_account(session, args.endpoint_url, target, args.owner)
    text = importer.render(imported, f"{region}" + (f" via {args.endpoint_url}" if args.endpoint_url else ""))
    if args.output == "-":
        sys.stdout.write(text)
        return EXIT_OK
    path = Path(args.output) if args.output else ws.catalog_dir / f"{args.domain}.yaml"
    if path.exists() and not args.force:
        print(f"{ws.rel(path)} exists; pass --force to replace it or --output - to print the YAML", file=sys.stderr)
        return EXIT_INVALID
    original = path.read_bytes() if path.exists() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    if path.resolve().parent == ws.catalog_dir.resolve():
        try:
            pipeline.validate(ws, args.env)
        except SpecError as exc:
            _problems(exc.problems)
            if original is None:
                path.unlink()
            else:
                path.write_bytes(original)
            print("the imported catalog does not validate; nothing was written (use --output - to inspect it)", file=sys.stderr)
            return EXIT_INVALID
    if args.json:
        console.emit_json({"file": ws.rel(path), "topics": len(imported.topics), "sinks": len(imported.sinks),
                           "not_imported": [{"resource": r, "reason": why} for r, why, _ in imported.skipped],
                           "ignored": imported.ignored})
    else:
        print(f"wrote {ws.rel(path)}: {imported.summary()}")
        for resource, why, _ in imported.skipped:
            print(f"  not imported: {resource}: {why}")
    return EXIT_OK


def _environment(ws: Workspace, env_name: str):
    """env.yaml alone, validated (an import may start from an empty catalog)."""
    from pydantic import ValidationError

    from . import load, yamlsrc
    from .spec.env import Environment

    path = ws.env_file(env_name)
    if not path.is_file():
        raise SpecError([Problem(ws.rel(path), 0, "", "no such environment file")])
    doc, problems = yamlsrc.load(path, ws.rel(path))
    if doc is None or problems:
        raise SpecError(problems)
    try:
        return Environment.model_validate(doc.data)
    except ValidationError as exc:
        raise SpecError(load.validation_problems(exc, doc)) from None


# --- registration --------------------------------------------------------------


def register(sub: argparse._SubParsersAction, env_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    def json_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")

    p = sub.add_parser(
        "schema",
        help="write schema/*.schema.json (editor completion) and docs/catalog.md from the models",
        description="Export the JSON Schema of catalog and env files (yaml-language-server reads the "
        "`# yaml-language-server: $schema=...` line at the top of each file) and the field reference "
        "docs/catalog.md.",
    )
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 when a file is out of date")
    json_arg(p)
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser(
        "new",
        help="add a commented topic, sink or connector to catalog/<domain>.yaml and re-validate",
        description="Appends a commented, valid block to the right section of catalog/<domain>.yaml "
        "(your comments and layout are kept), validates the whole catalog and restores the file if "
        "anything is wrong.",
        epilog="examples:\n"
        "  streamgen new topic --domain payments --name refunds\n"
        "  streamgen new topic --domain inventory --name reorders --kind msk --cluster main\n"
        "  streamgen new sink --domain payments --name refunds-archive --topic refunds\n"
        "  streamgen new sink --domain search --name refunds-search --kind opensearch --topic payments/refunds\n"
        "  streamgen new connector --domain inventory --name reorders-archive --topic reorders\n"
        "  streamgen new topic --domain loyalty --owner team-loyalty@example.com --name points",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("what", choices=sorted(scaffold.SECTIONS), help="what to add")
    env_arg(p)
    p.add_argument("--domain", required=True, help="owning domain: the file catalog/<domain>.yaml")
    p.add_argument("--name", required=True, help="name within the domain (lowercase, digits, '-')")
    p.add_argument("--kind", help=f"topic: {'|'.join(scaffold.TOPIC_PLATFORMS)}; sink: {'|'.join(scaffold.SINK_KINDS)}; "
                   f"connector: {'|'.join(scaffold.CONNECTOR_KINDS)}")
    p.add_argument("--topic", help="sinks: the topic read ('name' or 'domain/name'); connectors: comma-separated MSK topics")
    p.add_argument("--owner", help="owner of a new domain (creates the file)")
    p.add_argument("--cluster", help="MSK topics: env.yaml msk_clusters key (default: the first)")
    p.add_argument("--target", help="opensearch sinks: env.yaml opensearch domain; eventbridge connectors: event bus key")
    p.add_argument("--url", help="http sinks: endpoint URL")
    p.add_argument("--secret-arn", help="http sinks: Secrets Manager ARN of the endpoint's key")
    p.add_argument("--description", help="a description line")
    json_arg(p)
    p.set_defaults(func=cmd_new)

    p = sub.add_parser(
        "graph",
        help="draw sources -> topics -> sinks -> destinations (Mermaid, DOT, SVG, PNG)",
        description="Topology of the resolved environment. Mermaid renders in GitLab/GitHub merge "
        "requests; svg/png need Graphviz `dot` (Debian: apt-get install graphviz).",
    )
    env_arg(p)
    p.add_argument("--format", choices=["mermaid", "dot", "svg", "png"], default="mermaid", help="default: mermaid on stdout")
    p.add_argument("--output", "-o", type=Path, help="file to write (svg/png default: .work/graph/<env>.<format>)")
    json_arg(p)
    p.set_defaults(func=cmd_graph)

    p = sub.add_parser(
        "cost",
        help="monthly cost estimate per domain and resource from pricing/<region>.yaml",
        description="Prices the resolved sizes (shards, OCUs, workers, DPUs) and the throughput topics "
        "declare, with the dated list prices in pricing/<region>.yaml. Run it on a branch and on main "
        "to see what a change costs.",
    )
    env_arg(p)
    p.add_argument("--domain", action="append", help="only this domain (repeatable)")
    p.add_argument("--detail", action="store_true", help="show quantity x unit price for every line")
    json_arg(p)
    p.set_defaults(func=cmd_cost)

    p = sub.add_parser(
        "import",
        help="write catalog YAML for existing Kinesis, Firehose, OpenSearch Ingestion and Glue resources",
        description="Reads the account with boto3 (your usual AWS credentials) and writes "
        "catalog/<domain>.yaml for the resources named <name_prefix>-<domain>-<name>. What the catalog "
        "cannot express is kept as comments with the reason.",
    )
    env_arg(p)
    p.add_argument("--domain", required=True, help="domain to import: resources named <name_prefix>-<domain>-*")
    p.add_argument("--owner", required=True, help="owning team (the Owner tag)")
    p.add_argument("--region", help="default: the environment's Region")
    p.add_argument("--endpoint-url", help="AWS endpoint (e.g. a local emulator)")
    p.add_argument("--profile", help="AWS profile")
    p.add_argument("--output", help="file to write (default catalog/<domain>.yaml; '-' for stdout)")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    json_arg(p)
    p.set_defaults(func=cmd_import)
