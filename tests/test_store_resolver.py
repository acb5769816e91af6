"""LawStore (SQLite) and the citation resolver, on the real corpus and on small copies of it."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from corpus.errors import CorpusLoadError, LawNotFoundError, StoreNotBuiltError, VersionNotInForceError
from corpus.models import DocKind
from corpus.resolver import Failure, cite_article, resolve_text
from corpus.store import LawStore, build_store


@pytest.fixture(scope="session")
def store(law_store: LawStore) -> LawStore:
    """The session's full store (tests/conftest.py), under the short name these tests use."""
    return law_store


# ------------------------------------------------------------------------------------------ store


def test_store_counts_every_kind(store: LawStore) -> None:
    counts = store.stats()["counts"]
    assert isinstance(counts, dict)
    assert (
        counts["laws"] >= 58 and counts["law_versions"] == counts["laws"] + 1
    )  # 行政复议法 has two versions
    assert counts["statute"] > 4000 and counts["policy"] > 50 and counts["discretion"] >= 165
    assert counts["discretion_rows"] == 872
    # The benchmark table gives one unit per matter; the discretion rules kept as text give sections.
    table = [u for u in store.units(DocKind.DISCRETION) if u.unit_id.startswith("discretion:")]
    text = [u for u in store.units(DocKind.DISCRETION) if u.unit_id.startswith("policy:")]
    assert len(table) == 165 and len(text) > 100
    assert any(u.title == "广东省生态环境行政处罚自由裁量权规定" for u in text)


def test_units_carry_verbatim_text_and_dates(store: LawStore) -> None:
    u = store.unit("行政处罚法@2021-07-15#a63")
    assert u is not None and u.kind == DocKind.STATUTE and u.label == "第六十三条"
    assert (
        u.text.startswith("第六十三条 行政机关拟作出下列行政处罚决定")
        and "（六）法律、法规、规章规定的其他情形。" in u.text
    )
    assert u.effective == date(2021, 7, 15) and u.expired is None


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("中华人民共和国行政处罚法", "行政处罚法"),
        ("行政处罚法", "行政处罚法"),
        ("处罚法", "行政处罚法"),
        ("《北京市生活垃圾管理条例》", "北京市生活垃圾管理条例"),
        ("中华人民共和国行政复议法（2017年修正）", "行政复议法"),
        ("民法典", None),
    ],
)
def test_find_law_by_title_key_and_alias(store: LawStore, name: str, key: str | None) -> None:
    assert store.find_law(name) == key


@pytest.mark.parametrize(
    ("day", "effective"),
    [
        (date(2023, 6, 1), date(2018, 1, 1)),
        (date(2023, 12, 31), date(2018, 1, 1)),
        (date(2024, 1, 1), date(2024, 1, 1)),
        (date(2024, 6, 1), date(2024, 1, 1)),
    ],
)
def test_at_returns_the_version_in_force(store: LawStore, day: date, effective: date) -> None:
    assert store.at("行政复议法", day).effective == effective


def test_at_typed_errors(store: LawStore) -> None:
    with pytest.raises(LawNotFoundError):
        store.at("民法典", date(2024, 1, 1))
    with pytest.raises(VersionNotInForceError) as e:
        store.at("行政处罚法", date(2020, 5, 1))
    assert "2021-07-15" in str(e.value)
    with pytest.raises(
        VersionNotInForceError
    ):  # the 2012 text was replaced on 2026-01-01 by a text not in the corpus
        store.at("治安管理处罚法", date(2026, 3, 1))


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreNotBuiltError, match="fashen corpus build"):
        LawStore(tmp_path / "none.sqlite")


# ------------------------------------------------------------------------------------------ incremental build


def _small_corpus(corpus_dir: Path, dest: Path) -> Path:
    (dest / "statutes").mkdir(parents=True)
    for name in ("行政处罚法_2021-01-22.md", "行政复议法_2017-09-01.md", "行政复议法_2023-09-01.md"):
        shutil.copy(corpus_dir / "statutes" / name, dest / "statutes" / name)
    shutil.copytree(corpus_dir / "discretion", dest / "discretion")
    (dest / "policy").mkdir()
    return dest


def test_build_is_idempotent_and_incremental(corpus_dir: Path, tmp_path: Path) -> None:
    small = _small_corpus(corpus_dir, tmp_path / "corpus")
    db = tmp_path / "store.sqlite"
    first = build_store(small, db)
    # Every statute and discretion file is parsed once: the .md files and the benchmark CSV.
    assert len(first.changed) == len(list(small.rglob("*.md"))) + len(list(small.rglob("*.csv")))
    again = build_store(small, db)
    assert again.nothing_changed and again.corpus_version == first.corpus_version
    # Touch one statute: only it is parsed again, and the version links are recomputed.
    f = small / "statutes" / "行政处罚法_2021-01-22.md"
    f.write_text(f.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    third = build_store(small, db)
    assert third.changed == ("statutes/行政处罚法_2021-01-22.md",)
    assert third.corpus_version != first.corpus_version
    s = LawStore(db)
    assert s.at("行政复议法", date(2023, 6, 1)).expired == date(2023, 12, 31)
    # Removing a file removes its units.
    (small / "statutes" / "行政复议法_2023-09-01.md").unlink()
    fourth = build_store(small, db)
    assert fourth.removed == ("statutes/行政复议法_2023-09-01.md",)
    s2 = LawStore(db)
    assert [v.effective for v in s2.versions("行政复议法")] == [date(2018, 1, 1)]
    assert s2.unit("行政复议法@2024-01-01#a20") is None


def test_a_broken_file_leaves_the_previous_store_intact(corpus_dir: Path, tmp_path: Path) -> None:
    small = _small_corpus(corpus_dir, tmp_path / "corpus")
    db = tmp_path / "store.sqlite"
    build_store(small, db)
    before = sqlite3.connect(db).execute("SELECT COUNT(*) FROM units").fetchone()[0]
    f = small / "statutes" / "行政处罚法_2021-01-22.md"
    text = f.read_text(encoding="utf-8")
    f.write_text(
        text.replace("第六十四条 听证应当", "第六十三条 听证应当"), encoding="utf-8"
    )  # duplicate article
    with pytest.raises(CorpusLoadError) as e:
        build_store(small, db)
    assert "行政处罚法_2021-01-22.md" in str(e.value) and e.value.line is not None
    after = sqlite3.connect(db).execute("SELECT COUNT(*) FROM units").fetchone()[0]
    assert after == before
    assert LawStore(db).unit("行政处罚法@2021-07-15#a64") is not None


# ------------------------------------------------------------------------------------------ resolver


def test_resolves_article_paragraph_and_item_verbatim(store: LawStore) -> None:
    (r,) = resolve_text("《中华人民共和国行政处罚法》第六十三条第一款第（一）项", date(2025, 6, 1), store)
    assert r.ok and r.unit_id == "行政处罚法@2021-07-15#a63.p1.i1" and r.text == "（一）较大数额罚款；"
    assert r.citation == "《中华人民共和国行政处罚法》第六十三条第一款第（一）项"
    assert r.article_unit_id == "行政处罚法@2021-07-15#a63"


@pytest.mark.parametrize(
    "text",
    [
        "《行政处罚法》第63条",
        "行政处罚法第六十三条",
        "依据《中华人民共和国行政处罚法》第六十三条的规定",
        "处罚法第六十三条",
    ],
)
def test_citation_styles_resolve_to_the_same_article(store: LawStore, text: str) -> None:
    rs = resolve_text(text, date(2025, 6, 1), store)
    assert [r.article_unit_id for r in rs] == ["行政处罚法@2021-07-15#a63"]
    assert all(r.ok for r in rs)


def test_lists_and_ranges(store: LawStore) -> None:
    rs = resolve_text(
        "违反《行政处罚法》第四十四条、第四十五条和第三十二条至第三十四条", date(2025, 6, 1), store
    )
    assert [r.ref.article_no for r in rs] == [44, 45, 32, 33, 34]
    assert all(r.ok and r.law_key == "行政处罚法" for r in rs)


@pytest.mark.parametrize(
    ("text", "day", "failure", "message_part"),
    [
        ("《中华人民共和国民法典》第三条", date(2025, 6, 1), Failure.LAW_NOT_IN_CORPUS, "unverified"),
        ("《行政处罚法》第九十条", date(2025, 6, 1), Failure.ARTICLE_NOT_FOUND, "共86条"),
        ("《北京市城乡规划条例》第九十五条", date(2025, 6, 1), Failure.ARTICLE_NOT_FOUND, "第九十三条"),
        ("《行政处罚法》第六十三条第三款", date(2025, 6, 1), Failure.PARAGRAPH_MISSING, "只有2款"),
        ("《行政处罚法》第六十三条第一款第（七）项", date(2025, 6, 1), Failure.ITEM_MISSING, "只有6项"),
        ("《行政处罚法》第六十三条", date(2020, 5, 1), Failure.VERSION_NOT_IN_FORCE, "2021-07-15"),
        ("《治安管理处罚法》第二十三条", date(2026, 3, 1), Failure.VERSION_NOT_IN_FORCE, "未收录"),
        (
            "《行政复议法》（2017年修正）第九条",
            date(2025, 6, 1),
            Failure.VERSION_NOT_IN_FORCE,
            "2024-01-01施行版",
        ),
        ("第五十八条", date(2025, 6, 1), Failure.NO_LAW_NAMED, "未写明"),
    ],
)
def test_every_failure_kind_is_typed_and_explained(
    store: LawStore, text: str, day: date, failure: Failure, message_part: str
) -> None:
    (r,) = resolve_text(text, day, store)
    assert r.failure == failure
    assert message_part in r.message


def test_superseded_version_quotes_the_old_text_and_names_the_one_in_force(store: LawStore) -> None:
    (r,) = resolve_text("《行政复议法》（2017年修正）第九条", date(2025, 6, 1), store)
    assert r.text is not None and "六十日内提出行政复议申请" in r.text
    assert r.version_effective == date(2018, 1, 1) and r.in_force_version == date(2024, 1, 1)


def test_date_decides_the_version(store: LawStore) -> None:
    old = cite_article(store, "行政复议法", 9, date(2023, 6, 1))
    new = cite_article(store, "行政复议法", 20, date(2024, 6, 1))
    assert old.ok and old.unit_id == "行政复议法@2018-01-01#a9" and "六十日" in (old.text or "")
    assert new.ok and new.unit_id == "行政复议法@2024-01-01#a20" and "六十日" in (new.text or "")


def test_self_reference_uses_the_default_law(store: LawStore) -> None:
    (r,) = resolve_text("依照本法第三十六条", date(2025, 6, 1), store, default_law="行政处罚法")
    assert r.ok and r.article_unit_id == "行政处罚法@2021-07-15#a36"
