"""The pytest plugin, exercised the way users meet it: in a separate pytest session (pytester)."""

from __future__ import annotations

from pathlib import Path

import aiohttp  # noqa: F401  (imported here once: pytester drops modules first imported by an inner run)
import httpx  # noqa: F401
import pytest

import emulator.testing.emulator  # noqa: F401

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """A pytest session in this process. Hypothesis's plugin is left out: pytest would
    rewrite and compile the whole hypothesis package again in every inner session (~1 s)."""
    return pytester.runpytest_inprocess("-p", "no:hypothesispytest", *args)


def test_the_plugin_loads_from_its_entry_point(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--fixtures")
    result.stdout.fnmatch_lines(["*gizwits -- *", "*gizwits_server -- *", "*heatzy_account -- *",
                                 "*gizwits_clock -- *"])
    assert "gizwits(fixture='demo'" in "\n".join(run(pytester, "--markers").outlines)


def test_each_test_starts_from_a_fresh_emulator(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        def pilote(gizwits):
            return next(d["did"] for d in gizwits.devices() if d["product_name"] == "Pilote2" and d["bound_to"])

        def test_changes_things(gizwits, gizwits_clock):
            gizwits.device(pilote(gizwits)).press("eco")
            gizwits.faults.add(path="/status", status=500)
            gizwits_clock.freeze(0)
            gizwits.account("Bloom")

        def test_sees_none_of_it(gizwits):
            assert gizwits.device(pilote(gizwits)).attrs["mode"] == "cft"
            assert len(gizwits.faults) == 0
            assert gizwits.clock.describe()["mode"] == "real"
            assert len(gizwits.devices()) == 10
            assert gizwits.journal() == []
    """)
    run(pytester).assert_outcomes(passed=2)


def test_the_marker_chooses_fixture_and_seed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest

        @pytest.mark.gizwits(fixture="empty")
        def test_empty(gizwits):
            assert gizwits.devices() == [] and gizwits.users() == []

        def dids(gizwits):
            return sorted(d["did"] for d in gizwits.devices())

        @pytest.mark.gizwits(seed=2)
        def test_seed_two(gizwits, request):
            request.config.cache.set("seed2", dids(gizwits))

        def test_seed_one(gizwits, request):
            assert dids(gizwits) != request.config.cache.get("seed2", None)
            assert len(dids(gizwits)) == 10

        @pytest.mark.gizwits("empty", seed=2)
        def test_positional_fixture(gizwits):
            assert gizwits.devices() == []
    """)
    run(pytester, ).assert_outcomes(passed=4)


def test_strict_mode_fails_the_test_and_says_what_was_hit(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import asyncio
        import pytest

        async def call(gizwits, method, path):
            async with gizwits.client() as client:
                return (await client.request(method, path)).status_code

        @pytest.mark.gizwits(strict=True)
        def test_hits_a_missing_route(gizwits):
            assert asyncio.run(call(gizwits, "GET", "/app/not-emulated?x=1")) == 404
            assert asyncio.run(call(gizwits, "DELETE", "/status")) == 405

        @pytest.mark.gizwits(strict=True)
        def test_only_known_routes(gizwits):
            assert asyncio.run(call(gizwits, "GET", "/app/devdata/unknown/latest")) == 404  # 9014: emulated

        def test_not_strict(gizwits):
            assert asyncio.run(call(gizwits, "GET", "/app/not-emulated")) == 404
    """)
    result = run(pytester, )
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines([
        "*the client made 2 request(s) the emulator does not emulate*",
        "*GET /app/not-emulated?x=1 -> 404*",
        "*DELETE /status -> 405*",
    ])


def test_strict_mode_from_the_ini_file(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ngizwits_strict = true\ngizwits_fixture = empty\n")
    pytester.makepyfile("""
        import asyncio

        def test_missing(gizwits):
            assert gizwits.devices() == []
            async def call():
                async with gizwits.client() as client:
                    await client.get("/nowhere")
            asyncio.run(call())
    """)
    result = run(pytester, )
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*GET /nowhere -> 404*"])


def test_a_bad_marker_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest

        @pytest.mark.gizwits(fixtures="demo")
        def test_typo(gizwits):
            pass
    """)
    result = run(pytester, )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*takes fixture, seed and strict*"])


def test_live_server_fixture_redirects_the_gizwits_hosts(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import httpx

        def test_live(gizwits_server, heatzy_account, gizwits_clock):
            account = heatzy_account("Pilote2")
            gizwits_clock.freeze("2025-01-06T07:00:00Z")
            assert gizwits_server.clock.describe()["mode"] == "frozen"
            response = httpx.post("https://euapi.gizwits.com/app/login",
                                  headers={"X-Gizwits-Application-Id": account.appid},
                                  json={"username": account.email, "password": account.password})
            assert response.status_code == 200
            assert response.json()["expire_at"] == 1736146800 + 7 * 86400
            assert gizwits_server.count(path="/app/login") == 1

        def test_next_test_is_reset(gizwits_server):
            assert gizwits_server.count() == 0
            assert len(gizwits_server.users()) == 2
    """)
    run(pytester, ).assert_outcomes(passed=2)


def test_the_documented_example_test_file_passes(pytester: pytest.Pytester) -> None:
    """The README's complete example ("Using it in your tests"), run as a user would run it."""
    document = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    example = document.split("## Using it in your tests", 1)[1].split("```python\n", 1)[1].split("\n```", 1)[0]
    pytester.makepyfile(test_my_heatzy_client=example)
    run(pytester).assert_outcomes(passed=example.count("\ndef test_"))
