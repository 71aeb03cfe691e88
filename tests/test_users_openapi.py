"""The users/sharing route modules describe every route they serve in their OpenAPI ``SPEC``."""

from __future__ import annotations

from types import ModuleType

import pytest
from openapi_spec_validator import validate
from starlette.routing import Route

from emulator.api import bind, guests, messages, sharing, tokens, verification
from emulator.api.openapi import build_document
from emulator.errors import ERRORS

MODULES = (tokens, verification, messages, bind, guests, sharing)


def routed(module: ModuleType) -> set[tuple[str, str]]:
    return {(route.path, method.lower()) for route in module.ROUTES if isinstance(route, Route)
            for method in (route.methods or ()) if method != "HEAD"}


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_spec_and_routes_match(module: ModuleType) -> None:
    described = {(path, method) for path, operations in module.SPEC.items() for method in operations}
    assert described == routed(module)


def test_the_document_of_these_modules_is_valid_openapi_31() -> None:
    document = build_document(MODULES)
    validate(document)  # raises on an invalid document
    assert document["openapi"] == "3.1.0"


def test_every_error_response_names_known_codes_with_their_status() -> None:
    document = build_document(MODULES)
    for operations in document["paths"].values():
        for operation in operations.values():
            for status, response in operation["responses"].items():
                if "$ref" not in response:
                    continue
                codes = [int(part.split()[0]) for part in response["description"].split("; ")]
                assert all(ERRORS[code].status == int(status) for code in codes), (status, codes)
