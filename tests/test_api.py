"""The HTTP API, built by its factory with settings pointing at a temporary data dir."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings

CASES = Path(__file__).resolve().parents[1].parent / "shared" / "cases" / "examples"


@pytest.fixture(scope="module")
def client(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    data = tmp_path_factory.mktemp("data")
    settings = Settings(corpus_dir=corpus_dir, data_dir=data, max_upload_bytes=200_000)
    return TestClient(create_app(settings))


def test_article_by_date(client: TestClient) -> None:
    r = client.get("/article", params={"law": "行政复议法", "number": 9, "date": "2023-06-01"})
    assert r.status_code == 200
    body = r.json()
    assert body["ok"] and body["unit_id"] == "行政复议法@2018-01-01#a9" and "六十日" in body["text"]


def test_cite_reports_typed_failures(client: TestClient) -> None:
    r = client.post("/cite", json={"text": "《行政处罚法》第九十条、第六十三条", "date": "2025-01-01"})
    assert [c["failure"] for c in r.json()] == ["article_not_found", None]


def test_search_bm25_with_citation_first(client: TestClient) -> None:
    r = client.get("/search", params={"q": "处罚法第三十三条 首违不罚", "k": 3})
    hits = r.json()["hits"]
    assert hits[0]["unit_id"] == "行政处罚法@2021-07-15#a33" and hits[0]["sources"][0] == "citation"


def test_search_rejects_unknown_mode(client: TestClient) -> None:
    assert client.get("/search", params={"q": "x", "mode": "magic"}).status_code == 422


def test_review_upload_returns_the_six_criteria(client: TestClient) -> None:
    case = CASES / "ex07-yejianshigong.yaml"
    r = client.post("/review", files={"file": (case.name, case.read_bytes(), "application/x-yaml")})
    assert r.status_code == 200
    body = r.json()
    assert [c["key"] for c in body["criteria"]] == [
        "authority",
        "facts",
        "law",
        "procedure",
        "discretion",
        "other",
    ]
    assert body["conclusion"] == "不同意"


def test_review_rejects_bad_uploads_in_chinese(client: TestClient) -> None:
    too_big = client.post("/review", files={"file": ("big.txt", b"x" * 200_001, "text/plain")})
    assert too_big.status_code == 413 and "文件过大" in too_big.json()["detail"]
    wrong = client.post("/review", files={"file": ("a.exe", b"MZ", "application/octet-stream")})
    assert wrong.status_code == 415 and "不支持的文件类型" in wrong.json()["detail"]
    broken = client.post(
        "/review", files={"file": ("c.yaml", b"case_id: [unclosed\n", "application/x-yaml")}
    )
    assert broken.status_code == 422 and "YAML" in broken.json()["detail"]
