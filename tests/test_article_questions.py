"""The questions indexed next to each article: strict loader, staleness, BM25 text, dense question vectors."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from corpus.models import DocKind, SearchUnit
from corpus.store import LawStore
from retrieval.article_questions import (
    ARTICLE_QUESTIONS_FILE,
    ArticleQuestions,
    ArticleQuestionsError,
    load_article_questions,
    questions_for,
    text_sha,
    with_questions,
)
from retrieval.bm25 import BM25Index
from retrieval.embedders import FakeEmbedder
from retrieval.hybrid import HybridSearcher
from retrieval.vectorstores import (
    VectorStore,
    index_units,
    make_vector_store,
    passage_text,
    question_id,
    unit_of,
)


def _unit(uid: str, text: str) -> SearchUnit:
    return SearchUnit(
        unit_id=uid,
        kind=DocKind.STATUTE,
        law_key=uid.split("@", 1)[0],
        title="某市物业管理条例",
        label="第一条",
        article_no=int(uid.rsplit("#a", 1)[1]),
        jurisdiction="某市",
        effective=date(2024, 1, 1),
        text=text,
    )


WALL = _unit(
    "物业条例@2024-01-01#a98",
    "第九十八条 违反本条例规定，擅自变动房屋建筑主体和承重结构的，处五万元以上十万元以下罚款。",
)
TREE = _unit("物业条例@2024-01-01#a70", "第七十条 擅自砍伐树木的，责令补种，并处树木价值一至五倍罚款。")
NOISE = _unit(
    "物业条例@2024-01-01#a3",
    "第三条 本条例所称物业管理，是指业主委托物业服务人对房屋及配套设施进行维修养护。",
)
UNITS = [WALL, TREE, NOISE]
QUESTIONS = {
    WALL.unit_id: ("业主装修把承重墙砸了个门洞", "装修拆墙被物业举报怎么罚"),
    TREE.unit_id: ("嫌挡光把楼前大杨树锯倒了",),
}


def _write(tmp_path: Path, rows: list[object]) -> Path:
    path = tmp_path / "q.jsonl"
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
        encoding="utf-8",
    )
    return path


def _row(unit: SearchUnit, *questions: str) -> dict[str, object]:
    return {"unit_id": unit.unit_id, "text_sha": text_sha(unit.text), "questions": list(questions)}


# --- loader -------------------------------------------------------------------------------------------


def test_loader_reads_entries(tmp_path: Path) -> None:
    table = load_article_questions(
        _write(tmp_path, [_row(WALL, "业主装修把承重墙砸了个门洞"), "", _row(TREE, "锯倒楼前的大杨树")])
    )
    assert set(table) == {WALL.unit_id, TREE.unit_id}
    assert table[WALL.unit_id].questions == ("业主装修把承重墙砸了个门洞",)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (["{not json"], "第 1 行格式错误"),
        (
            [_row(WALL, "承重墙砸了个门洞"), {"unit_id": "x@2024-01-01#a1", "questions": ["某个问题的问句"]}],
            "第 2 行格式错误",
        ),
        ([{**_row(WALL, "承重墙砸了个门洞"), "extra": 1}], "第 1 行格式错误"),
        ([_row(WALL)], "第 1 行格式错误"),
        ([_row(WALL, "承重墙砸了个门洞"), _row(WALL, "装修拆墙怎么罚呢")], "第 2 行.*重复"),
        ([_row(WALL, "短")], "问句长度"),
        ([_row(WALL, "长" * 61)], "问句长度"),
    ],
)
def test_loader_is_strict(tmp_path: Path, rows: list[object], message: str) -> None:
    with pytest.raises(ArticleQuestionsError, match=message):
        load_article_questions(_write(tmp_path, rows))


def test_loader_names_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "gbk.jsonl"
    path.write_bytes("承重墙".encode("gbk"))
    with pytest.raises(ArticleQuestionsError, match="UTF-8"):
        load_article_questions(path)
    with pytest.raises(ArticleQuestionsError, match="无法读取"):
        load_article_questions(tmp_path / "missing.jsonl")


# --- matching the current units -----------------------------------------------------------------------


def test_questions_for_drops_stale_and_unknown_entries() -> None:
    changed = WALL.model_copy(update={"text": WALL.text.replace("五万元", "三万元")})
    table = {
        WALL.unit_id: ArticleQuestions.model_validate_json(json.dumps(_row(WALL, "承重墙砸了个门洞"))),
        TREE.unit_id: ArticleQuestions.model_validate_json(json.dumps(_row(TREE, "锯倒楼前的大杨树"))),
        "旧法@2000-01-01#a1": ArticleQuestions.model_validate_json(
            json.dumps({"unit_id": "旧法@2000-01-01#a1", "text_sha": "0" * 16, "questions": ["旧法的问句"]})
        ),
    }
    match = questions_for([changed, TREE, NOISE], table)
    assert match.questions == {TREE.unit_id: ("锯倒楼前的大杨树",)}
    assert match.stale == (WALL.unit_id,)
    assert match.unknown == ("旧法@2000-01-01#a1",)


def test_with_questions_appends_to_the_indexed_text_only_where_there_are_questions() -> None:
    out = with_questions(UNITS, QUESTIONS)
    assert out[0].text == WALL.text + "\n业主装修把承重墙砸了个门洞\n装修拆墙被物业举报怎么罚"
    assert out[2] is NOISE
    assert WALL.text.endswith("罚款。")  # the originals are untouched (hits show verbatim text)


def test_bm25_finds_an_article_through_the_words_of_its_questions() -> None:
    plain = BM25Index.build(UNITS)
    expanded = BM25Index.build(with_questions(UNITS, QUESTIONS))
    query = "砸了个门洞"
    assert plain.search(query, k=3) == []  # no word of the query is in any article
    assert [UNITS[i].unit_id for i, _ in expanded.search(query, k=3)][:1] == [WALL.unit_id]


# --- dense question vectors -----------------------------------------------------------------------------


class CountingEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__(dim=64)
        self.queries: list[str] = []
        self.passages: list[str] = []

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        self.queries.extend(texts)
        return super().encode_queries(texts)

    def encode_passages(self, texts: list[str], *, show_progress: bool = False) -> np.ndarray:
        self.passages.extend(texts)
        return super().encode_passages(texts)


@pytest.fixture(params=["memory", "chroma"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> VectorStore:
    if request.param == "memory":
        return make_vector_store("memory")
    return make_vector_store("chroma", location=tmp_path / "chroma", collection="questions-test")


def test_question_ids_map_back_to_their_unit() -> None:
    qid = question_id(WALL.unit_id, 2)
    assert qid == "物业条例@2024-01-01#a98|q2"
    assert unit_of(qid) == WALL.unit_id and unit_of(WALL.unit_id) == WALL.unit_id


def test_index_units_embeds_questions_as_passages_incrementally(store: VectorStore) -> None:
    emb = CountingEmbedder()
    report = index_units(UNITS, emb, store, questions=QUESTIONS)
    assert report.added == 3 + 3 and store.count() == 6
    assert emb.queries == []
    assert sorted(emb.passages) == sorted(
        [*(q for qs in QUESTIONS.values() for q in qs), *(passage_text(u) for u in UNITS)]
    )

    emb.queries.clear()
    emb.passages.clear()
    assert index_units(UNITS, emb, store, questions=QUESTIONS).embedded == 0

    # One question rewritten, one dropped: only the new one is embedded, the dropped vector goes.
    fewer = {WALL.unit_id: ("业主装修把承重墙砸了个门洞", "装修时拆了承重墙会被罚多少"), TREE.unit_id: ()}
    report = index_units(UNITS, emb, store, questions=fewer)
    assert emb.passages == ["装修时拆了承重墙会被罚多少"]
    assert (report.updated, report.deleted) == (1, 1)
    assert question_id(TREE.unit_id, 1) not in store.ids()

    # A changed article re-embeds its passage and its questions (their metadata follows the unit).
    emb.passages.clear()
    changed = [WALL.model_copy(update={"text": WALL.text + "（已修改）"}), TREE, NOISE]
    index_units(changed, emb, store, questions=fewer)
    assert sorted(emb.passages) == sorted([passage_text(changed[0]), *fewer[WALL.unit_id]])


def test_dense_search_returns_units_found_through_their_questions(store: VectorStore) -> None:
    emb = FakeEmbedder(256)
    index_units(UNITS, emb, store, questions=QUESTIONS)
    searcher = HybridSearcher(UNITS, BM25Index.build(UNITS), emb, store)
    hits = searcher.search("业主装修把承重墙砸了个门洞", k=3, mode="dense")
    ids = [h.unit_id for h in hits]
    assert ids[0] == WALL.unit_id
    assert len(ids) == len(set(ids)) == 3  # each unit once, whatever number of its vectors matched
    assert all("|q" not in i for i in ids)
    assert hits[0].text == WALL.text  # the verbatim article, never the question

    # Questions switched off but the index not rebuilt: their vectors are not used.
    off = HybridSearcher(UNITS, BM25Index.build(UNITS), emb, store, question_vectors=False)
    top = off.search("业主装修把承重墙砸了个门洞", k=3, mode="dense")[0]
    assert top.unit_id != WALL.unit_id


# --- the bundled file against the real corpus ------------------------------------------------------------


def test_bundled_questions_match_the_corpus(law_store: LawStore) -> None:
    table = load_article_questions(ARTICLE_QUESTIONS_FILE)
    match = questions_for(law_store.units(), table)
    assert not match.stale, f"条文已变更，需重写其检索问句：{match.stale[:5]}"
    assert not match.unknown, f"检索问句对应的条文不在法条库中：{match.unknown[:5]}"
    assert len(match.questions) > 3000
    article_no = re.compile(r"第[一二三四五六七八九十百零\d]+条")
    for uid, questions in match.questions.items():
        assert 1 <= len(questions) <= 4, uid
        assert not any(article_no.search(q) for q in questions), uid


# --- wiring in the search service ------------------------------------------------------------------------


def _service(corpus_dir: Path, data_dir: Path, source: str) -> object:
    from api.settings import Settings
    from retrieval.service import SearchService

    return SearchService(Settings(corpus_dir=corpus_dir, data_dir=data_dir, article_questions=source))


def test_search_service_uses_the_configured_questions(
    corpus_dir: Path, law_store_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import shutil

    target = "北京市物业管理条例@2024-03-29#a98"
    query = "业主拆改承重墙罚多少钱"  # one of the bundled questions of 第九十八条

    def rank(source: str) -> int | None:
        data = tmp_path_factory.mktemp("svc")
        shutil.copy(law_store_path, data / "store.sqlite")
        svc = _service(corpus_dir, data, source)
        # The BM25 index itself: the service's re-ranking (penalty article first) would hide the difference.
        ids = [svc.units[i].unit_id for i, _ in svc.bm25.search(query, k=20)]  # type: ignore[attr-defined]
        return ids.index(target) + 1 if target in ids else None

    with_questions_rank, without_rank = rank("bundled"), rank("off")
    assert with_questions_rank is not None and with_questions_rank <= 3
    assert without_rank is None or without_rank > with_questions_rank

    custom = tmp_path_factory.mktemp("custom") / "q.jsonl"
    unit = next(u for u in _service(corpus_dir, law_store_path.parent, "off").units if u.unit_id == target)  # type: ignore[attr-defined]
    custom.write_text(
        json.dumps(_row(unit, "业主把承重墙砸了个门洞"), ensure_ascii=False) + "\n", encoding="utf-8"
    )
    svc = _service(corpus_dir, tmp_path_factory.mktemp("c"), str(custom))
    assert svc.questions == {target: ("业主把承重墙砸了个门洞",)}  # type: ignore[attr-defined]
