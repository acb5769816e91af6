"""Statute loader: the real corpus files, and strict errors on small malformed files."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from datetime import date
from pathlib import Path

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.errors import CorpusLoadError
from corpus.models import LawVersion, Level
from corpus.statutes import (
    law_aliases,
    law_key_of,
    link_versions,
    load_statutes,
    parse_statute_file,
    revised_text_effective,
)


@pytest.fixture(scope="module")
def statutes(corpus_dir: Path) -> list[LawVersion]:
    return load_statutes(corpus_dir / "statutes")


def _law(statutes: list[LawVersion], key: str) -> list[LawVersion]:
    return [v for v in statutes if v.law_key == key]


# ------------------------------------------------------------------------------------------ real corpus


def test_every_statute_file_loads(statutes: list[LawVersion], corpus_dir: Path) -> None:
    files = sorted(p.name for p in (corpus_dir / "statutes").glob("*.md"))
    assert len(files) >= 58
    assert sorted(v.source_file for v in statutes) == files
    assert statutes == sorted(statutes, key=lambda v: (v.law_key, v.effective))


def test_xingzheng_chufa_fa_article_63(statutes: list[LawVersion]) -> None:
    [law] = _law(statutes, "行政处罚法")
    assert law.title == "中华人民共和国行政处罚法"
    assert law.level is Level.LAW
    assert law.effective == date(2021, 7, 15) and law.expired is None
    assert len(law.articles) == 86
    assert [a.no for a in law.articles] == list(range(1, 87))
    a63 = law.articles[62]
    assert a63.label == "第六十三条" and a63.no == 63 and a63.suffix == 0
    assert a63.headings == ("第五章 行政处罚的决定", "第四节 听证程序")
    p1, p2 = a63.paragraphs
    assert p1.text.startswith("行政机关拟作出下列行政处罚决定，应当告知当事人有要求听证的权利")
    assert [i.no for i in p1.items] == [1, 2, 3, 4, 5, 6]
    assert p1.items[0].text == "（一）较大数额罚款；"
    assert p2.no == 2 and p2.text == "当事人不承担行政机关组织听证的费用。" and p2.items == ()
    assert a63.text.startswith("第六十三条 行政机关拟作出下列行政处罚决定")
    assert a63.text.endswith("（六）法律、法规、规章规定的其他情形。\n当事人不承担行政机关组织听证的费用。")


def test_article_text_is_verbatim_and_paragraphs_partition_it(
    statutes: list[LawVersion], corpus_dir: Path
) -> None:
    for law in statutes:
        lines = (corpus_dir / "statutes" / law.source_file).read_text(encoding="utf-8").split("\n")
        for a in law.articles:
            first = a.text.split("\n", 1)[0]
            assert lines[a.line - 1].rstrip() == first, (law.source_file, a.label)
            assert a.text == a.label + " " + "\n".join(p.text for p in a.paragraphs), (
                law.source_file,
                a.label,
            )
            assert [p.no for p in a.paragraphs] == list(range(1, len(a.paragraphs) + 1))
            for p in a.paragraphs:
                assert all(i.text in p.text.split("\n") for i in p.items)


def test_xingzheng_fuyi_fa_has_two_linked_versions(statutes: list[LawVersion]) -> None:
    old, new = _law(statutes, "行政复议法")
    assert (old.effective, old.expired) == (date(2018, 1, 1), date(2023, 12, 31))
    assert (new.effective, new.expired) == (date(2024, 1, 1), None)
    assert len(old.articles) == 43 and len(new.articles) == 90
    assert old.in_force_on(date(2023, 12, 31)) and not old.in_force_on(date(2024, 1, 1))
    assert new.in_force_on(date(2024, 1, 1)) and not new.in_force_on(date(2023, 12, 31))
    assert old.version_id == "行政复议法@2018-01-01"


def test_zhian_guanli_chufa_fa_expires_before_revised_text(statutes: list[LawVersion]) -> None:
    [law] = _law(statutes, "治安管理处罚法")
    assert law.expired == date(2025, 12, 31)
    assert len(law.articles) == 119


@pytest.mark.parametrize(
    ("key", "level"),
    [
        ("行政处罚法", Level.LAW),
        ("城市道路管理条例", Level.ADMIN_REGULATION),
        ("北京市生活垃圾管理条例", Level.LOCAL_REGULATION),
        ("市场监督管理行政处罚信息公示规定", Level.RULE),
        ("最高人民法院关于适用《中华人民共和国行政诉讼法》的解释", Level.JUDICIAL_INTERPRETATION),
    ],
)
def test_level_follows_doc_type(statutes: list[LawVersion], key: str, level: Level) -> None:
    assert {v.level for v in _law(statutes, key)} == {level}


def test_judicial_interpretation_headings_without_chapters(statutes: list[LawVersion]) -> None:
    [law] = _law(statutes, "最高人民法院关于适用《中华人民共和国行政诉讼法》的解释")
    assert law.articles[0].headings == ("一、受案范围",)
    assert law.articles[-1].headings == ("十三、附则",)


def test_aliases_never_name_two_laws(statutes: list[LawVersion]) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for v in statutes:
        for alias in v.aliases:
            owners[alias].add(v.law_key)
    assert {a: keys for a, keys in owners.items() if len(keys) > 1} == {}


@pytest.mark.parametrize(
    ("alias", "key"),
    [
        ("中华人民共和国行政处罚法", "行政处罚法"),
        ("行政处罚法", "行政处罚法"),
        ("处罚法", "行政处罚法"),
        ("复议法", "行政复议法"),
        ("治安处罚法", "治安管理处罚法"),
        ("固废法", "固体废物污染环境防治法"),
        ("行诉解释", "最高人民法院关于适用《中华人民共和国行政诉讼法》的解释"),
        (
            "最高人民法院关于适用《行政诉讼法》的解释",
            "最高人民法院关于适用《中华人民共和国行政诉讼法》的解释",
        ),
        ("政府信息公开条例", "政府信息公开条例"),
    ],
)
def test_alias_resolves_to_law(statutes: list[LawVersion], alias: str, key: str) -> None:
    assert {v.law_key for v in statutes if alias in v.aliases} == {key}


@pytest.mark.parametrize("ambiguous", ["诉讼法", "条例", "消防条例"])
def test_ambiguous_short_names_are_not_aliases(statutes: list[LawVersion], ambiguous: str) -> None:
    assert all(ambiguous not in v.aliases for v in statutes)


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("中华人民共和国行政复议法（2017年修正）", "行政复议法"),
        ("中华人民共和国行政处罚法", "行政处罚法"),
        (
            "最高人民法院关于适用《中华人民共和国行政诉讼法》的解释",
            "最高人民法院关于适用《中华人民共和国行政诉讼法》的解释",
        ),
        ("北京市消防条例", "北京市消防条例"),
        ("重大行政决策程序暂行条例", "重大行政决策程序暂行条例"),
    ],
)
def test_law_key_of(title: str, key: str) -> None:
    assert law_key_of(title) == key


def test_aliases_of_a_revised_title() -> None:
    assert law_aliases("中华人民共和国行政复议法（2017年修正）") == (
        "中华人民共和国行政复议法（2017年修正）",
        "中华人民共和国行政复议法",
        "行政复议法",
        "复议法",
    )


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (
            "已被修订：2025年6月27日修订（144条），自2026年1月1日起施行；本文件为2012年修正文本",
            date(2026, 1, 1),
        ),
        ("已被修订（2023年9月1日修订，自2024年1月1日起施行新法）", date(2024, 1, 1)),
        ("现行有效", None),
        ("现行有效（自2021年7月15日起施行）", None),  # a date without 已被修订 is not a successor
        ("有效（注意：制定于2023年《行政复议法》修订之前）", None),
        ("已被修订（新法施行日期未知）", None),
    ],
)
def test_revised_text_effective(status: str, expected: date | None) -> None:
    assert revised_text_effective(status) == expected


# ------------------------------------------------------------------------------------------ strict errors


def _statute(
    body: str,
    *,
    title: str = "测试条例",
    doc_type: str = "地方性法规",
    effective: str = "'2020-01-01'",
    count: int = 3,
    last: str = "第三条",
    status: str = "现行有效",
    extra: str = "",
) -> str:
    return (
        "---\n"
        f"title: {title}\n"
        f"doc_type: {doc_type}\n"
        "jurisdiction: 北京市\n"
        f"effective_date: {effective}\n"
        f"status: {status}\n"
        f"article_count: {count}\n"
        f"last_article: {last}\n"
        f"{extra}"
        "---\n"
        f"# {title}\n"
        "\n"
        f"{body}"
    )


# Line 12 is the chapter heading, 14 第一条, 16 第二条 (items on 17-18, a second paragraph on 19), 21 第三条.
GOOD_BODY = (
    "## 第一章 总则\n\n第一条 甲。\n\n第二条 乙：\n（一）丙；\n（二）丁。\n戊。\n\n"
    "第三条 本条例自公布之日起施行。\n"
)


def _write(tmp_path: Path, text: str, name: str = "测试条例.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_file_parses(tmp_path: Path) -> None:
    law = parse_statute_file(_write(tmp_path, _statute(GOOD_BODY)))
    assert [a.label for a in law.articles] == ["第一条", "第二条", "第三条"]
    a2 = law.articles[1]
    assert a2.line == 16 and a2.headings == ("第一章 总则",)
    assert [(p.no, [i.no for i in p.items]) for p in a2.paragraphs] == [(1, [1, 2]), (2, [])]
    assert a2.paragraphs[0].text == "乙：\n（一）丙；\n（二）丁。"


# (what is wrong, file text, 1-based line the error must name, word the message must contain)
MALFORMED = [
    ("duplicate article", _statute(GOOD_BODY.replace("第三条 本条例", "第二条 本条例")), 21, "重复"),
    ("bad article number", _statute(GOOD_BODY.replace("第二条 乙", "第十十条 乙")), 16, "十十"),
    ("article out of order", _statute(GOOD_BODY.replace("第二条 乙", "第四条 乙")), 16, "顺序"),
    ("count mismatch", _statute(GOOD_BODY, count=4), 7, "article_count"),
    ("last article mismatch", _statute(GOOD_BODY, last="第四条"), 8, "last_article"),
    ("unknown doc_type", _statute(GOOD_BODY, doc_type="通知"), 3, "doc_type"),
    ("bad date", _statute(GOOD_BODY, effective="'2021-13-45'"), 5, "effective_date"),
    ("header is a list", "---\n- title\n- doc_type\n---\n" + GOOD_BODY, 2, "映射"),
    ("yaml syntax", "---\ntitle: 测试条例\ndoc_type: [法律\n---\n" + GOOD_BODY, 3, "YAML"),
    ("no front matter", GOOD_BODY, 1, "---"),
    ("missing title", _statute(GOOD_BODY).replace("title: 测试条例\n", ""), 1, "title"),
    (
        "stray text after heading",
        _statute(GOOD_BODY.replace("第三条 本条例", "## 第二章 附则\n说明。\n第三条 本条例")),
        22,
        "不属于",
    ),
    ("empty article", _statute(GOOD_BODY.replace("第一条 甲。", "第一条")), 14, "没有条文内容"),
    (
        "expiry contradicts status",
        _statute(GOOD_BODY, status="已被修订：自2024年1月1日起施行新法", extra="expiry_date: '2022-12-31'\n"),
        9,
        "expiry_date",
    ),
]


@pytest.mark.parametrize(("problem", "text", "line", "word"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_file_names_file_and_line(
    tmp_path: Path, problem: str, text: str, line: int, word: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(CorpusLoadError) as info:
        parse_statute_file(path)
    err = info.value
    assert (err.file, err.line) == (str(path), line), err.problem
    assert word in err.problem
    assert str(path) in str(err) and f"第{line}行" in str(err)


def test_load_fails_as_a_whole_on_one_bad_file(tmp_path: Path) -> None:
    _write(tmp_path, _statute(GOOD_BODY), "a_good.md")
    bad = _write(tmp_path, _statute(GOOD_BODY, count=5), "b_bad.md")
    with pytest.raises(CorpusLoadError) as info:
        load_statutes(tmp_path)
    assert info.value.file == str(bad)


def test_empty_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusLoadError):
        load_statutes(tmp_path)


# ------------------------------------------------------------------------------------------ version linking


def test_versions_expire_the_day_before_their_successor(tmp_path: Path) -> None:
    for year in (2010, 2015, 2020):
        _write(tmp_path, _statute(GOOD_BODY, effective=f"'{year}-03-01'"), f"v{year}.md")
    versions = load_statutes(tmp_path)
    assert [(v.effective, v.expired) for v in versions] == [
        (date(2010, 3, 1), date(2015, 2, 28)),
        (date(2015, 3, 1), date(2020, 2, 29)),
        (date(2020, 3, 1), None),
    ]
    assert link_versions(versions) == versions  # idempotent: the store relinks versions it kept


def test_successor_contradicting_status_is_an_error(tmp_path: Path) -> None:
    _write(
        tmp_path,
        _statute(GOOD_BODY, effective="'2010-01-01'", status="已被修订：自2016年1月1日起施行"),
        "a.md",
    )
    _write(tmp_path, _statute(GOOD_BODY, effective="'2015-01-01'"), "b.md")
    with pytest.raises(CorpusLoadError, match="status"):
        load_statutes(tmp_path)


def test_two_files_for_one_version_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path, _statute(GOOD_BODY), "a.md")
    _write(tmp_path, _statute(GOOD_BODY), "b.md")
    with pytest.raises(CorpusLoadError, match="同一施行日"):
        load_statutes(tmp_path)


def test_alias_shared_by_two_laws_is_an_error(tmp_path: Path) -> None:
    a = parse_statute_file(_write(tmp_path, _statute(GOOD_BODY, title="甲条例"), "a.md"))
    b = parse_statute_file(_write(tmp_path, _statute(GOOD_BODY, title="乙条例"), "b.md"))
    with pytest.raises(CorpusLoadError, match="别名"):
        link_versions([a, b.model_copy(update={"aliases": (*b.aliases, "甲条例")})])


# ------------------------------------------------------------------------------------------ property


_article_shapes = st.lists(
    st.lists(st.integers(min_value=0, max_value=4), min_size=1, max_size=3),  # items per paragraph
    min_size=1,
    max_size=25,
)


@settings(max_examples=40, deadline=None)
@given(shapes=_article_shapes, chapter_every=st.integers(min_value=0, max_value=6))
def test_rendered_structure_round_trips(shapes: list[list[int]], chapter_every: int) -> None:
    body: list[str] = ["1999年1月1日 通过", ""]
    for no, paragraphs in enumerate(shapes, start=1):
        if chapter_every and (no - 1) % chapter_every == 0:
            body += [f"## 第{cn2an.an2cn(no)}章　测试", ""]
        for p, items in enumerate(paragraphs):
            lead = f"第{cn2an.an2cn(no)}条 " if p == 0 else ""
            body += [f"{lead}第{no}条第{p + 1}款：", ""]
            body += [f"（{cn2an.an2cn(i)}）项{i}；" for i in range(1, items + 1)]
    last = f"第{cn2an.an2cn(len(shapes))}条"
    text = _statute("\n".join(body) + "\n", count=len(shapes), last=last)
    with tempfile.TemporaryDirectory() as tmp:
        law = parse_statute_file(_write(Path(tmp), text))
    assert [a.no for a in law.articles] == list(range(1, len(shapes) + 1))
    for a, paragraphs in zip(law.articles, shapes, strict=True):
        assert [len(p.items) for p in a.paragraphs] == paragraphs
        assert all(p.text.startswith(f"第{a.no}条第{p.no}款") for p in a.paragraphs)
        if chapter_every:
            chapter_start = (a.no - 1) // chapter_every * chapter_every + 1
            assert a.headings == (f"第{cn2an.an2cn(chapter_start)}章　测试",)
        else:
            assert a.headings == ()
