"""``streamgen cost``: a monthly estimate per domain and per resource.

Inputs are the resolved model (final shard counts, OCUs, workers: the sizes
the plan would deploy) and the throughput topics declare in the catalog;
prices come from ``pricing/<region>.yaml`` (dated, with source pages). What
is priced, per resource:

- Kinesis provisioned: shard-hours, PUT payload units (25 KB), extended
  retention (24 h to 7 days: per shard-hour) and long-term retention (beyond
  7 days: GB-months of the data kept).
- Kinesis on demand: stream-hours, GB in and GB out (every consumer reads all
  data), extended retention GB-months.
- Firehose: GB ingested (5 KB-rounded records when the record rate is known;
  MSK sources unrounded at their own price), format conversion and dynamic
  partitioning per GB. Direct PUT streams have no declared volume: 0, flagged.
- OpenSearch Ingestion: the pipeline's minimum OCUs, always running.
- MSK Connect: MCUs per worker x minimum workers, always running.
- Glue streaming jobs: DPUs of the workers, always running.

Not priced (noted in the output): Lambda invocations, S3 storage and
requests, CloudWatch Logs, KMS, data transfer, the MSK clusters and
OpenSearch targets themselves (they exist outside the catalog).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .decisions import shards_for
from .errors import Problem, SpecError
from .load import Loaded
from .model import Resolved

SECONDS_PER_HOUR = 3600
MB_PER_GB = 1024  # MB/s in the catalog are MiB-based like Kinesis limits; GB billed = GiB
KINESIS_RECORD_KB = 25  # PUT payload unit
ONE_DAY_H, SEVEN_DAYS_H = 24, 168
Price = Annotated[float, Field(ge=0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KinesisPrices(_Strict):
    source: str
    provisioned_shard_hour: Price
    put_payload_units_per_million: Price
    extended_retention_shard_hour: Price
    long_term_retention_gb_month: Price
    on_demand_stream_hour: Price
    on_demand_data_in_gb: Price
    on_demand_data_out_gb: Price
    on_demand_extended_retention_gb_month: Price


class FirehosePrices(_Strict):
    source: str
    ingestion_gb: Price
    msk_ingestion_gb: Price
    format_conversion_gb: Price
    dynamic_partitioning_gb: Price


class OsisPrices(_Strict):
    source: str
    ocu_hour: Price


class ConnectPrices(_Strict):
    source: str
    mcu_hour: Price


class GluePrices(_Strict):
    source: str
    dpu_hour: Price
    dpu_per_worker: dict[str, Annotated[float, Field(gt=0)]]


class PriceTable(_Strict):
    """``pricing/<region>.yaml``."""

    region: str
    currency: str
    as_of: date
    hours_per_month: Annotated[float, Field(gt=0)] = 730
    kinesis: KinesisPrices
    firehose: FirehosePrices
    opensearch_ingestion: OsisPrices
    msk_connect: ConnectPrices
    glue: GluePrices


def load_prices(root: Path, region: str) -> tuple[PriceTable, str]:
    rel = f"pricing/{region}.yaml"
    path = root / rel
    if not path.is_file():
        available = sorted(p.stem for p in (root / "pricing").glob("*.yaml"))
        raise SpecError([Problem(rel, 0, "", f"no price table for {region} (have: {', '.join(available) or 'none'}); add one like pricing/eu-west-1.yaml")])
    try:
        table = PriceTable.model_validate(yaml.safe_load(path.read_text()))
    except ValidationError as exc:
        raise SpecError([Problem(rel, 0, ".".join(map(str, e["loc"])), e["msg"]) for e in exc.errors()]) from None
    if table.region != region:
        raise SpecError([Problem(rel, 0, "region", f"is {table.region}, but the file name says {region}")])
    return table, rel


@dataclass
class Line:
    """One priced component of a resource: quantity x unit price."""

    what: str
    quantity: float
    unit: str
    unit_price: float

    @property
    def monthly(self) -> float:
        return self.quantity * self.unit_price


@dataclass
class Item:
    domain: str
    resource: str
    service: str
    lines: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def monthly(self) -> float:
        return sum(line.monthly for line in self.lines)


@dataclass
class Estimate:
    env: str
    region: str
    currency: str
    as_of: str
    price_file: str
    hours_per_month: float
    items: list[Item]
    not_priced: list[str]

    def by_domain(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for item in self.items:
            out[item.domain] = out.get(item.domain, 0.0) + item.monthly
        return dict(sorted(out.items()))

    @property
    def total(self) -> float:
        return sum(item.monthly for item in self.items)

    def to_json(self) -> dict[str, Any]:
        return {
            "env": self.env,
            "region": self.region,
            "currency": self.currency,
            "prices_as_of": self.as_of,
            "price_file": self.price_file,
            "hours_per_month": self.hours_per_month,
            "total_monthly": round(self.total, 2),
            "domains": {d: round(v, 2) for d, v in self.by_domain().items()},
            "resources": [
                {
                    "domain": i.domain,
                    "resource": i.resource,
                    "service": i.service,
                    "monthly": round(i.monthly, 2),
                    "lines": [{**asdict(line), "monthly": round(line.monthly, 4)} for line in i.lines],
                    "notes": i.notes,
                }
                for i in self.items
            ],
            "not_priced": self.not_priced,
        }


NOT_PRICED = [
    "Lambda transforms and decoders (invocations, GB-seconds)",
    "S3 storage and requests, CloudWatch Logs, KMS requests, data transfer",
    "MSK clusters, OpenSearch domains/collections and Redshift (exist outside the catalog)",
]


@dataclass(frozen=True)
class Load:
    """Declared load of a topic: MB/s in, records/s in (None: unknown), consumers."""

    mb_per_s: float
    records_per_s: int | None
    consumers: int

    def gb_per_month(self, hours: float) -> float:
        return self.mb_per_s * SECONDS_PER_HOUR * hours / MB_PER_GB

    def records_per_month(self, hours: float) -> float | None:
        return None if self.records_per_s is None else self.records_per_s * SECONDS_PER_HOUR * hours

    @property
    def record_kb(self) -> float | None:
        if not self.records_per_s:
            return None
        return self.mb_per_s * 1024 / self.records_per_s


def topic_loads(loaded: Loaded) -> dict[tuple[str, str], Load]:
    out = {}
    for d in loaded.domains:
        for t in d.spec.topics:
            if t.throughput is not None:
                tp = t.throughput
                out[(d.spec.domain, t.name)] = Load(tp.write_mb_per_s, tp.write_records_per_s, tp.read_consumers)
    return out


def _round_up(size_kb: float, step_kb: int) -> float:
    return math.ceil(size_kb / step_kb) * step_kb


def estimate(loaded: Loaded, resolved: Resolved, prices: PriceTable, price_file: str) -> Estimate:
    hours = prices.hours_per_month
    loads = topic_loads(loaded)
    k, fh = prices.kinesis, prices.firehose
    items: list[Item] = []

    for root in resolved.roots:
        for s in [*root.streams, *root.log_streams]:
            item = Item(s.domain, s.full_name, "Kinesis Data Streams")
            load = loads.get((s.domain, s.name))
            if s.mode == "PROVISIONED":
                item.service += f" ({s.shards} shard{'s' * (s.shards != 1)})"
                item.lines.append(Line("shard-hours", s.shards * hours, "shard-hour", k.provisioned_shard_hour))
                if s.retention_hours > ONE_DAY_H:
                    item.lines.append(Line("extended retention (to 7 days)", s.shards * hours, "shard-hour", k.extended_retention_shard_hour))
                if load is None:
                    item.notes.append("no throughput declared: PUT payload units and long-term retention not priced")
                else:
                    need = shards_for(load.mb_per_s, load.records_per_s, load.consumers)
                    if need > s.shards:
                        item.notes.append(f"declared throughput needs {need} shards, {s.shards} configured: writes will be throttled")
                    size = load.record_kb
                    if size is not None:
                        units = load.records_per_month(hours) * math.ceil(size / KINESIS_RECORD_KB)
                    else:  # no record rate: at least one unit per 25 KB
                        units = load.mb_per_s * 1024 / KINESIS_RECORD_KB * SECONDS_PER_HOUR * hours
                        item.notes.append("no record rate declared: PUT units counted as 25 KB records (a lower bound)")
                    item.lines.append(Line("PUT payload units", units / 1e6, "million units", k.put_payload_units_per_million))
                    if s.retention_hours > SEVEN_DAYS_H:
                        stored = load.mb_per_s * SECONDS_PER_HOUR * (s.retention_hours - SEVEN_DAYS_H) / MB_PER_GB
                        item.lines.append(Line("long-term retention (beyond 7 days)", stored, "GB-month", k.long_term_retention_gb_month))
            else:
                item.service += " (on demand)"
                item.lines.append(Line("stream-hours", hours, "stream-hour", k.on_demand_stream_hour))
                if load is None:
                    item.notes.append("no throughput declared: data in/out not priced")
                else:
                    gb = load.gb_per_month(hours)
                    if load.record_kb is not None and load.record_kb < 1:  # billed in 1 KB records
                        gb = load.records_per_month(hours) / MB_PER_GB / 1024
                    item.lines.append(Line("data in", gb, "GB", k.on_demand_data_in_gb))
                    item.lines.append(Line("data out", load.gb_per_month(hours) * load.consumers, "GB", k.on_demand_data_out_gb))
                    if s.retention_hours > ONE_DAY_H:
                        stored = load.mb_per_s * SECONDS_PER_HOUR * (s.retention_hours - ONE_DAY_H) / MB_PER_GB
                        item.lines.append(Line("retention beyond 24 h", stored, "GB-month", k.on_demand_extended_retention_gb_month))
            items.append(item)

        for f in root.firehoses:
            item = Item(f.domain, f.full_name, "Firehose")
            if f.kinesis_source is not None:
                src = f.kinesis_source
                load = loads.get((src.domain, src.name))
            elif f.msk_source is not None:
                src = f.msk_source.topic
                load = loads.get((src.domain, src.name))
            else:
                load = None
            if load is None:
                why = "Direct PUT" if f.kinesis_source is None and f.msk_source is None else "its topic declares no throughput"
                item.notes.append(f"no volume known ({why}): ingestion not priced")
            else:
                gb = load.gb_per_month(hours)
                if f.msk_source is not None:
                    item.lines.append(Line("ingestion (MSK source)", gb, "GB", fh.msk_ingestion_gb))
                else:
                    billed = gb
                    if load.record_kb is not None:
                        billed = load.records_per_month(hours) * _round_up(load.record_kb, 5) / MB_PER_GB / 1024
                    item.lines.append(Line("ingestion (5 KB-rounded)", billed, "GB", fh.ingestion_gb))
                if f.extended_s3 is not None and f.extended_s3.conversion is not None:
                    item.lines.append(Line(f"format conversion ({f.extended_s3.conversion.output})", gb, "GB", fh.format_conversion_gb))
                if f.extended_s3 is not None and f.extended_s3.dynamic_partitioning:
                    item.lines.append(Line("dynamic partitioning", gb, "GB", fh.dynamic_partitioning_gb))
            items.append(item)

        for d in root.log_deliveries:
            item = Item(d.domain, d.full_name, "Firehose (central logging)")
            item.notes.append("log volume is not declared: ingestion not priced")
            items.append(item)

        for p in root.ingestion_pipelines:
            item = Item(p.domain, p.full_name, f"OpenSearch Ingestion ({p.min_units}-{p.max_units} OCU)")
            item.lines.append(Line("OCU-hours at the minimum", p.min_units * hours, "OCU-hour", prices.opensearch_ingestion.ocu_hour))
            if p.max_units > p.min_units:
                peak = p.max_units * hours * prices.opensearch_ingestion.ocu_hour
                item.notes.append(f"scales to {p.max_units} OCUs under load: up to {peak:,.2f} {prices.currency}/month")
            items.append(item)

        for c in root.connectors:
            cap = c.capacity
            item = Item(c.domain, c.full_name, f"MSK Connect ({cap.min_workers}x{cap.mcu_per_worker} MCU)")
            item.lines.append(Line("MCU-hours at the minimum", cap.min_workers * cap.mcu_per_worker * hours, "MCU-hour", prices.msk_connect.mcu_hour))
            if cap.max_workers > cap.min_workers:
                peak = cap.max_workers * cap.mcu_per_worker * hours * prices.msk_connect.mcu_hour
                item.notes.append(f"autoscales to {cap.max_workers} workers: up to {peak:,.2f} {prices.currency}/month")
            items.append(item)

        for j in root.glue_jobs:
            dpu = prices.glue.dpu_per_worker.get(j.worker_type)
            item = Item(j.domain, j.full_name, f"Glue streaming ({j.workers}x {j.worker_type})")
            if dpu is None:
                item.notes.append(f"worker type {j.worker_type} missing from the price table: not priced")
            else:
                item.lines.append(Line("DPU-hours", j.workers * dpu * hours, "DPU-hour", prices.glue.dpu_hour))
            items.append(item)

    items.sort(key=lambda i: (i.domain, i.resource))
    return Estimate(
        env=resolved.env,
        region=prices.region,
        currency=prices.currency,
        as_of=prices.as_of.isoformat(),
        price_file=price_file,
        hours_per_month=hours,
        items=items,
        not_priced=NOT_PRICED,
    )


def _money(value: float) -> str:
    return f"{value:,.2f}"


def render_text(est: Estimate, *, detail: bool = False) -> str:
    cur = est.currency
    lines = [
        f"{est.env} ({est.region}): estimated monthly cost in {cur}, {est.hours_per_month:g} h/month,",
        f"list prices as of {est.as_of} ({est.price_file})",
        "",
    ]
    width = max([len(i.resource) for i in est.items] + [8])
    swidth = max([len(i.service) for i in est.items] + [7])
    lines.append(f"{'domain':<14} {'resource':<{width}} {'service':<{swidth}} {'monthly':>10}")
    for i in est.items:
        lines.append(f"{i.domain:<14} {i.resource:<{width}} {i.service:<{swidth}} {_money(i.monthly):>10}")
        if detail:
            for line in i.lines:
                lines.append(f"{'':<14}   {line.what}: {line.quantity:,.2f} {line.unit} x {line.unit_price:g} = {_money(line.monthly)}")
        for note in i.notes:
            lines.append(f"{'':<14}   note: {note}")
    lines += ["", "per domain:"]
    for domain, value in est.by_domain().items():
        lines.append(f"  {domain:<14} {_money(value):>10}")
    lines.append(f"  {'total':<14} {_money(est.total):>10} {cur}/month")
    lines += ["", "not included: " + "; ".join(est.not_priced)]
    return "\n".join(lines) + "\n"
