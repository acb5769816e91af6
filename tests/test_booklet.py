"""The trainer's booklet read back: layout, the page break before each answer key, verbatim provisions."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from random import Random
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

from corpus.resolver import cite_article
from corpus.store import LawStore
from evals.booklet import (
    ANSWER_HEADING,
    UNVERIFIED,
    build_booklet,
    quote_basis,
    record_summary,
    thinking_questions,
)
from evals.casegen import generate, read_case
from review.models import Criterion

EXAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "cases" / "examples"


@pytest.fixture(scope="session")
def cases(law_store: LawStore) -> list[dict[str, Any]]:
    ex01 = read_case(EXAMPLES / "ex01-lajifenlei.yaml")
    ex04 = read_case(EXAMPLES / "ex04-jiangmen-yangchen.yaml")
    return [
        generate(ex01, ["procedure.over_90_days"], Random(1), store=law_store),
        generate(ex04, ["discretion.outside_benchmark_tier"], Random(1), store=law_store),
        ex01,  # a clean case: its key says 同意 with no notes
    ]


@pytest.fixture(scope="session")
def booklet(
    cases: list[dict[str, Any]], law_store: LawStore, tmp_path_factory: pytest.TempPathFactory
) -> Any:
    out = build_booklet(cases, law_store, tmp_path_factory.mktemp("booklet") / "b.docx")
    return docx.Document(str(out))


def _page_break_before(paragraph: Any) -> bool:
    previous = paragraph._p.getprevious()
    return previous is not None and any(br.get(qn("w:type")) == "page" for br in previous.iter(qn("w:br")))


def test_each_answer_key_starts_on_a_new_page(booklet: Any, cases: list[dict[str, Any]]) -> None:
    answers = [p for p in booklet.paragraphs if p.text.startswith(ANSWER_HEADING)]
    assert [p.text for p in answers] == [f"{ANSWER_HEADING}（案例{n}）" for n in ("一", "二", "三")]
    assert all(_page_break_before(p) for p in answers)
    titles = [p for p in booklet.paragraphs if p.text.startswith("案例")]
    assert len(titles) == len(cases) and all(_page_break_before(p) for p in titles)


def test_draft_is_verbatim_and_questions_precede_the_key(booklet: Any, cases: list[dict[str, Any]]) -> None:
    texts = [p.text for p in booklet.paragraphs]
    draft_lines = cases[0]["draft"].rstrip("\n").split("\n")
    start = texts.index(draft_lines[0])
    assert texts[start : start + len(draft_lines)] == draft_lines
    first_answer = texts.index(f"{ANSWER_HEADING}（案例一）")
    assert texts.index("三、思考题") < first_answer
    assert any(t.startswith("一、执法主体与职权") for t in texts[:first_answer])


def test_answer_key_quotes_provisions_from_the_store(
    booklet: Any, cases: list[dict[str, Any]], law_store: LawStore
) -> None:
    body = "\n".join(p.text for p in booklet.paragraphs)
    for case in cases[:2]:
        note = case["expected"]["notes"][0]
        assert note["issue"] in body and f"依据：{note['basis']}" in body
    art60 = cite_article(law_store, "中华人民共和国行政处罚法", 60, dt.date(2025, 9, 1))
    assert art60.text and art60.text.replace("\n", " ") in body
    assert "审核结论：不同意" in body and "审核结论：同意" in body
    assert "六项审核内容均未发现问题" in body
    grid = booklet.tables[0]
    assert [r.cells[0].text for r in grid.rows][1:] == [c.title for c in Criterion]
    assert [r.cells[1].text for r in grid.rows][1:].count("有问题") == 1


def test_benchmark_item_is_quoted_from_the_discretion_table(booklet: Any) -> None:
    body = "\n".join(p.text for p in booklet.paragraphs)
    assert "第3-21项（裁量基准）：" in body


def test_unverified_provisions_are_marked(law_store: LawStore) -> None:
    quoted = quote_basis(
        "《某某市并不存在条例》第三条；《中华人民共和国行政处罚法》第四十二条第一款",
        dt.date(2025, 1, 1),
        law_store,
    )
    assert quoted[0].remark == UNVERIFIED and quoted[0].text is None
    assert quoted[1].text and "不得少于两人" in quoted[1].text


def test_unverified_marker_reaches_the_docx(
    cases: list[dict[str, Any]], law_store: LawStore, tmp_path: Path
) -> None:
    case = copy.deepcopy(cases[0])
    case["expected"]["notes"][0]["basis"] = "《某某市并不存在条例》第三条"
    document = docx.Document(str(build_booklet([case], law_store, tmp_path / "u.docx")))
    assert any(p.text == "《某某市并不存在条例》第三条" + UNVERIFIED for p in document.paragraphs)


def test_layout_is_a4_with_fangsong_body_and_heiti_headings(booklet: Any) -> None:
    section = booklet.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)

    def east_asian(paragraph: Any) -> set[str]:
        return {r._element.rPr.rFonts.get(qn("w:eastAsia")) for r in paragraph.runs}

    heading = next(p for p in booklet.paragraphs if p.text == "三、思考题")
    body = next(p for p in booklet.paragraphs if p.text.startswith("1. "))
    assert east_asian(heading) == {"黑体"} and east_asian(body) == {"仿宋"}


def test_record_summary_and_questions(cases: list[dict[str, Any]]) -> None:
    summary = dict(record_summary(cases[0]))
    assert summary["立案日期"] == "2025年6月11日"
    assert "张宏伟" in summary["执法人员"] and "陈述" in summary["事先告知"]
    assert summary["办案期限延长"] == "未延长"
    headings = [h for h, _ in thinking_questions()]
    assert len(headings) == 6 and headings[0].startswith(Criterion.AUTHORITY.title)


def test_empty_booklet_is_refused(law_store: LawStore, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="没有可编入"):
        build_booklet([], law_store, tmp_path / "x.docx")
