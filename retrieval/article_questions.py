"""Questions each statute article (and policy section) answers, in the words users type: document expansion.

Users describe a violation in everyday words ("业主把承重墙砸了个门洞", "不服罚款想去法院告，要多久之内起诉");
statutes say "擅自变动房屋建筑主体和承重结构" and "应当自知道或者应当知道作出行政行为之日起六个月内提出".
Neither BM25 nor a small embedding model bridges that gap reliably. `data/article_questions.jsonl` stores,
for each statute article and policy-document section, 2-4 questions or fact patterns that the article answers (doc2query: drafted article by
article by AI assistants during development, who had not seen the evaluation queries; not reviewed by a
lawyer, which is tolerable only because they steer the search and are never shown). They are search aids only: they are
indexed next to the article (BM25 text, extra dense vectors) and are never shown or cited as law.

Each entry carries a hash of the article text it was written for: when the corpus text of that unit
changes, its questions are dropped (they may no longer be true) until they are rewritten.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from corpus.models import SearchUnit

ARTICLE_QUESTIONS_FILE = Path(__file__).with_name("data") / "article_questions.jsonl"


class ArticleQuestionsError(ValueError):
    """The questions file cannot be read; the message names the file and line."""


class ArticleQuestions(BaseModel):
    """One line of the questions file."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    unit_id: str = Field(
        min_length=3,
        description="Unit id: a statute article (行政处罚法@2021-07-15#a63) or a policy section.",
    )
    text_sha: str = Field(
        pattern=r"^[0-9a-f]{16}$", description="First 16 hex digits of sha256 of the unit text."
    )
    questions: tuple[str, ...] = Field(
        min_length=1, description="Questions / fact patterns the article answers (4-60 characters each)."
    )


def text_sha(text: str) -> str:
    """The `text_sha` of an article text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@cache
def load_article_questions(path: Path = ARTICLE_QUESTIONS_FILE) -> dict[str, ArticleQuestions]:
    """unit_id → entry. Strict: a malformed line, a too short/long question or a repeated id is an error."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ArticleQuestionsError(
            f"无法读取条文问句文件 {path}：{exc}。请检查文件是否存在且为 UTF-8 编码。"
        ) from exc
    out: dict[str, ArticleQuestions] = {}
    for no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entry = ArticleQuestions.model_validate_json(line)
        except ValidationError as exc:
            raise ArticleQuestionsError(f"{path.name} 第 {no} 行格式错误：{exc}") from exc
        if entry.unit_id in out:
            raise ArticleQuestionsError(
                f"{path.name} 第 {no} 行：条文 {entry.unit_id} 重复出现，请合并为一行。"
            )
        bad = [q for q in entry.questions if not 4 <= len(q.strip()) <= 60]
        if bad:
            raise ArticleQuestionsError(
                f"{path.name} 第 {no} 行：问句长度应为 4-60 字，问题问句：{bad[0]!r}。"
            )
        out[entry.unit_id] = entry
    return out


@dataclass(frozen=True)
class QuestionMatch:
    """The questions that apply to the current units, and how many entries were left out and why."""

    questions: dict[str, tuple[str, ...]]
    stale: tuple[str, ...]  # the article text changed since the questions were written
    unknown: tuple[str, ...]  # no such unit in the store (law or version removed)


def questions_for(units: Sequence[SearchUnit], table: Mapping[str, ArticleQuestions]) -> QuestionMatch:
    """Questions of the units whose text is still the text they were written for."""
    by_id = {u.unit_id: u for u in units}
    questions: dict[str, tuple[str, ...]] = {}
    stale: list[str] = []
    unknown: list[str] = []
    for uid, entry in table.items():
        unit = by_id.get(uid)
        if unit is None:
            unknown.append(uid)
        elif text_sha(unit.text) != entry.text_sha:
            stale.append(uid)
        else:
            questions[uid] = tuple(q.strip() for q in entry.questions)
    return QuestionMatch(questions, tuple(sorted(stale)), tuple(sorted(unknown)))


def with_questions(units: Sequence[SearchUnit], questions: Mapping[str, Sequence[str]]) -> list[SearchUnit]:
    """Units for the BM25 index, each followed by its questions (hits still show the verbatim text)."""
    return [
        u.model_copy(update={"text": u.text + "\n" + "\n".join(questions[u.unit_id])})
        if questions.get(u.unit_id)
        else u
        for u in units
    ]
