"""Tokenizer and BM25 index over hand-written units (legal-ish text written for the tests)."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.models import DocKind, SearchUnit
from retrieval.bm25 import BM25Index, corpus_hash
from retrieval.text import STOPWORDS, normalize, tokenize


def _statute(
    law_key: str, title: str, no: int, label: str, text: str, eff: date = date(2020, 1, 1)
) -> SearchUnit:
    return SearchUnit(
        unit_id=f"{law_key}@{eff.isoformat()}#a{no}",
        kind=DocKind.STATUTE,
        law_key=law_key,
        title=title,
        label=label,
        article_no=no,
        jurisdiction="全国",
        effective=eff,
        text=f"{label} {text}",
    )


UNITS = [
    _statute(
        "垃圾条例",
        "某市生活垃圾管理条例",
        30,
        "第三十条",
        "单位和个人应当将厨余垃圾、可回收物分类投放至相应收集容器。",
    ),
    _statute(
        "垃圾条例",
        "某市生活垃圾管理条例",
        70,
        "第七十条",
        "个人未分类投放的，由执法部门责令改正；拒不改正的，处五十元以上二百元以下罚款。",
    ),
    _statute(
        "大气法",
        "中华人民共和国大气污染防治法",
        99,
        "第九十九条",
        "未取得排污许可证排放大气污染物的，责令改正，并处十万元以上一百万元以下罚款。",
    ),
    _statute(
        "处罚法",
        "中华人民共和国行政处罚法",
        28,
        "第二十八条",
        "行政机关实施行政处罚时，应当责令当事人改正违法行为；有违法所得的，予以没收。",
    ),
    _statute(
        "处罚法",
        "中华人民共和国行政处罚法",
        63,
        "第六十三条",
        "行政机关拟作出较大数额罚款决定的，应当告知当事人有要求听证的权利。",
    ),
    _statute("复制甲", "甲条例", 1, "第一条", "完全相同的条文用于检验并列排序。"),
    _statute("复制乙", "乙条例", 1, "第一条", "完全相同的条文用于检验并列排序。"),
]


@pytest.fixture(scope="module")
def index() -> BM25Index:
    return BM25Index.build(UNITS)


# --- tokenizer ----------------------------------------------------------------------------------------

TOKEN_CASES = [
    # (text, tokens that must appear, tokens that must not appear)
    ("厨余垃圾分类投放", {"厨余垃圾", "垃圾", "分类", "投放", "余垃"}, set()),
    ("应当责令改正", {"责令改正", "应当"}, {"应", "当"}),
    ("没收违法所得", {"违法所得", "没收"}, set()),
    ("第六十三条", {"第六十三条"}, {"63", "第63条"}),
    ("行政机关的决定或者处罚", {"行政机关", "决定", "处罚"}, {"的", "或者", "关的", "的决"}),
    ("ＡＢＣ１２３罚款", {"abc123", "罚款"}, {"ＡＢＣ１２３"}),
]


@pytest.mark.parametrize(("text", "present", "absent"), TOKEN_CASES, ids=[c[0] for c in TOKEN_CASES])
def test_tokenize_words_and_bigrams(text: str, present: set[str], absent: set[str]) -> None:
    tokens = set(tokenize(text))
    assert present <= tokens, present - tokens
    assert not (absent & tokens), absent & tokens


def test_single_character_query_still_has_a_token() -> None:
    assert tokenize("罚") == ["罚"]
    assert tokenize("的") == []
    assert tokenize("  ，。") == []


@settings(max_examples=80, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("行政处罚罚款的了或者第六十三条ＡＢ１2abc，。 \u3000厨余垃圾")),
        max_size=40,
    )
)
def test_tokens_are_clean_and_width_insensitive(text: str) -> None:
    tokens = tokenize(text)
    assert all(t and t == t.strip() and t not in STOPWORDS for t in tokens)
    assert tokens == tokenize(unicodedata.normalize("NFKC", text))
    assert normalize(text) == normalize(normalize(text))


# --- search -------------------------------------------------------------------------------------------


def _ids(hits: list[tuple[int, float]]) -> list[str]:
    return [UNITS[i].unit_id for i, _ in hits]


def test_title_words_find_the_law(index: BM25Index) -> None:
    hits = index.search("垃圾管理条例 罚款", k=3)
    # the article of the garbage regulation that also mentions the fine beats fines in other laws
    assert _ids(hits)[0] == "垃圾条例@2020-01-01#a70"
    assert _ids(hits)[1] == "垃圾条例@2020-01-01#a30"


def test_scores_descend_and_k_is_respected(index: BM25Index) -> None:
    hits = index.search("责令改正 罚款", k=3)
    assert len(hits) == 3
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0


def test_only_matching_units_are_returned(index: BM25Index) -> None:
    assert [i for i, _ in index.search("听证", k=10)] == [4]
    assert index.search("量子力学", k=10) == []
    assert index.search("", k=10) == []
    assert index.search("罚款", k=0) == []


@pytest.mark.parametrize(
    "allowed",
    [{0, 1, 3}, np.array([True, True, False, True, False, False, False])],
    ids=["set", "mask"],
)
def test_allowed_restricts_hits(index: BM25Index, allowed: set[int] | np.ndarray) -> None:
    hits = index.search("责令改正 罚款", k=10, allowed=allowed)
    assert {i for i, _ in hits} == {1, 3}  # 0 is allowed but mentions neither term; 2 matches but is masked
    unrestricted = dict(index.search("责令改正 罚款", k=10))
    assert all(unrestricted[i] == pytest.approx(s) for i, s in hits), "a filter must not change scores"


def test_bad_mask_length_is_rejected(index: BM25Index) -> None:
    with pytest.raises(ValueError, match="掩码长度"):
        index.search("罚款", allowed=np.ones(3, dtype=bool))


def test_ties_are_broken_by_unit_order(index: BM25Index) -> None:
    hits = index.search("完全相同的条文", k=2)
    assert [i for i, _ in hits] == [5, 6]
    assert hits[0][1] == hits[1][1]


# --- persistence --------------------------------------------------------------------------------------


def test_save_load_roundtrip(index: BM25Index, tmp_path: Path) -> None:
    path = index.save(tmp_path)
    assert path.parent == tmp_path and corpus_hash(UNITS)[:24] in path.name
    loaded = BM25Index.load(tmp_path, UNITS)
    assert loaded is not None
    for q in ("垃圾管理条例 罚款", "听证", "违法所得"):
        assert loaded.search(q, k=5) == index.search(q, k=5)


def test_load_refuses_another_corpus_version(index: BM25Index, tmp_path: Path) -> None:
    index.save(tmp_path)
    changed = [*UNITS[:-1], UNITS[-1].model_copy(update={"text": "第一条 改过的条文。"})]
    assert corpus_hash(changed) != corpus_hash(UNITS)
    assert BM25Index.load(tmp_path, changed) is None
    assert BM25Index.load(tmp_path, UNITS[:3]) is None


def test_load_or_build_builds_once_per_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = BM25Index.load_or_build(tmp_path, UNITS)
    calls: list[int] = []
    real_build = BM25Index.build.__func__  # type: ignore[attr-defined]

    def counting_build(cls: type[BM25Index], units: list[SearchUnit]) -> BM25Index:
        calls.append(len(units))
        return real_build(cls, units)  # type: ignore[no-any-return]

    monkeypatch.setattr(BM25Index, "build", classmethod(counting_build))
    again = BM25Index.load_or_build(tmp_path, UNITS)
    assert calls == []
    assert again.search("听证", k=1) == first.search("听证", k=1)
    BM25Index.load_or_build(tmp_path, UNITS[:4])
    assert calls == [4]
    assert len([p for p in tmp_path.iterdir() if p.name.startswith("bm25-")]) == 2


def test_corrupt_saved_index_is_rebuilt(tmp_path: Path) -> None:
    path = BM25Index.build(UNITS).save(tmp_path)
    (path / "params.index.json").write_text("{not json", encoding="utf-8")
    assert BM25Index.load(tmp_path, UNITS) is None
    rebuilt = BM25Index.load_or_build(tmp_path, UNITS)
    assert _ids(rebuilt.search("听证", k=1)) == ["处罚法@2020-01-01#a63"]


def test_hash_follows_the_tokenizer_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    import retrieval.text as text_mod

    before = corpus_hash(UNITS)
    monkeypatch.setattr(text_mod, "LEGAL_TERMS", (*text_mod.LEGAL_TERMS, "新增术语"))
    assert corpus_hash(UNITS) != before
