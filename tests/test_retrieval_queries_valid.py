"""The retrieval query set is well-formed and every gold label points at real corpus text.

The statutes are read here with a deliberately small regex reader (YAML header fields + `第…条` lines),
independent of the real parser, so a parser bug cannot make a wrong label look right.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

import cn2an
import pytest

from evals.retrieval_metrics import (
    DEFAULT_QUERIES_PATH,
    HOLDOUT_QUERIES_PATH,
    DocTarget,
    EvalQuery,
    QType,
    StatuteTarget,
    TableTarget,
    load_queries,
)

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
TABLE_FILES = {"江门2020": "江门市生态环境违法行为行政处罚自由裁量权裁量标准参照表_2020.csv"}
MINIMUM = {QType.CITATION: 40, QType.PLAIN: 25, QType.VIOLATION: 25, QType.POLICY: 15, QType.DATE: 15}
MIN_CITED_LAWS = 15
# Plain and violation queries paraphrase: no run of this many characters copied from a gold article.
MAX_COPIED_RUN = 12

pytestmark = pytest.mark.skipif(not (CORPUS / "statutes").is_dir(), reason=f"语料目录不存在：{CORPUS}")

ARTICLE_LINE = re.compile(
    r"^第([零〇一二三四五六七八九十百千]+)条(?:之([一二三四五六七八九十]+))?(?=[\s　]|$)"
)


def _header_field(header: str, name: str) -> str | None:
    m = re.search(rf"^{name}:\s*['\"]?(.*?)['\"]?\s*$", header, re.M)
    return m.group(1) if m else None


@dataclass
class Version:
    law_key: str
    effective: dt.date
    expiry: dt.date | None
    article_count: int | None
    articles: dict[str, str] = field(default_factory=dict)  # "a63" / "a20-1" → article text


def _read_statute(path: Path) -> Version:
    text = path.read_text(encoding="utf-8")
    _, header, body = text.split("---", 2)
    title = _header_field(header, "title")
    effective = _header_field(header, "effective_date")
    assert title and effective, f"{path.name}: header lacks title/effective_date"
    law_key = re.sub(r"（[^（）]*）$", "", re.sub(r"^中华人民共和国", "", title))
    expiry = _header_field(header, "expiry_date")
    count = _header_field(header, "article_count")
    v = Version(
        law_key,
        dt.date.fromisoformat(effective),
        dt.date.fromisoformat(expiry) if expiry else None,
        int(count) if count else None,
    )
    current: str | None = None
    for line in body.splitlines():
        m = ARTICLE_LINE.match(line)
        if m:
            no = int(cn2an.cn2an(m.group(1), "smart"))
            current = f"a{no}" + (f"-{int(cn2an.cn2an(m.group(2), 'smart'))}" if m.group(2) else "")
            v.articles[current] = line
        elif line.startswith("#"):
            current = None
        elif current and line.strip():
            v.articles[current] += "\n" + line
    return v


@pytest.fixture(scope="module")
def statutes() -> dict[str, Version]:
    versions = [_read_statute(p) for p in sorted((CORPUS / "statutes").glob("*.md"))]
    return {f"{v.law_key}@{v.effective.isoformat()}": v for v in versions}


@pytest.fixture(scope="module")
def documents() -> dict[str, str]:
    paths = [*(CORPUS / "policy").glob("*.md"), *(CORPUS / "discretion").glob("*.md")]
    return {p.stem: p.read_text(encoding="utf-8") for p in paths if p.name != "README.md"}


@pytest.fixture(scope="module")
def table_items() -> dict[str, set[str]]:
    items: dict[str, set[str]] = {}
    for key, name in TABLE_FILES.items():
        with (CORPUS / "discretion" / name).open(encoding="utf-8", newline="") as f:
            items[key] = {r["序号"].strip() for r in csv.DictReader(f)}
    return items


@pytest.fixture(scope="module", params=[DEFAULT_QUERIES_PATH, HOLDOUT_QUERIES_PATH], ids=["main", "holdout"])
def queries(request: pytest.FixtureRequest) -> list[EvalQuery]:
    """Both query sets: every gold label is checked against the corpus in each."""
    return load_queries(request.param)


@pytest.fixture(scope="module")
def main_queries() -> list[EvalQuery]:
    """The main set, whose size and mix of query types are required by the retrieval evaluation."""
    return load_queries(DEFAULT_QUERIES_PATH)


def test_holdout_set_is_separate_and_mixed() -> None:
    holdout = load_queries(HOLDOUT_QUERIES_PATH)
    main = load_queries(DEFAULT_QUERIES_PATH)
    assert len(holdout) >= 50
    assert {q.id for q in holdout}.isdisjoint(q.id for q in main)
    assert {q.query for q in holdout}.isdisjoint(q.query for q in main)
    assert {QType.PLAIN, QType.VIOLATION, QType.POLICY, QType.DATE} <= {q.qtype for q in holdout}


def _statute_golds(q: EvalQuery) -> list[str]:
    return [g.unit_id for g in q.gold if isinstance(g, StatuteTarget)]


def test_reader_sees_every_article_the_headers_count(statutes: dict[str, Version]) -> None:
    # Guards the regex reader itself: one version per file, articles 1..article_count without gaps.
    assert len(statutes) == len(list((CORPUS / "statutes").glob("*.md")))
    off = {
        vid: (len(v.articles), v.article_count)
        for vid, v in statutes.items()
        if list(v.articles) != [f"a{i}" for i in range(1, (v.article_count or 0) + 1)]
    }
    assert off == {}
    assert "行政复议法@2018-01-01" in statutes and "行政复议法@2024-01-01" in statutes


def test_size_and_type_mix(main_queries: list[EvalQuery]) -> None:
    assert len(main_queries) >= 120
    counts = Counter(q.qtype for q in main_queries)
    short = {qt.value: (counts[qt], n) for qt, n in MINIMUM.items() if counts[qt] < n}
    assert short == {}, f"qtype (have, need): {short}"


def test_ids_unique_and_prefixed_by_type(main_queries: list[EvalQuery]) -> None:
    ids = [q.id for q in main_queries]
    assert len(ids) == len(set(ids))
    prefix = {
        QType.CITATION: "cite",
        QType.PLAIN: "plain",
        QType.VIOLATION: "viol",
        QType.POLICY: "pol",
        QType.DATE: "date",
    }
    wrong = [q.id for q in main_queries if q.id.split("-")[0] != prefix[q.qtype]]
    assert wrong == []


def test_no_duplicate_question_on_the_same_day(queries: list[EvalQuery]) -> None:
    seen = Counter((q.query, q.date) for q in queries)
    assert [k for k, n in seen.items() if n > 1] == []


def test_citations_span_many_laws(main_queries: list[EvalQuery]) -> None:
    laws = {uid.split("@")[0] for q in main_queries if q.qtype is QType.CITATION for uid in _statute_golds(q)}
    assert len(laws) >= MIN_CITED_LAWS, sorted(laws)


def test_statute_golds_exist(queries: list[EvalQuery], statutes: dict[str, Version]) -> None:
    missing = []
    for q in queries:
        for uid in _statute_golds(q):
            version, _, article = uid.partition("#")
            article = article.split(".")[0]
            if version not in statutes or article not in statutes[version].articles:
                missing.append(f"{q.id}: {uid}")
    assert missing == []


def test_dated_golds_are_the_version_in_force(queries: list[EvalQuery], statutes: dict[str, Version]) -> None:
    wrong = []
    for q in queries:
        if q.date is None:
            continue
        for uid in _statute_golds(q):
            v = statutes[uid.split("#")[0]]
            in_force = v.effective <= q.date and (v.expiry is None or q.date <= v.expiry)
            newer = [
                other
                for other in statutes.values()
                if other.law_key == v.law_key and v.effective < other.effective <= q.date
            ]
            if not in_force or newer:
                wrong.append(f"{q.id} ({q.date}): {uid}")
    assert wrong == []


def test_date_queries_ask_the_same_question_of_different_versions(main_queries: list[EvalQuery]) -> None:
    # Some question is asked on two dates and expects two versions (行政复议法 2017 vs 2023).
    by_text: dict[str, set[str]] = {}
    for q in main_queries:
        if q.qtype is QType.DATE:
            by_text.setdefault(q.query, set()).update(uid.split("#")[0] for uid in _statute_golds(q))
    assert any(len(v) >= 2 for v in by_text.values())


def test_doc_golds_quote_the_named_document(queries: list[EvalQuery], documents: dict[str, str]) -> None:
    bad = []
    for q in queries:
        for g in q.gold:
            if not isinstance(g, DocTarget):
                continue
            if g.doc not in documents:
                bad.append(f"{q.id}: no document {g.doc}")
            elif g.contains not in documents[g.doc]:
                bad.append(f"{q.id}: {g.doc} lacks {g.contains!r}")
            elif not 8 <= len(g.contains) <= 30:
                bad.append(f"{q.id}: phrase length {len(g.contains)} outside 8–30")
    assert bad == []


def test_table_golds_exist(queries: list[EvalQuery], table_items: dict[str, set[str]]) -> None:
    bad = [
        f"{q.id}: {g.table} {g.item_no}"
        for q in queries
        for g in q.gold
        if isinstance(g, TableTarget) and g.item_no not in table_items.get(g.table, set())
    ]
    assert bad == []


def test_violation_golds_are_penalty_articles(queries: list[EvalQuery], statutes: dict[str, Version]) -> None:
    # A fact pattern's answer is the article that sanctions it, not the one stating the duty.
    duty_only = []
    for q in queries:
        if q.qtype is not QType.VIOLATION:
            continue
        for uid in _statute_golds(q):
            text = statutes[uid.split("#")[0]].articles[uid.split("#")[1]]
            if "罚" not in text and "处理" not in text:
                duty_only.append(f"{q.id}: {uid}")
    assert duty_only == []


def test_plain_and_violation_queries_paraphrase(
    queries: list[EvalQuery], statutes: dict[str, Version]
) -> None:
    copied = []
    for q in queries:
        if q.qtype not in (QType.PLAIN, QType.VIOLATION):
            continue
        for uid in _statute_golds(q):
            text = statutes[uid.split("#")[0]].articles[uid.split("#")[1]]
            matcher = SequenceMatcher(None, q.query, text, autojunk=False)
            m = matcher.find_longest_match(0, len(q.query), 0, len(text))
            if m.size > MAX_COPIED_RUN:
                copied.append(f"{q.id}: {q.query[m.a : m.a + m.size]}")
    assert copied == []
