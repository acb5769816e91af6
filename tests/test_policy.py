"""Policy-like documents: header mapping, sections by the document's own numbering, completeness."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from corpus.errors import CorpusLoadError
from corpus.models import PolicyDocument, PolicySection
from corpus.policy import (
    MAX_SECTION_CHARS,
    content_lines,
    load_policies,
    parse_policy_file,
    policy_files,
    split_sections,
)
from corpus.statutes import read_front_matter

CHAOYANG_PLAN = (
    "朝阳区全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度实施方案-朝政办发〔2019〕8号"
)
GD_FINES = "广东省生态环境违法行为行政处罚罚款金额裁量表_2022"


@pytest.fixture(scope="module")
def docs(corpus_dir: Path) -> dict[str, PolicyDocument]:
    return {d.doc_key: d for d in load_policies(corpus_dir)}


def test_policy_files_skip_readme_and_the_csv_twin(corpus_dir: Path) -> None:
    names = {p.relative_to(corpus_dir).as_posix() for p in policy_files(corpus_dir)}
    assert names == {
        "policy/关于加强行政执法协调监督工作的实施意见(征求意见稿).md",
        "policy/新郑市人民政府办公室关于全面落实行政执法责任制的意见-新政办〔2015〕11号.md",
        f"policy/{CHAOYANG_PLAN}.md",
        "policy/朝阳区关于街乡落实行政执法责任制的工作意见-朝政发〔2020〕5号.md",
        "policy/长寿区关于完善规范街镇综合行政执法工作运行机制的实施意见(试行).md",
        "discretion/广东省生态环境行政处罚自由裁量权规定_2021.md",
        "discretion/江门市生态环境行政处罚自由裁量权裁量标准规定_试行_2020.md",
        f"discretion/{GD_FINES}.md",
        "discretion/广东省生态环境不予行政处罚的轻微违法行为目录_2022.md",
    }


# doc_key prefix → (issuer, doc_no, promulgated, effective, jurisdiction)
HEADERS = [
    (
        "朝阳区全面推行",
        (
            "北京市朝阳区人民政府办公室",
            "朝政办发〔2019〕8号",
            date(2019, 9, 26),
            date(2020, 1, 1),
            "北京市朝阳区",
        ),
    ),
    (
        "关于加强行政执法协调监督",
        ("北京市大兴区（征求意见稿）", None, None, None, "北京市大兴区"),
    ),  # promulgated: 2024
    (
        "新郑市",
        ("新郑市人民政府办公室", "新政办〔2015〕11号", date(2015, 7, 22), date(2015, 7, 22), "河南省新郑市"),
    ),
    ("长寿区", ("重庆市长寿区人民政府办公室", None, date(2021, 12, 31), date(2021, 12, 31), "重庆市长寿区")),
    (
        "广东省生态环境行政处罚自由裁量权规定",
        ("广东省生态环境厅", "粤环发〔2021〕7号", date(2021, 11, 14), date(2022, 1, 1), "广东省"),
    ),
    ("江门市", ("江门市生态环境局", None, None, date(2020, 3, 1), "广东省江门市")),
]


@pytest.mark.parametrize(("prefix", "expected"), HEADERS, ids=[h[0] for h in HEADERS])
def test_both_header_styles_are_mapped(
    docs: dict[str, PolicyDocument], prefix: str, expected: tuple[object, ...]
) -> None:
    [doc] = [d for key, d in docs.items() if key.startswith(prefix)]
    assert (doc.issuer, doc.doc_no, doc.promulgated, doc.effective, doc.jurisdiction) == expected
    assert doc.source_file.endswith(f"{doc.doc_key}.md") and "/" in doc.source_file


def test_attachment_restarts_numbering(docs: dict[str, PolicyDocument]) -> None:
    plan = docs[CHAOYANG_PLAN]
    review_items = [s for s in plan.sections if s.number_path[:1] == ("附件3",) and "第五条" in s.number_path]
    assert [s.number_path for s in review_items] == [
        ("附件3", "第五条"),
        *[("附件3", "第五条", f"（{n}）") for n in "一二三四五六"],
    ]
    assert review_items[0].heading == "第五条 重大行政执法决定法制审核主要内容:"
    assert any("适用法律依据是否正确" in s.text for s in review_items)
    assert any("行政裁量权行使是否适当" in s.text for s in review_items)
    # 第五条 of 附件1 is another article: the attachment keeps them apart
    assert [s.number_path for s in plan.sections].count(("附件1", "第五条")) == 1


def test_nested_numbering_of_the_main_text(docs: dict[str, PolicyDocument]) -> None:
    paths = [s.number_path for s in docs[CHAOYANG_PLAN].sections]
    assert paths[0] == ()  # notice and preamble before 一、
    assert ("三、", "（二）") in paths and ("四、", "（五）") in paths
    fuyi = next(d for k, d in docs.items() if k.startswith("长寿区"))
    assert ("二、", "（三）", "5.") in [s.number_path for s in fuyi.sections]


def test_every_content_line_is_in_exactly_one_section(
    corpus_dir: Path, docs: dict[str, PolicyDocument]
) -> None:
    for path in policy_files(corpus_dir):
        doc = docs[path.stem]
        expected = content_lines(read_front_matter(path).body)
        assert [line for s in doc.sections for line in s.text.split("\n")] == [text for _, text in expected]
        starts = [s.line for s in doc.sections]
        assert starts == sorted(starts) and starts[0] == expected[0][0]


def test_no_section_exceeds_the_limit(docs: dict[str, PolicyDocument]) -> None:
    for doc in docs.values():
        assert all(0 < len(s.text) <= MAX_SECTION_CHARS for s in doc.sections), doc.doc_key
    chunked = [s.number_path for s in docs[GD_FINES].sections if s.number_path[-1:] == ("#2",)]
    assert ("附件1", "第二章", "五、", "#2") in chunked


def test_table_of_contents_opens_no_sections(docs: dict[str, PolicyDocument]) -> None:
    paths = [s.number_path for s in docs[GD_FINES].sections]
    # 第一章/一、 appear in the 目录 and again as headings of the tables: only the latter open sections
    assert paths.count(("附件1", "第一章")) == 1
    assert paths.count(("附件1", "第一章", "一、")) == 1
    # below the attachment, only chapters and chunks of the attachment's own text (目录 included)
    assert all(p[0] == "附件1" and p[1].startswith(("第", "#")) for p in paths if len(p) > 1)


# doc_key prefix → number of non-blank lines dropped as navigation junk (the page chrome of seed pages)
JUNK = [
    ("朝阳区全面推行", 10),  # 首页>>…, eight “N. [字段] ----” lines, the 日期/打印页面/关闭页面 line
    ("新郑市", 7),  # metadata bullets
    ("长寿区", 2),  # × and 您当前的位置: 首页> …
    ("朝阳区关于街乡", 0),
    ("江门市", 1),  # the bare source link
    (GD_FINES, 234),  # <!-- page N --> of the 234-page PDF
]


@pytest.mark.parametrize(("prefix", "count"), JUNK, ids=[j[0] for j in JUNK])
def test_only_navigation_junk_is_dropped(corpus_dir: Path, prefix: str, count: int) -> None:
    [path] = [p for p in policy_files(corpus_dir) if p.stem.startswith(prefix)]
    body = read_front_matter(path).body
    kept = {n for n, _ in content_lines(body)}
    dropped = [text for n, text in body if text.strip() and n not in kept]
    assert len(dropped) == count
    assert not any("。" in text or "，" in text for text in dropped)  # no sentence of the document itself


# ------------------------------------------------------------------------------------------ synthetic


def _lines(*texts: str) -> list[tuple[int, str]]:
    return [(i, t) for i, t in enumerate(texts, start=1)]


def _paths(sections: list[PolicySection]) -> list[tuple[str, ...]]:
    return [s.number_path for s in sections]


SPLITS = [
    (
        "styles nest in order of appearance",
        _lines("标题", "一、总则", "（一）甲", "1. 子项", "（1）细目", "2、子项", "（二）乙", "二、分则"),
        [
            (),
            ("一、",),
            ("一、", "（一）"),
            ("一、", "（一）", "1."),
            ("一、", "（一）", "1.", "（1）"),
            ("一、", "（一）", "2、"),
            ("一、", "（二）"),
            ("二、",),
        ],
    ),
    (
        "inverted styles nest too",
        _lines("1. 第一项", "（一）其中", "（二）其二", "2. 第二项"),
        [("1.",), ("1.", "（一）"), ("1.", "（二）"), ("2.",)],
    ),
    (
        "attachments reset everything",
        _lines(
            "一、正文", "（一）甲", "附件1", "某某办法", "第一条 适用", "（一）项", "附件 2", "第一条 另一"
        ),
        [
            ("一、",),
            ("一、", "（一）"),
            ("附件1",),
            ("附件1", "第一条"),
            ("附件1", "第一条", "（一）"),
            ("附件2",),
            ("附件2", "第一条"),
        ],
    ),
    (
        "chapters are fixed outer levels",
        _lines("第一章 总则", "第一条 甲", "第二章 分则", "第一节 通则", "第二条 乙", "第三章 附则"),
        [
            ("第一章",),
            ("第一章", "第一条"),
            ("第二章",),
            ("第二章", "第一节"),
            ("第二章", "第一节", "第二条"),
            ("第三章",),
        ],
    ),
    (
        "numbers in running text do not start sections",
        _lines("一、说明", "2019年起施行。", "1.5万元以下罚款。", "附件：办法一", "１．全角编号"),
        [("一、",), ("一、", "１．")],
    ),
]


@pytest.mark.parametrize(("name", "lines", "paths"), SPLITS, ids=[s[0] for s in SPLITS])
def test_split_sections(name: str, lines: list[tuple[int, str]], paths: list[tuple[str, ...]]) -> None:
    sections = split_sections(lines)
    assert _paths(sections) == paths
    assert [line for s in sections for line in s.text.split("\n")] == [t for _, t in lines]


def test_long_section_is_cut_at_line_boundaries() -> None:
    lines = _lines("一、表", "甲" * 6, "乙" * 6, "丙" * 3, "丁" * 25, "二、后")
    sections = split_sections(lines, limit=10)
    assert [(s.number_path, s.text, s.line) for s in sections] == [
        (("一、",), "一、表\n" + "甲" * 6, 1),
        (("一、", "#2"), "乙" * 6 + "\n" + "丙" * 3, 3),
        (("一、", "#3"), "丁" * 10, 5),
        (("一、", "#4"), "丁" * 10, 5),
        (("一、", "#5"), "丁" * 5, 5),
        (("二、",), "二、后", 6),
    ]


def test_table_of_contents_block() -> None:
    lines = _lines(
        "目 录",
        "第一章 总则.......1",
        "一、很长的条目标题被折行",
        "续行........2",
        "二、短条目3",
        "第一章 总则",
        "一、很长的条目标题被折行",
    )
    assert _paths(split_sections(lines)) == [(), ("第一章",), ("第一章", "一、")]


# ------------------------------------------------------------------------------------------ errors


def test_bad_header_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "policy").mkdir()
    path = tmp_path / "policy" / "坏文件.md"
    path.write_text("---\ntitle: 某意见\neffective: 2020-02-30\n---\n一、正文\n", encoding="utf-8")
    with pytest.raises(CorpusLoadError) as info:
        parse_policy_file(path, tmp_path)
    assert (info.value.file, info.value.line) == (str(path), 3)


def test_missing_title_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "policy").mkdir()
    path = tmp_path / "policy" / "无标题.md"
    path.write_text("---\nissuer: 某机关\n---\n一、正文\n", encoding="utf-8")
    with pytest.raises(CorpusLoadError, match="title"):
        load_policies(tmp_path)


def test_minimal_document(tmp_path: Path) -> None:
    (tmp_path / "policy").mkdir()
    path = tmp_path / "policy" / "某区意见.md"
    path.write_text("---\ntitle: 大兴区某意见\npromulgated: 2024\n---\n\n前言\n一、正文\n", encoding="utf-8")
    doc = parse_policy_file(path, tmp_path)
    assert (doc.doc_key, doc.source_file, doc.promulgated, doc.jurisdiction) == (
        "某区意见",
        "policy/某区意见.md",
        None,
        "北京市大兴区",
    )
    assert [(s.number_path, s.heading, s.line) for s in doc.sections] == [
        ((), "前言", 6),
        (("一、",), "一、正文", 7),
    ]
