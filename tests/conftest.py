from __future__ import annotations

import os

import pytest

# the fixed demo key only: tests never see a real key
os.environ.setdefault("WUDU_DEMO", "1")


@pytest.fixture
def landing(tmp_path):
    path = tmp_path / "landing"
    path.mkdir()
    return path
