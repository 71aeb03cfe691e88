"""The product catalog: every known product key with its name, family, data points and secret.

Loaded once from ``fixtures/products.json``. A product is immutable; devices point at it.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from msgspec import Struct

from ...core.data import fixtures_dir, load_json
from .datapoints import READONLY, WRITABLE, DatapointSet, DatapointSpec, layout
from .program import PROGRAM_POINTS


class Product(Struct, frozen=True):
    product_key: str
    name: str
    family: str
    generation: int
    secret: str
    datapoints: DatapointSet
    device_defaults: dict[str, Any]
    #: The product setting "device sharing enabled": owner/guest roles and ``/app/sharing``.
    #: Off unless the catalog turns it on, as on the real cloud, where a product opts in.
    sharing: bool = False

    def datapoint_document(self) -> dict[str, Any]:
        """The body of ``GET /app/datapoint`` for this product."""
        return {
            "name": self.name,
            "entities": [
                {
                    "id": 0,
                    "display_name": "机智云开发套件",
                    "attrs": [p.attr_item() for p in self.datapoints],
                    "name": "entity0",
                }
            ],
            "protocolType": "standard",
            "product_key": self.product_key,
            "packetVersion": "0x00000004",
            "ui": {
                "object": {"version": 4, "showEditButton": False},
                "sections": [{"elements": [p.ui_element() for p in self.datapoints]}],
            },
        }


def _specs(declared: list[dict[str, Any]]) -> list[DatapointSpec]:
    specs: list[DatapointSpec] = []
    for item in declared:
        if item.get("program"):
            specs.extend(DatapointSpec(name) for name in PROGRAM_POINTS)
            continue
        specs.append(
            DatapointSpec(
                name=item["name"],
                data_type=item.get("type", "uint8"),
                kind=READONLY if item.get("readonly") else WRITABLE,
                enum=tuple(item.get("values", ())),
                min=item.get("min", 0),
                max=item.get("max"),
                length=item.get("length", 1),
                desc=item.get("desc", ""),
            )
        )
    return specs


class Catalog:
    def __init__(self, products: list[Product]) -> None:
        self._by_key = {p.product_key: p for p in products}
        self._by_name = {p.name: p for p in products}

    def __iter__(self) -> Iterator[Product]:
        return iter(self._by_key.values())

    def get(self, product_key: str) -> Product | None:
        return self._by_key.get(product_key)

    def by_name(self, name: str) -> Product | None:
        return self._by_name.get(name)

    def resolve(self, key_or_name: str) -> Product:
        product = self.get(key_or_name) or self.by_name(key_or_name)
        if product is None:
            raise KeyError(f"unknown product {key_or_name!r}")
        return product


@cache
def load_catalog() -> Catalog:
    document = load_json(fixtures_dir() / "products.json")
    sets = {name: DatapointSet(layout(_specs(items))) for name, items in document["datapoint_sets"].items()}
    defaults = document["device_defaults"]
    products = [
        Product(
            product_key=item["product_key"],
            name=item["name"],
            family=item["family"],
            generation=item["generation"],
            secret=item["secret"],
            datapoints=sets[item["datapoints"]],
            device_defaults={**defaults, **item.get("device", {})},
            sharing=bool(item.get("sharing", False)),
        )
        for item in document["products"]
    ]
    return Catalog(products)
