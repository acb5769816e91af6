"""Tests of corpus.discretion against the real 江门 2020 table and small malformed tables in tmp_path."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpus.citations import format_citation
from corpus.discretion import (
    EXPECTED_COLUMNS,
    JIANGMEN_2020_STEM,
    derive_table_key,
    load_discretion_tables,
    load_jiangmen_table,
    rows_for_citation,
    tiers_for_item,
    unit_fine,
    validity_end,
)
from corpus.errors import CorpusLoadError
from corpus.models import DiscretionRow

AIR_LAW = "中华人民共和国大气污染防治法"


@pytest.fixture(scope="module")
def rows(corpus_dir: Path) -> list[DiscretionRow]:
    return load_jiangmen_table(corpus_dir)


def _item(rows: list[DiscretionRow], item_no: str) -> list[DiscretionRow]:
    return [r for r in rows if r.item_no == item_no]


# ------------------------------------------------------------------------------------ real table


def test_counts_keys_and_ids(rows: list[DiscretionRow]) -> None:
    assert len(rows) == 872
    assert len({r.item_no for r in rows}) == 165
    assert {r.table_key for r in rows} == {"江门2020"}
    assert len({r.row_id for r in rows}) == len(rows)
    assert [r.line for r in rows] == list(range(2, 874))
    assert all(re.fullmatch(r"\d+-\d+\.t\d+\.r\d+", r.row_id) for r in rows)


def test_generic_loader_finds_the_same_table(corpus_dir: Path, rows: list[DiscretionRow]) -> None:
    assert load_discretion_tables(corpus_dir) == rows


def test_validity_dates_from_header(rows: list[DiscretionRow]) -> None:
    assert {(r.valid_from, r.valid_until) for r in rows} == {(date(2020, 3, 1), date(2023, 2, 28))}


def test_item_3_21_tiers_and_fine(rows: list[DiscretionRow]) -> None:
    tiers = tiers_for_item(rows, "3-21")
    assert list(tiers) == [1, 2, 3, 4, 5]
    first = tiers[1][0]
    assert first.row_id == "3-21.t1.r1"
    assert first.circumstance == "两年内第1次"
    assert first.standard == "责令改正，处一万元以上二万元以下罚款"
    assert first.fine is not None
    assert (first.fine.unit, first.fine.low, first.fine.high) == ("yuan", 10000.0, 20000.0)
    top = tiers[5][0].fine
    assert top is not None and (top.low, top.high) == (80000.0, 100000.0)


def test_rows_without_tier_get_t0_and_key_0(rows: list[DiscretionRow]) -> None:
    untiered = [r for r in rows if r.tier is None]
    assert {r.item_no for r in untiered} == {"4-17"}
    assert [r.row_id for r in untiered] == [f"4-17.t0.r{n}" for n in range(1, 7)]
    assert tiers_for_item(rows, "4-17")[0] == untiered


def test_row_counter_restarts_per_item_and_tier(rows: list[DiscretionRow]) -> None:
    # 1-1 tier 2 has two circumstances; tier 3 again starts at r1.
    ids = [r.row_id for r in _item(rows, "1-1")]
    assert ids == ["1-1.t1.r1", "1-1.t2.r1", "1-1.t2.r2", "1-1.t3.r1", "1-1.t3.r2", "1-1.t4.r1"]


def test_fine_found_for_nearly_every_fine_standard(rows: list[DiscretionRow]) -> None:
    fining = [r for r in rows if re.search(r"处[^；。]*罚款", r.standard)]
    assert len(fining) > 800
    share = sum(r.fine is not None for r in fining) / len(fining)
    assert share >= 0.95, f"only {share:.3f} of fine standards parsed"


def test_fine_is_the_units_not_the_responsible_persons(rows: list[DiscretionRow]) -> None:
    # 1-3 tier 1: 处五十万元以上七十万元以下的罚款，并对…法定代表人…处五万元以上七万元以下的罚款
    fine = tiers_for_item(rows, "1-3")[1][0].fine
    assert fine is not None and (fine.low, fine.high) == (500000.0, 700000.0)
    # 2-25: the unit's fine is a share of the direct loss, the persons' a share of their income.
    fine = tiers_for_item(rows, "2-25")[1][0].fine
    assert fine is not None and fine.unit == "percent" and fine.base == "直接损失"


@pytest.mark.parametrize(
    ("standard", "expected"),
    [
        ("处五万元以上十万元以下罚款，对直接负责的主管人员处一万元以下罚款", (50000.0, 100000.0)),
        ("对直接负责的主管人员和其他直接责任人员处五千元以上二万元以下的罚款", None),
        ("对直接负责的主管人员处一万元罚款；对单位处十万元以上二十万元以下罚款", (100000.0, 200000.0)),
        ("责令停止违法行为，可以处二百元以下的罚款", (None, 200.0)),
        ("给予警告", None),
    ],
)
def test_unit_fine(standard: str, expected: tuple[float | None, float] | None) -> None:
    fine = unit_fine(standard)
    assert (None if fine is None else (fine.low, fine.high)) == expected


def test_every_row_has_basis_citations_without_edition_notes(rows: list[DiscretionRow]) -> None:
    assert all(r.basis_citations for r in rows)
    cited = {c for r in rows for c in r.basis_citations}
    assert not any("修订" in c or "修正" in c for c in cited)


def test_basis_citations_of_3_21(rows: list[DiscretionRow]) -> None:
    expected = format_citation(AIR_LAW, 117, 0, None, 2)
    assert {r.basis_citations for r in _item(rows, "3-21")} == {(expected,)}


def test_quoted_article_text_is_not_a_basis(rows: list[DiscretionRow]) -> None:
    # 1-1 quotes 第三十一条, whose text mentions 本法第二十四条: that mention is not what the row rests on.
    law = "中华人民共和国环境影响评价法"
    # heading: 《…》（2018年修订）第三十一条第一款、第二款
    assert {r.basis_citations for r in _item(rows, "1-1")} == {
        (format_citation(law, 31, 0, 1, None), format_citation(law, 31, 0, 2, None))
    }


@pytest.mark.parametrize(
    ("item_no", "law", "article", "paragraph", "item"),
    [
        ("7-12", "中华人民共和国放射性污染防治法", 55, None, 2),  # heading lost its opening 《
        ("4-5", "中华人民共和国固体废物污染环境防治法", 68, 1, 5),  # heading reads 《…防治法五》
    ],
)
def test_source_defects_in_headings_are_repaired(
    rows: list[DiscretionRow], item_no: str, law: str, article: int, paragraph: int | None, item: int
) -> None:
    cited = {c for r in _item(rows, item_no) for c in r.basis_citations}
    assert cited == {format_citation(law, article, 0, paragraph, item)}


def test_fragment_rows_inherit_the_matters_citations(rows: list[DiscretionRow]) -> None:
    # 2-9: some rows quote only 逾期不拆除的… (no heading); they rest on the same article as the others.
    item_rows = _item(rows, "2-9")
    assert any(not r.legal_basis.lstrip().startswith("《") for r in item_rows)
    assert {r.basis_citations for r in item_rows} == {
        (format_citation("中华人民共和国水污染防治法", 84, 0, 1, None),)
    }


def test_two_laws_in_one_basis(rows: list[DiscretionRow]) -> None:
    cited = _item(rows, "5-3")[0].basis_citations
    assert len(cited) == 2
    assert "中华人民共和国环境噪声污染防治法" in cited[0]
    assert "广东省实施〈中华人民共和国环境噪声污染防治法〉办法" in cited[1]


@pytest.mark.parametrize("law", [AIR_LAW, "大气污染防治法", f"《{AIR_LAW}》"])
def test_rows_for_citation_finds_3_21(rows: list[DiscretionRow], law: str) -> None:
    found = rows_for_citation(rows, law, 117)
    assert {r.item_no for r in found} == {"3-20", "3-21", "3-22", "3-23", "3-24"}
    assert [r.row_id for r in found if r.item_no == "3-21"] == [r.row_id for r in _item(rows, "3-21")]
    # 第一百一十七条 has one paragraph; its items cite no paragraph, so they may be the one asked for.
    assert rows_for_citation(rows, law, 117, paragraph=1) == found


def test_rows_for_citation_filters_law_article_and_paragraph(rows: list[DiscretionRow]) -> None:
    assert rows_for_citation(rows, AIR_LAW, 118) == []
    assert rows_for_citation(rows, "广东省大气污染防治条例", 117) == []
    water = "中华人民共和国水污染防治法"
    assert {r.item_no for r in rows_for_citation(rows, water, 91)} == {"2-20", "2-21", "2-22"}
    assert {r.item_no for r in rows_for_citation(rows, water, 91, paragraph=2)} == {"2-21", "2-22"}


# ------------------------------------------------------------------------------ header rules


@pytest.mark.parametrize(
    ("effective", "note", "expected"),
    [
        (date(2020, 3, 1), "2020年3月1日起施行，有效期三年", date(2023, 2, 28)),
        (date(2021, 1, 1), "有效期为5年", date(2025, 12, 31)),
        (date(2020, 2, 29), "有效期一年", date(2021, 2, 28)),
        (date(2020, 3, 1), "自公布之日起施行，有效期至2024年6月30日", date(2024, 6, 30)),
        (date(2020, 3, 1), "试行", None),
        (date(2020, 3, 1), None, None),
        (None, "有效期三年", None),
    ],
)
def test_validity_end(effective: date | None, note: str | None, expected: date | None) -> None:
    assert validity_end(effective, note) == expected


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)), st.integers(1, 10))
def test_validity_lasts_n_years_to_the_day(effective: date, years: int) -> None:
    end = validity_end(effective, f"有效期{years}年")
    assert end is not None
    following = end + timedelta(days=1)
    assert following.year == effective.year + years
    if (effective.month, effective.day) != (2, 29):
        assert (following.month, following.day) == (effective.month, effective.day)


@pytest.mark.parametrize(
    ("jurisdiction", "effective", "stem", "expected"),
    [
        ("广东省江门市", date(2020, 3, 1), "x", "江门2020"),
        ("广东省", date(2022, 1, 1), "x", "广东2022"),
        ("北京市", None, "北京市某裁量表_2019", "北京2019"),
        ("广东省江门市", None, "无年份", None),
    ],
)
def test_derive_table_key(jurisdiction: str, effective: date | None, stem: str, expected: str | None) -> None:
    assert derive_table_key(jurisdiction, effective, stem) == expected


# --------------------------------------------------------------------------- strict loading

HEADER = """---
title: 测试裁量表
jurisdiction: 广东省样例市
effective_date: '2021-05-01'
version_note: 有效期两年
---

正文略。
"""
COLUMNS = ",".join(EXPECTED_COLUMNS)
GOOD_ROW = (
    "一、《中华人民共和国大气污染防治法》,3-1,未密闭物料的,"
    "《中华人民共和国大气污染防治法》第一百一十七条第（一）项：略,1,初次,处一万元以上二万元以下罚款,"
)
MULTILINE_ROW = (
    '一、《中华人民共和国大气污染防治法》,3-1,未密闭物料的,"《中华人民共和国大气污染防治法》第一百一十七条第（一）项：\n'
    '违反本法规定…",2,再次,处二万元以上四万元以下罚款,'
)


def _table(tmp_path: Path, *lines: str, header: str = HEADER, stem: str = "样例表_2021") -> Path:
    folder = tmp_path / "discretion"
    folder.mkdir(exist_ok=True)
    (folder / f"{stem}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if header:
        (folder / f"{stem}.md").write_text(header, encoding="utf-8")
    return tmp_path


def test_small_valid_table(tmp_path: Path) -> None:
    table = load_discretion_tables(_table(tmp_path, COLUMNS, GOOD_ROW, MULTILINE_ROW))
    assert [r.row_id for r in table] == ["3-1.t1.r1", "3-1.t2.r1"]
    assert {r.table_key for r in table} == {"样例2021"}
    assert table[0].valid_until == date(2023, 4, 30)
    assert table[1].basis_citations == (format_citation(AIR_LAW, 117, 0, None, 1),)


@pytest.mark.parametrize(
    ("lines", "bad_line", "fragment"),
    [
        (("法律法规,序号,违法行为,法律依据,档次,裁量情节,裁量标准,备注", GOOD_ROW), 1, "表头"),
        ((COLUMNS, GOOD_ROW, "一、《某法》,3-2,行为,依据,1,情节,标准"), 3, "8 列"),
        # the multi-line record spans lines 2-3, so the bad record starts on line 4
        ((COLUMNS, MULTILINE_ROW, GOOD_ROW.replace(",3-1,", ",三之一,")), 4, "序号"),
        ((COLUMNS, GOOD_ROW, GOOD_ROW.replace(",3-1,", ",3-21a,")), 3, "序号"),
        ((COLUMNS, GOOD_ROW, GOOD_ROW.replace(",1,初次,", ",一,初次,")), 3, "裁量档次"),
        ((COLUMNS, GOOD_ROW, GOOD_ROW.replace(",1,初次,", ",1.5,初次,")), 3, "裁量档次"),
        ((COLUMNS, GOOD_ROW, '一、《某法》,3-2,"未闭合的引号,依据,1,情节,标准,'), 3, "CSV"),
    ],
)
def test_malformed_csv_names_file_and_line(
    tmp_path: Path, lines: tuple[str, ...], bad_line: int, fragment: str
) -> None:
    with pytest.raises(CorpusLoadError) as caught:
        load_discretion_tables(_table(tmp_path, *lines))
    err = caught.value
    assert err.file == "discretion/样例表_2021.csv"
    assert err.line == bad_line
    assert fragment in err.problem
    assert f"样例表_2021.csv 第{bad_line}行" in str(err)


def test_csv_without_header_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CorpusLoadError) as caught:
        load_discretion_tables(_table(tmp_path, COLUMNS, GOOD_ROW, header=""))
    assert caught.value.file == "discretion/样例表_2021.csv"
    assert "样例表_2021.md" in caught.value.problem


def test_declared_row_count_must_match(tmp_path: Path) -> None:
    header = HEADER.replace("version_note", "rows: 5\nversion_note")
    with pytest.raises(CorpusLoadError) as caught:
        load_discretion_tables(_table(tmp_path, COLUMNS, GOOD_ROW, header=header))
    assert caught.value.file == "discretion/样例表_2021.md"
    assert "rows: 5" in caught.value.problem


def test_one_bad_table_loads_nothing(tmp_path: Path) -> None:
    # The good table sorts (and loads) first; the bad one must still make the whole call fail.
    _table(tmp_path, COLUMNS, GOOD_ROW, stem="a表_2021")
    later = HEADER.replace("2021-05-01", "2022-05-01")
    _table(tmp_path, COLUMNS, GOOD_ROW.replace(",3-1,", ",X,"), header=later, stem="b表_2022")
    with pytest.raises(CorpusLoadError) as caught:
        load_discretion_tables(tmp_path)
    assert caught.value.file == "discretion/b表_2022.csv"


def test_duplicate_table_keys_are_refused(tmp_path: Path) -> None:
    _table(tmp_path, COLUMNS, GOOD_ROW, stem="a表_2021")
    _table(tmp_path, COLUMNS, GOOD_ROW, stem="b表_2021")
    with pytest.raises(CorpusLoadError) as caught:
        load_discretion_tables(tmp_path)
    assert "样例2021" in caught.value.problem


def test_jiangmen_loader_needs_its_file(tmp_path: Path) -> None:
    with pytest.raises(CorpusLoadError) as caught:
        load_jiangmen_table(tmp_path)
    assert JIANGMEN_2020_STEM in caught.value.file
