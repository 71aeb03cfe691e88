"""The snapshot machinery of the contract suite: normalizing, comparing by shape and strictly, known differences."""

from __future__ import annotations

from emulator.testing.snapshots import KnownDifference, Normalizer, compare, judge, snapshot_of


def test_identifiers_get_stable_references_within_a_test() -> None:
    normalizer = Normalizer()
    body = {"did": "AKcJWxXqnqrlTip2CB6buh", "mac": "a0b1c2d3e4f5", "passcode": "ABCDEFGHIJ",
            "devices": [{"did": "AKcJWxXqnqrlTip2CB6buh"}, {"did": "gizrKSNGrryMk9gAjWKFD3"}],
            "detail_message": "no device with did 'gizrKSNGrryMk9gAjWKFD3'", "success": ["AKcJWxXqnqrlTip2CB6buh"]}
    assert normalizer.normalize(body) == {
        "did": "<did:1>", "mac": "<mac:1>", "passcode": "<passcode:1>",
        "devices": [{"did": "<did:1>"}, {"did": "<did:2>"}],
        "detail_message": "no device with did '<did:2>'", "success": ["<did:1>"],
    }


def test_moments_become_placeholders() -> None:
    body = {"expire_at": 1592901707, "updatedAt": "2020-03-31T04:52:38.434400", "created_at": "2020-03-30T03:10:36",
            "date": "2030-01-01", "time": "05:30", "token": "ad2c5bcab1d04398adf13b5gaf4f25563"}
    assert Normalizer().normalize(body) == {"expire_at": "<timestamp>", "updatedAt": "<datetime>",
                                            "created_at": "<datetime>", "date": "<date>", "time": "05:30",
                                            "token": "<token:1>"}


def test_status_and_media_type_are_kept() -> None:
    snap = snapshot_of(201, "application/json; charset=utf-8", {"id": "5e81ab138fbe27054217f628"}, Normalizer())
    assert snap == {"status": 201, "content_type": "application/json", "body": {"id": "<id:1>"}}


def test_shape_comparison_ignores_values_but_not_keys_or_types() -> None:
    recorded = {"status": 200, "content_type": None, "body": {"devices": [{"a": 1, "b": None}, {"a": 2, "c": "x"}]}}
    same_shape = {"status": 200, "content_type": "application/json",
                  "body": {"devices": [{"a": 9, "b": "y", "c": "z"}]}}
    assert compare(recorded, same_shape, strict=False) == []
    drifted = {"status": 400, "content_type": "application/json", "body": {"devices": [{"a": "1", "d": 0}]}}
    kinds = {(d.path, d.kind) for d in compare(recorded, drifted, strict=False)}
    assert kinds == {("$", "status"), ("$.devices[*].a", "type"), ("$.devices[*].b", "missing"),
                     ("$.devices[*].c", "missing"), ("$.devices[*].d", "extra")}


def test_strict_comparison_compares_values() -> None:
    recorded = {"status": 200, "content_type": "application/json", "body": {"mode": "eco", "list": [1, 2]}}
    actual = {"status": 200, "content_type": "application/json", "body": {"mode": "cft", "list": [1]}}
    kinds = {(d.path, d.kind) for d in compare(recorded, actual, strict=True)}
    assert kinds == {("$.mode", "value"), ("$.list", "length")}


def test_known_differences_are_reported_not_failed() -> None:
    entry = {"source": "cloud", "snapshot": {"status": 200, "content_type": "application/json",
                                             "body": {"attr": {"mode": "eco"}, "did": "<did:1>"}}}
    actual = {"status": 200, "content_type": "application/json", "body": {"attr": {"mode": "cft"}, "did": "<did:2>"}}
    known = [KnownDifference("$.attr.*", "device state differs")]
    verdict = judge("test_devdata[Pilote2]::devdata", entry, actual, known)
    assert verdict.strict and not verdict.ok
    assert [d.path for d in verdict.unexpected] == ["$.did"]
    assert [d.path for d, _ in verdict.known] == ["$.attr.mode"]
    assert "$.did: value differs" in verdict.report()


def test_seeded_entries_compare_by_shape() -> None:
    entry = {"source": "capture heatzypy/device.json", "snapshot": {"status": 200, "content_type": None,
                                                                    "body": {"did": "<did:1>", "role": "special"}}}
    actual = {"status": 200, "content_type": "application/json", "body": {"did": "<did:7>", "role": "normal"}}
    verdict = judge("k", entry, actual, [])
    assert verdict.ok and not verdict.strict


def test_known_difference_paths_take_brackets_literally() -> None:
    known = KnownDifference("$.devices[*].updated_at", "r", snapshot="test_list_bindings[Pilote_Soc]*")
    shape = {"source": "capture", "snapshot": {"status": 200, "content_type": None, "body": {"devices": [{"a": 1}]}}}
    actual = {"status": 200, "content_type": None, "body": {"devices": [{"a": 1, "updated_at": 5}]}}
    assert judge("test_list_bindings[Pilote_Soc]::binding", shape, actual, [known]).ok
    assert not judge("test_list_bindings[Pilote2]::binding", shape, actual, [known]).ok
