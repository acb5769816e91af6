"""Shared pytest fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from corpus.store import LawStore


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


@pytest.fixture(scope="session")
def law_store_path(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full store, built once per test session into a temporary folder (opened read-only by tests)."""
    from corpus.store import build_store

    db = tmp_path_factory.mktemp("store") / "store.sqlite"
    build_store(corpus_dir, db)
    return db


@pytest.fixture(scope="session")
def law_store(law_store_path: Path) -> LawStore:
    return LawStore(law_store_path)
