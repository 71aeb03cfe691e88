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


# -- route modules made at first use --------------------------------------------------------------
def _route_modules():  # type: ignore[no-untyped-def]
    from emulator.ewelink.api import ROUTE_MODULES as EWELINK
    from emulator.gizwits.api import ROUTE_MODULES as GIZWITS

    return GIZWITS, EWELINK


def test_each_route_module_is_listed_with_the_leading_words_of_its_routes() -> None:
    for cloud in _route_modules():
        for name, words in cloud.words.items():
            found = {"/".join(literal_words(route)) for route in cloud.module(name).ROUTES}
            assert found == set(words), (cloud.package, name)
    listed = {module.__name__ for cloud in _route_modules() for module in cloud.modules()}
    import pkgutil

    import emulator.ewelink.api
    import emulator.gizwits.api

    for package in (emulator.gizwits.api, emulator.ewelink.api):
        for info in pkgutil.iter_modules(package.__path__):
            module = __import__(f"{package.__name__}.{info.name}", fromlist=["_"])
            if hasattr(module, "ROUTES"):  # a module with routes the app would never serve
                assert module.__name__ in listed, module.__name__


def test_no_template_of_one_module_shadows_a_concrete_path_of_another() -> None:
    """The 405 guards of :func:`concrete_paths_first` are made per module: they must be the ones the
    whole route list gives."""
    from emulator.gizwits.api import ROUTE_MODULES, concrete_paths_first

    every = [route for name in ROUTE_MODULES.words for route in ROUTE_MODULES.module(name).ROUTES]
    per_module = [guard for name in ROUTE_MODULES.words
                  for guard in concrete_paths_first(list(ROUTE_MODULES.module(name).ROUTES))]
    assert [(g.path, sorted(g.methods or ())) for g in concrete_paths_first(every)] == \
        [(g.path, sorted(g.methods or ())) for g in per_module]
    assert per_module  # /app/rules/params


def _same(route: object) -> tuple[object, ...] | None:
    if route is None:
        return None
    return (type(route), getattr(route, "path", None), sorted(getattr(route, "methods", None) or ()),
            getattr(route, "endpoint", getattr(route, "app", None)).__name__)


def test_a_fresh_app_finds_every_route_its_made_twin_finds() -> None:
    """Each path asked of a new app (its modules made as the path needs them) finds the route an app
    with every module made finds."""
    made = create_app().router
    made.make_all()
    for route in list(made.routes):
        if isinstance(route, Mount):
            continue
        methods = [None] if isinstance(route, WebSocketRoute) else sorted(route.methods or ["GET"])
        for method in methods:
            fresh = create_app().router
            path = sample_path(route.path)
            scope = {"type": "websocket" if method is None else "http", "path": path, "root_path": "",
                     "method": method, "headers": []}
            assert _same(first_full_match(fresh.candidates(path), scope)) == \
                _same(first_full_match(made.routes, scope)), (method, path)


def test_a_first_request_makes_only_the_route_modules_its_path_reaches() -> None:
    app = create_app()
    before = {entry.name for entry in app.router.deferred()}
    assert {"emulator.gizwits.api.devices", "emulator.gizwits.api.bindings", "emulator.ewelink.api.things"} <= before
    with TestClient(app) as client:
        answer = client.get("/app/devdata/nope/latest", headers={"X-Gizwits-Application-Id": HEATZY_APP_ID})
        assert answer.json()["error_code"] == 9014  # the route answered: no such device
        left = {entry.name for entry in app.router.deferred()}
        assert before - left == {"emulator.gizwits.api.devices", "emulator.gizwits.api.aggregation",
                                 "emulator.gizwits.api.guests"}
        answer = client.get("/app/bindings", headers={"X-Gizwits-Application-Id": HEATZY_APP_ID})
        assert answer.json()["error_code"] == 9004  # the route answered: no token
        assert "emulator.gizwits.api.bindings" not in {entry.name for entry in app.router.deferred()}
        assert "emulator.ewelink.api.things" in {entry.name for entry in app.router.deferred()}
        # Reading the route list (Starlette's routes) makes the rest: it holds routes only.
        from emulator.routing import DeferredRoutes

        assert not any(isinstance(route, DeferredRoutes) for route in app.routes)
        assert app.router.deferred() == []


def test_the_admin_routes_are_made_at_the_first_admin_request() -> None:
    app = create_app()
    assert "admin" in {entry.name for entry in app.router.deferred()}
    with TestClient(app) as client:
        assert client.get("/status").status_code == 200
        assert "admin" in {entry.name for entry in app.router.deferred()}
        assert client.get("/_emulator/clock").status_code == 200
        assert "admin" not in {entry.name for entry in app.router.deferred()}
        assert any(isinstance(route, Mount) and route.path == "/_emulator" for route in app.router._entries)


def test_threads_reaching_the_same_deferred_routes_at_once_each_get_their_route() -> None:
    import threading

    app = create_app()
    router = app.router
    paths = ["/app/devdata/x/latest", "/app/bindings", "/app/rules/1", "/v2/device/thing", "/app/users",
             "/status", "/app/scene/1", "/v2/family"]
    scope_of = {path: {"type": "http", "path": path, "root_path": "", "method": "GET", "headers": []}
                for path in paths}
    found: dict[tuple[int, str], object] = {}
    start = threading.Barrier(8)

    def ask(worker: int) -> None:
        start.wait()
        for path in paths[worker:] + paths[:worker]:
            found[worker, path] = first_full_match(router.candidates(path), scope_of[path])

    threads = [threading.Thread(target=ask, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    made = create_app().router
    made.make_all()
    for (worker, path), route in found.items():
        assert _same(route) == _same(first_full_match(made.routes, scope_of[path])), (worker, path)
    assert len(found) == 8 * len(paths)
