"""The app's router tries only the routes a path can match: for every route, the one it finds is the
one Starlette's linear search finds, and unmatched paths get Starlette's own answers (404, 405)."""

from __future__ import annotations

import re

from starlette.routing import Match, Mount, Route, WebSocketRoute
from starlette.testclient import TestClient

from emulator.app import create_app
from emulator.config import HEATZY_APP_ID
from emulator.routing import IndexedRouter, literal_words, path_words


def sample_path(template: str) -> str:
    """A concrete path matching ``template`` (every parameter given a value its convertor takes)."""
    return re.sub(r"\{[^}]+\}", "1", template)


def first_full_match(routes: list, scope: dict) -> object | None:
    return next((route for route in routes if route.matches(scope)[0] is Match.FULL), None)


def test_every_route_is_found_as_the_linear_search_finds_it() -> None:
    app = create_app()
    router = app.router
    assert isinstance(router, IndexedRouter)
    checked = 0
    for route in router.routes:
        if isinstance(route, Mount):
            paths, methods, kind = [route.path + "/x", route.path + "/"], ["GET"], "http"
        elif isinstance(route, WebSocketRoute):
            paths, methods, kind = [sample_path(route.path)], [None], "websocket"
        else:
            assert isinstance(route, Route)
            paths, methods, kind = [sample_path(route.path)], sorted(route.methods or ["GET"]), "http"
        for path in paths:
            for method in methods:
                scope = {"type": kind, "path": path, "root_path": "", "method": method, "headers": []}
                assert first_full_match(router.candidates(path), scope) is first_full_match(router.routes, scope), path
                checked += 1
    assert checked > 100


def test_a_route_is_indexed_by_its_literal_leading_words() -> None:
    assert literal_words(Route("/app/devdata/{did}/latest", lambda r: None)) == ("app", "devdata")
    assert literal_words(Route("/app/{did}", lambda r: None)) == ("app",)
    assert literal_words(Route("/{anything}", lambda r: None)) == ()
    assert literal_words(Mount("/_emulator", routes=[])) == ("_emulator",)
    assert path_words("/app/devdata/x/latest") == ("app", "devdata")
    assert path_words("/") == ("",)


def test_unmatched_paths_and_methods_get_the_usual_answers() -> None:
    with TestClient(create_app()) as client:
        missing = client.get("/app/no-such-thing", headers={"X-Gizwits-Application-Id": HEATZY_APP_ID})
        assert missing.status_code == 404
        assert missing.json()["error_code"] == 9999
        wrong = client.patch("/app/bindings", headers={"X-Gizwits-Application-Id": HEATZY_APP_ID})
        assert wrong.status_code == 405
        assert "GET" in wrong.headers["allow"]


def test_routes_added_after_the_first_request_are_found() -> None:
    app = create_app()
    with TestClient(app) as client:
        assert client.get("/status").status_code == 200
        app.router.routes.insert(0, Route("/app/late-route", lambda request: _ok(), methods=["GET"]))
        assert client.get("/app/late-route").status_code == 200


def _ok():  # type: ignore[no-untyped-def]
    from starlette.responses import PlainTextResponse

    return PlainTextResponse("late")
