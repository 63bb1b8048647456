from __future__ import annotations

import pytest

from microgigs.testing.contract import CHECKS


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_contract(check, make_storage):
    check(make_storage)
