"""Shared pytest fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The read-only legal corpus: $FASHEN_CORPUS_DIR, else ../shared/corpus beside the project root."""
    configured = os.environ.get("FASHEN_CORPUS_DIR")
    path = (
        Path(configured) if configured else Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
    )
    if not (path / "statutes").is_dir():  # a misconfigured corpus must fail the run, not skip it quietly
        pytest.fail(f"语料目录不存在或缺少 statutes/：{path}（可用环境变量 FASHEN_CORPUS_DIR 指定）")
    return path
