from __future__ import annotations

import annotations as core


def test_all_names_exist_and_are_documented():
    for name in core.__all__:
        member = getattr(core, name)
        if callable(member) and not isinstance(member, float):
            assert member.__doc__, name


def test_all_is_sorted_and_unique():
    assert list(core.__all__) == sorted(set(core.__all__), key=lambda n: (not n.isupper(), n))


def test_all_matches_the_lazy_names():
    assert set(core.__all__) == set(core._MODULE_OF)
