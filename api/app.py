"""HTTP API (FastAPI): a thin shell over the same core as the CLI, built by a factory that takes settings.

    uvicorn --factory api.app:create_app

Endpoints answer in JSON; errors carry a Chinese `detail` that names the problem.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, File, HTTPException, Query, UploadFile
from fastapi.responses import HTMLResponse, PlainTextResponse
from pydantic import BaseModel, Field

from api.settings import Settings

ALLOWED_SUFFIXES = (".yaml", ".yml", ".txt", ".md", ".docx")


class CiteRequest(BaseModel):
    text: str = Field(description="含法条引用的文字。", max_length=100_000)
    date: dt.date | None = Field(default=None, description="按该日有效的版本核验；默认今天。")
    law: str | None = Field(default=None, description="“本法/本条例”所指的法规。")


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for `settings` (defaults from the environment). The store opens on first use."""
    s = settings or Settings()
    app = FastAPI(
        title="法审助手 fashen", version="0.1.0", description="法条核验、检索与法制审核意见书草稿。"
    )
    state: dict[str, Any] = {}

    def search() -> Any:
        if "search" not in state:
            from retrieval.service import SearchService

            state["search"] = SearchService(s)
        return state["search"]

    def store() -> Any:
        return search().store

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "corpus_version": store().corpus_version}

    @app.get("/article")
    def article(
        law: Annotated[str, Query(description="法规名称")],
        number: Annotated[int, Query(ge=1, description="条号")],
        paragraph: Annotated[int | None, Query(ge=1)] = None,
        item: Annotated[int | None, Query(ge=1)] = None,
        date: dt.date | None = None,
    ) -> dict[str, Any]:
        from api.cli import resolution_json
        from corpus.resolver import cite_article

        r = cite_article(store(), law, number, date or dt.date.today(), paragraph=paragraph, item=item)
        return resolution_json(r)

    @app.post("/cite")
    def cite(req: CiteRequest) -> list[dict[str, Any]]:
        from api.cli import resolution_json
        from corpus.resolver import resolve_text

        on = req.date or dt.date.today()
        return [resolution_json(r) for r in resolve_text(req.text, on, store(), default_law=req.law)]

    @app.get("/search")
    def search_endpoint(
        q: Annotated[str, Query(min_length=1, max_length=2000, description="检索内容")],
        k: Annotated[int, Query(ge=1, le=50)] = 10,
        kind: str | None = None,
        law: str | None = None,
        date: dt.date | None = None,
        mode: str = "bm25",
    ) -> dict[str, Any]:
        from corpus.errors import CorpusError
        from retrieval.service import hit_json

        if mode not in ("bm25", "dense", "hybrid"):
            raise HTTPException(422, f"未知的检索模式“{mode}”：可选 bm25、dense、hybrid。")
        if kind not in (None, "statute", "policy", "discretion"):
            raise HTTPException(422, f"未知的类别“{kind}”：可选 statute、policy、discretion。")
        svc = search()
        if mode != "bm25" and not svc.dense_ready():
            raise HTTPException(409, "向量索引尚未建立：请先执行 `fashen index`，或使用 mode=bm25。")
        try:
            hits = svc.search(q, k=k, kind=kind, law=law, date=date, mode=mode)
        except CorpusError as e:
            raise HTTPException(404, str(e)) from e
        return {"query": q, "mode": mode, "hits": [hit_json(h) for h in hits]}

    @app.post("/review")
    async def review(
        file: Annotated[UploadFile, File(description="案件 YAML 或决定书草稿（.txt/.md/.docx）")],
        format: Annotated[str, Query(description="json | md | html")] = "json",
    ) -> Any:
        from review.engine import run_review
        from review.intake import IntakeError, load_case
        from review.opinion import render_html, render_markdown, review_basis
        from review.report import review_json

        name = file.filename or "upload.txt"
        suffix = Path(name).suffix.lower()
        if suffix not in ALLOWED_SUFFIXES:
            raise HTTPException(
                415, f"不支持的文件类型“{suffix or '无扩展名'}”：请上传 .yaml、.txt、.md 或 .docx。"
            )
        if format not in ("json", "md", "html"):
            raise HTTPException(422, f"不支持的输出格式“{format}”：可选 json、md、html。")
        data = await file.read(s.max_upload_bytes + 1)
        if len(data) > s.max_upload_bytes:
            raise HTTPException(
                413, f"文件过大（超过 {s.max_upload_bytes // (1024 * 1024)} MB）：请拆分或精简后再上传。"
            )
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{Path(name).stem or 'upload'}{suffix}"
            path.write_bytes(data)
            try:
                case = load_case(path)
            except IntakeError as e:
                raise HTTPException(422, str(e)) from e
        result = run_review(case, store())
        if format == "json":
            return review_json(result)
        basis = review_basis(case.jurisdiction, store().policies())
        if format == "md":
            return PlainTextResponse(
                render_markdown(case, result, basis), media_type="text/markdown; charset=utf-8"
            )
        return HTMLResponse(render_html(case, result, basis))

    return app
