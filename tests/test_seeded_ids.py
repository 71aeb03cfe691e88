"""Seeded identifiers: the light generator gives exactly what one seeded ``Faker`` gives."""

from __future__ import annotations

from faker import Faker

from emulator.core.ids import IdFactory, SeededFaker


def test_the_light_generator_matches_a_seeded_faker_call_for_call() -> None:
    light, full = SeededFaker(5), Faker()
    full.seed_instance(5)
    calls = [lambda f: f.hexify("^" * 12), lambda f: f.name(), lambda f: f.random.choice("abc"),
             lambda f: f.email(), lambda f: f.random_element(("x", "y", "z")), lambda f: f.hexify("^" * 32)]
    assert [call(light) for call in calls] == [call(full) for call in calls]


def test_ids_do_not_change_with_the_seed_kept() -> None:
    first, second = IdFactory(1), IdFactory(1)
    assert [first.did(), first.mac(), first.uid()] == [second.did(), second.mac(), second.uid()]
    assert IdFactory(2).did() != IdFactory(1).did()
