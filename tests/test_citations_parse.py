"""Citation parsing (corpus.citations) on phrasings taken from drafts, real decisions and benchmark tables."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.citations import CitationRef, find_citations, format_citation, law_name_variants

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

Ref = tuple[str | None, bool, int, int, int | None, int | None, str]
XZCF = "中华人民共和国行政处罚法"


def _simple(refs: list[CitationRef]) -> list[Ref]:
    return [
        (r.law_name, r.self_reference, r.article_no, r.article_suffix, r.paragraph, r.item, r.text)
        for r in refs
    ]


CASES: list[tuple[str, list[Ref]]] = [
    (
        "《中华人民共和国行政处罚法》第六十三条第一款第（一）项",
        [(XZCF, False, 63, 0, 1, 1, "《中华人民共和国行政处罚法》第六十三条第一款第（一）项")],
    ),
    ("《行政处罚法》第63条", [("行政处罚法", False, 63, 0, None, None, "《行政处罚法》第63条")]),
    ("依照行政处罚法第五十八条的规定", [("行政处罚法", False, 58, 0, None, None, "行政处罚法第五十八条")]),
    (
        "依据《北京市生活垃圾管理条例》第三十八条第二款",
        [("北京市生活垃圾管理条例", False, 38, 0, 2, None, "《北京市生活垃圾管理条例》第三十八条第二款")],
    ),
    (
        "根据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定",
        [
            (XZCF, False, 44, 0, None, None, "《中华人民共和国行政处罚法》第四十四条"),
            (XZCF, False, 45, 0, None, None, "第四十五条"),
        ],
    ),
    (
        "违反了行政处罚法第四十四条和第四十五条",
        [
            ("行政处罚法", False, 44, 0, None, None, "行政处罚法第四十四条"),
            ("行政处罚法", False, 45, 0, None, None, "第四十五条"),
        ],
    ),
    (
        "《行政处罚法》第三十二条至第三十四条",
        [
            ("行政处罚法", False, 32, 0, None, None, "《行政处罚法》第三十二条"),
            ("行政处罚法", False, 33, 0, None, None, "《行政处罚法》第三十二条至第三十四条"),
            ("行政处罚法", False, 34, 0, None, None, "第三十四条"),
        ],
    ),
    ("第二十条之一", [(None, False, 20, 1, None, None, "第二十条之一")]),
    (
        "根据《中华人民共和国消防法》第六十条第一款第(四)项之规定",
        [("中华人民共和国消防法", False, 60, 0, 1, 4, "《中华人民共和国消防法》第六十条第一款第(四)项")],
    ),
    (
        "大队根据《中华人民共和国消防法》第六十条第一款第三项之规定",
        [("中华人民共和国消防法", False, 60, 0, 1, 3, "《中华人民共和国消防法》第六十条第一款第三项")],
    ),
    (
        "依据《北京市市容环境卫生条例》第三十五条第三款、第五款",
        [
            ("北京市市容环境卫生条例", False, 35, 0, 3, None, "《北京市市容环境卫生条例》第三十五条第三款"),
            ("北京市市容环境卫生条例", False, 35, 0, 5, None, "第五款"),
        ],
    ),
    (
        "《北京市生活垃圾管理条例》第六十八条第一款规定：“生活垃圾分类管理责任人违反本条例第三十五条第一款"
        "第（一）项、第（二）项规定的，由城市管理综合执法部门责令立即改正”",
        [
            ("北京市生活垃圾管理条例", False, 68, 0, 1, None, "《北京市生活垃圾管理条例》第六十八条第一款"),
            (None, True, 35, 0, 1, 1, "本条例第三十五条第一款第（一）项"),
            (None, True, 35, 0, 1, 2, "第（二）项"),
        ],
    ),
    ("第五十八条", [(None, False, 58, 0, None, None, "第五十八条")]),
    (
        "《最高人民法院关于适用〈中华人民共和国行政诉讼法〉的解释》第六十八条",
        [
            (
                "最高人民法院关于适用〈中华人民共和国行政诉讼法〉的解释",
                False,
                68,
                0,
                None,
                None,
                "《最高人民法院关于适用〈中华人民共和国行政诉讼法〉的解释》第六十八条",
            )
        ],
    ),
    (
        "《最高人民法院关于适用《中华人民共和国行政诉讼法》的解释》第一条",
        [
            (
                "最高人民法院关于适用《中华人民共和国行政诉讼法》的解释",
                False,
                1,
                0,
                None,
                None,
                "《最高人民法院关于适用《中华人民共和国行政诉讼法》的解释》第一条",
            )
        ],
    ),
    (
        "basis: 《中华人民共和国行政复议法》（2023年修订）第二十条、第二十四条第一款第（一）项",
        [
            (
                "中华人民共和国行政复议法",
                False,
                20,
                0,
                None,
                None,
                "《中华人民共和国行政复议法》（2023年修订）第二十条",
            ),
            ("中华人民共和国行政复议法", False, 24, 0, 1, 1, "第二十四条第一款第（一）项"),
        ],
    ),
    (
        "违反了《中华人民共和国城乡规划法》第四十条第一款和《北京市城乡规划条例》第二十九条第三款、第三十八条的规定",
        [
            ("中华人民共和国城乡规划法", False, 40, 0, 1, None, "《中华人民共和国城乡规划法》第四十条第一款"),
            ("北京市城乡规划条例", False, 29, 0, 3, None, "《北京市城乡规划条例》第二十九条第三款"),
            ("北京市城乡规划条例", False, 38, 0, None, None, "第三十八条"),
        ],
    ),
    (
        "同时触犯大气污染防治法第八十一条第三款和市容环境卫生条例第三十五条第一款",
        [
            ("大气污染防治法", False, 81, 0, 3, None, "大气污染防治法第八十一条第三款"),
            ("市容环境卫生条例", False, 35, 0, 1, None, "市容环境卫生条例第三十五条第一款"),
        ],
    ),
    (
        "复议期限按当时有效的行政复议法（2017年修正）第九条为六十日",
        [("行政复议法", False, 9, 0, None, None, "行政复议法（2017年修正）第九条")],
    ),
    (
        # a law does not carry past other words: 第七十五条 here belongs to another law
        "与城乡规划法第六十四条对应的是第七十五条第一款",
        [
            ("城乡规划法", False, 64, 0, None, None, "城乡规划法第六十四条"),
            (None, False, 75, 0, 1, None, "第七十五条第一款"),
        ],
    ),
    (
        "《行政处罚法》第十条。第十一条；第十二条",
        [
            ("行政处罚法", False, 10, 0, None, None, "《行政处罚法》第十条"),
            (None, False, 11, 0, None, None, "第十一条"),
            (None, False, 12, 0, None, None, "第十二条"),
        ],
    ),
    (
        "（2021年行政处罚法已调整为第七十二条）",
        [(None, False, 72, 0, None, None, "第七十二条")],
    ),
    (
        "依据《湖南省消防救援机构行政处罚案件裁量指导意见》第四章第二十二条的内容",
        [
            (
                "湖南省消防救援机构行政处罚案件裁量指导意见",
                False,
                22,
                0,
                None,
                None,
                "《湖南省消防救援机构行政处罚案件裁量指导意见》第四章第二十二条",
            )
        ],
    ),
    (
        "依据《中华人民共和国噪声污染防治法》第四十三条第一款、第二款的规定",
        [
            (
                "中华人民共和国噪声污染防治法",
                False,
                43,
                0,
                1,
                None,
                "《中华人民共和国噪声污染防治法》第四十三条第一款",
            ),
            ("中华人民共和国噪声污染防治法", False, 43, 0, 2, None, "第二款"),
        ],
    ),
    (
        "涉嫌违反了《中华人民共和国食品安全法》第三十四条第(十)项的规定",
        [
            (
                "中华人民共和国食品安全法",
                False,
                34,
                0,
                None,
                10,
                "《中华人民共和国食品安全法》第三十四条第(十)项",
            )
        ],
    ),
    (
        "并符合《中华人民共和国食品安全法》第136条规定",
        [("中华人民共和国食品安全法", False, 136, 0, None, None, "《中华人民共和国食品安全法》第136条")],
    ),
    (
        "违反本条例第十三条第一款第五项规定的",
        [(None, True, 13, 0, 1, 5, "本条例第十三条第一款第五项")],
    ),
    (
        "除食品安全法第一百二十五条第一款、第一百二十六条规定的情形外",
        [
            ("食品安全法", False, 125, 0, 1, None, "食品安全法第一百二十五条第一款"),
            ("食品安全法", False, 126, 0, None, None, "第一百二十六条"),
        ],
    ),
    (
        "依据该法第一百一十八条第三款",  # 该法 with no law named before: unknown
        [(None, False, 118, 0, 3, None, "该法第一百一十八条第三款")],
    ),
    (
        "违反了《北京市市容环境卫生条例》第三十五条的规定。依据该条例第三十五条第五款",
        [
            ("北京市市容环境卫生条例", False, 35, 0, None, None, "《北京市市容环境卫生条例》第三十五条"),
            ("北京市市容环境卫生条例", False, 35, 0, 5, None, "该条例第三十五条第五款"),
        ],
    ),
    (
        "根据《中华人民共和国行政处罚法》第五十一条第一项的规定，每日按罚款数额的3%加处罚款",
        [(XZCF, False, 51, 0, None, 1, "《中华人民共和国行政处罚法》第五十一条第一项")],
    ),
    (
        "大隊根據《中華人民共和國消防法》第六十條第一款第三項之規定",
        [("中華人民共和國消防法", False, 60, 0, 1, 3, "《中華人民共和國消防法》第六十條第一款第三項")],
    ),
    (
        "违反《北京市控制吸烟条例》第十三条第一款第（五）项、第二款以及第十四条",
        [
            ("北京市控制吸烟条例", False, 13, 0, 1, 5, "《北京市控制吸烟条例》第十三条第一款第（五）项"),
            ("北京市控制吸烟条例", False, 13, 0, 2, None, "第二款"),
            ("北京市控制吸烟条例", False, 14, 0, None, None, "第十四条"),
        ],
    ),
    ("参照表第3-13项第2档（处三万元以上八万元以下罚款）", []),
    ("《责令改正通知书》及送达回证", []),
    (
        "依据《中华人民共和国行政处罚法》第二十八条、第三十二条第一款第(一)项、《中华人民共和国食品安全法》"
        "第一百二十四条",
        [
            (XZCF, False, 28, 0, None, None, "《中华人民共和国行政处罚法》第二十八条"),
            (XZCF, False, 32, 0, 1, 1, "第三十二条第一款第(一)项"),
            (
                "中华人民共和国食品安全法",
                False,
                124,
                0,
                None,
                None,
                "《中华人民共和国食品安全法》第一百二十四条",
            ),
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:24] for c in CASES])
def test_find_citations_table(text: str, expected: list[Ref]) -> None:
    refs = find_citations(text)
    assert _simple(refs) == expected
    for ref in refs:
        assert text[ref.start : ref.end] == ref.text


def test_range_expansion_is_capped() -> None:
    refs = find_citations("《行政处罚法》第一条至第九十九条")
    assert [r.article_no for r in refs] == [1, 99]


def test_paragraph_and_item_ranges_expand() -> None:
    refs = find_citations("《消防法》第六十条第一款第（一）项至第（三）项")
    assert [(r.article_no, r.paragraph, r.item) for r in refs] == [(60, 1, 1), (60, 1, 2), (60, 1, 3)]


def test_range_without_second_di() -> None:
    refs = find_citations("《行政处罚法》第三十二条至三十四条")
    assert [r.article_no for r in refs] == [32, 33, 34]


def test_known_laws_make_bare_names_exact() -> None:
    text = "经营者应当遵守食品安全法第三十四条"
    assert find_citations(text)[0].law_name == "食品安全法"  # 应当/遵守 are stripped by the heuristics
    text = "有关单位对有食品安全法第一百二十三条规定情形的"
    (ref,) = find_citations(text, known_laws=["食品安全法", "安全法", "中华人民共和国食品安全法"])
    assert (ref.law_name, ref.text) == ("食品安全法", "食品安全法第一百二十三条")


def test_self_references() -> None:
    for word in ("本法", "本条例", "本规定", "本办法"):
        (ref,) = find_citations(f"违反{word}第十条规定的")
        assert (ref.law_name, ref.self_reference, ref.text) == (None, True, f"{word}第十条")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("中华人民共和国行政处罚法", ["中华人民共和国行政处罚法", "行政处罚法"]),
        ("行政处罚法", ["行政处罚法", "中华人民共和国行政处罚法"]),
        ("《北京市生活垃圾管理条例》", ["北京市生活垃圾管理条例"]),
    ],
)
def test_law_name_variants(name: str, expected: list[str]) -> None:
    assert law_name_variants(name) == expected


def test_law_name_variants_reach_corpus_spelling_of_nested_titles() -> None:
    variants = law_name_variants("最高人民法院关于适用〈中华人民共和国行政诉讼法〉的解释")
    assert variants[0] == "最高人民法院关于适用〈中华人民共和国行政诉讼法〉的解释"
    # the corpus file is 最高人民法院关于适用《行政诉讼法》的解释_2018-02-06.md
    assert "最高人民法院关于适用《行政诉讼法》的解释" in variants
    assert (
        SHARED / "corpus" / "statutes" / "最高人民法院关于适用《行政诉讼法》的解释_2018-02-06.md"
    ).exists()


def test_format_citation() -> None:
    assert format_citation(XZCF, 63, 0, 1, 1) == "《中华人民共和国行政处罚法》第六十三条第一款第（一）项"
    assert format_citation("行政复议法", 110) == "《行政复议法》第一百一十条"
    assert format_citation(None, 20, 1) == "第二十条之一"
    with pytest.raises(ValueError, match="序号"):
        format_citation(XZCF, 0)
    with pytest.raises(ValueError, match="序号"):
        format_citation(XZCF, 3, paragraph=-1)


LAW_TITLES = [
    XZCF,
    "行政处罚法",
    "北京市户外广告设施、牌匾标识和标语宣传品设置管理条例",
    "最高人民法院关于适用〈中华人民共和国行政诉讼法〉的解释",
    "最高人民法院关于适用《中华人民共和国行政诉讼法》的解释",
    "江门市生态环境局关于生态环境违法行为行政处罚自由裁量权裁量标准规定（试行）",
    None,
]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(LAW_TITLES),
    st.integers(1, 999),
    st.integers(0, 5),
    st.none() | st.integers(1, 12),
    st.none() | st.integers(1, 25),
    st.sampled_from(["", "依据", "违反了", "根据", "。"]),
    st.sampled_from(["", "的规定", "之规定，", "规定："]),
)
def test_format_then_find_round_trips(
    law: str | None,
    article: int,
    suffix: int,
    paragraph: int | None,
    item: int | None,
    before: str,
    after: str,
) -> None:
    cited = format_citation(law, article, suffix, paragraph, item)
    text = before + cited + after
    (ref,) = find_citations(text)
    assert (ref.law_name, ref.article_no, ref.article_suffix, ref.paragraph, ref.item) == (
        law,
        article,
        suffix,
        paragraph,
        item,
    )
    assert ref.text == cited
    assert text[ref.start : ref.end] == cited


_CITATIONISH = st.text(
    alphabet="第条款项之一二三四五十百零0123456789（）()《》〈〉、和及至，。；"
    "本法条例规定该依据违反了中华人民共和国行政处罚 \n",
    max_size=60,
)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=60), _CITATIONISH))
def test_find_citations_never_raises_and_spans_match(text: str) -> None:
    refs = find_citations(text)
    for ref in refs:
        assert text[ref.start : ref.end] == ref.text
        assert ref.article_no >= 0
    starts = [r.start for r in refs]
    assert starts == sorted(starts)


def _real_texts() -> list[tuple[str, str]]:
    files = sorted((SHARED / "cases" / "examples").glob("*.yaml")) + sorted(
        (SHARED / "real-decisions").glob("*.md")
    )
    return [(f.name, f.read_text(encoding="utf-8")) for f in files]


def test_every_bracketed_citation_in_real_documents_is_found() -> None:
    texts = _real_texts()
    assert len(texts) >= 30
    pattern = re.compile(r"(《[^《》\n]+》)(?:（[^（）\n]{1,20}）)?第([一二三四五六七八九十百零0-9]+)条")
    checked = 0
    for name, text in texts:
        found = {(r.start, r.law_name, r.article_no) for r in find_citations(text)}
        for m in pattern.finditer(text):
            digits = m.group(2)
            article = int(digits) if digits.isdigit() else None
            hits = [f for f in found if f[0] == m.start() and f[1] == m.group(1)[1:-1]]
            assert hits, f"{name}: {m.group(0)} not found"
            if article is not None:
                assert hits[0][2] == article
            checked += 1
    assert checked > 80


def test_draft_of_example_01_cites_what_the_answer_key_discusses() -> None:
    text = (SHARED / "cases" / "examples" / "ex01-lajifenlei.yaml").read_text(encoding="utf-8")
    refs = {(r.law_name, r.self_reference, r.article_no, r.paragraph, r.item) for r in find_citations(text)}
    assert ("北京市生活垃圾管理条例", False, 35, 1, 3) in refs
    assert ("北京市生活垃圾管理条例", False, 68, 1, None) in refs
    assert (None, True, 35, 1, 6) in refs  # 本条例第三十五条第一款第（一）项、…、第（六）项
    assert (XZCF, False, 72, 1, 1) in refs
