"""Citation resolver: free text → every citation → the verbatim unit in force on a date, or a typed failure.

Parsing is pure (`corpus.citations`); lookup goes through the small `StatuteSource` protocol, which
`corpus.store.LawStore` implements and tests can fake.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from corpus.citations import CitationRef, find_citations, format_citation
from corpus.models import Article, LawVersion, statute_unit_id


class StatuteSource(Protocol):
    """What the resolver needs from a store."""

    def find_law(self, name: str) -> str | None: ...

    def versions(self, law_key: str) -> list[LawVersion]: ...

    def known_law_names(self) -> list[str]: ...


class Failure(StrEnum):
    """Why a citation could not be verified."""

    LAW_NOT_IN_CORPUS = "law_not_in_corpus"
    NO_LAW_NAMED = "no_law_named"
    ARTICLE_NOT_FOUND = "article_not_found"
    PARAGRAPH_MISSING = "paragraph_missing"
    ITEM_MISSING = "item_missing"
    VERSION_NOT_IN_FORCE = "version_not_in_force"


class Resolution(BaseModel):
    """A citation resolved for a date: either verbatim text from the store, or a typed failure."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ref: CitationRef = Field(description="The citation as parsed from the text.")
    on: date = Field(description="The date the citation was resolved for.")
    failure: Failure | None = Field(default=None, description="None when resolved.")
    message: str = Field(description="Chinese explanation: what was found, or why not.")
    law_key: str | None = Field(default=None, description="Law key when the law is in the corpus.")
    law_title: str | None = Field(default=None, description="Full title of the law.")
    version_effective: date | None = Field(default=None, description="Effective date of the version used.")
    version_expired: date | None = Field(default=None, description="Last day of that version, if any.")
    in_force_version: date | None = Field(
        default=None, description="Effective date of the version in force on `on`, when it differs or fails."
    )
    unit_id: str | None = Field(default=None, description="Most specific unit resolved (article/款/项).")
    article_unit_id: str | None = Field(default=None, description="Unit id of the whole article.")
    label: str | None = Field(default=None, description="e.g. 第六十三条第一款第（一）项.")
    citation: str | None = Field(default=None, description="Normalised full citation with the full law title.")
    text: str | None = Field(default=None, description="Verbatim text of the most specific unit.")
    article_text: str | None = Field(default=None, description="Verbatim text of the whole article.")

    @property
    def ok(self) -> bool:
        return self.failure is None


# A version hint written after the law name: 《中华人民共和国行政复议法》（2017年修正） or (2023年修订).
_VERSION_HINT = re.compile(r"[（(](\d{4})年(?:修正|修订|版|公布|通过)?[）)]")


def _pick_version(versions: list[LawVersion], day: date, year_hint: int | None) -> tuple[LawVersion | None, LawVersion | None]:
    """(version to quote, version in force on day). With a year hint the hinted version is quoted."""
    in_force = next((v for v in versions if v.in_force_on(day)), None)
    if year_hint is not None:
        hinted = [v for v in versions if (v.promulgated or v.effective).year == year_hint or v.effective.year == year_hint]
        if hinted:
            return hinted[-1], in_force
    return in_force, in_force


def _find_article(v: LawVersion, no: int, suffix: int) -> Article | None:
    return next((a for a in v.articles if a.no == no and a.suffix == suffix), None)


def resolve_ref(
    ref: CitationRef, on: date, store: StatuteSource, *, default_law: str | None = None
) -> Resolution:
    """Resolve one parsed citation for a date. `default_law` names the law meant by 本法/本条例 or a bare 第X条."""
    name = ref.law_name or default_law
    if not name:
        return Resolution(
            ref=ref, on=on, failure=Failure.NO_LAW_NAMED,
            message=f"“{ref.text}”未写明所属法律法规名称，无法核验；请写明法规全称。",
        )
    key = store.find_law(name)
    if key is None:
        return Resolution(
            ref=ref, on=on, failure=Failure.LAW_NOT_IN_CORPUS,
            message=f"语料库中没有《{name}》，“{ref.text}”无法核验（unverified）；请人工核对该法规原文。",
        )
    versions = store.versions(key)
    # A version hint between the law name and 第 is part of the citation's span: 《行政复议法》（2017年修正）第九条.
    hint_match = _VERSION_HINT.search(ref.text)
    year_hint = int(hint_match.group(1)) if hint_match else None
    version, in_force = _pick_version(versions, on, year_hint)
    title = versions[-1].title
    spans = "；".join(f"{v.effective.isoformat()}起{('至' + v.expired.isoformat()) if v.expired else ''}" for v in versions)
    if version is None:
        return Resolution(
            ref=ref, on=on, failure=Failure.VERSION_NOT_IN_FORCE, law_key=key, law_title=title,
            message=(
                f"《{title}》在{on.isoformat()}没有语料库收录的有效文本（已收录版本：{spans}）；"
                "该日适用的版本未收录，请人工核对。"
            ),
        )
    art = _find_article(version, ref.article_no, ref.article_suffix)
    label = format_citation(version.title, ref.article_no, ref.article_suffix, ref.paragraph, ref.item)
    base = dict(
        ref=ref, on=on, law_key=key, law_title=version.title, version_effective=version.effective,
        version_expired=version.expired, in_force_version=in_force.effective if in_force else None,
        citation=label,
    )
    if art is None:
        last = version.articles[-1]
        return Resolution(
            **base, failure=Failure.ARTICLE_NOT_FOUND,  # type: ignore[arg-type]
            message=(
                f"《{version.title}》（{version.effective.isoformat()}施行版）没有"
                f"{format_citation('', ref.article_no, ref.article_suffix, None, None).lstrip('《》')}："
                f"该版本共{len(version.articles)}条，末条为{last.label}。"
            ),
        )
    article_uid = statute_unit_id(key, version.effective, art.no, art.suffix)
    unit_id, text = article_uid, art.text
    if ref.paragraph is not None:
        if ref.paragraph > len(art.paragraphs):
            return Resolution(
                **base, failure=Failure.PARAGRAPH_MISSING, article_unit_id=article_uid,  # type: ignore[arg-type]
                article_text=art.text,
                message=f"《{version.title}》{art.label}只有{len(art.paragraphs)}款，没有第{ref.paragraph}款。",
            )
        para = art.paragraphs[ref.paragraph - 1]
        unit_id = statute_unit_id(key, version.effective, art.no, art.suffix, ref.paragraph)
        text = para.text
        if ref.item is not None:
            if ref.item > len(para.items):
                return Resolution(
                    **base, failure=Failure.ITEM_MISSING, article_unit_id=article_uid,  # type: ignore[arg-type]
                    article_text=art.text,
                    message=(
                        f"《{version.title}》{art.label}第{ref.paragraph}款"
                        f"{'只有' + str(len(para.items)) + '项' if para.items else '不分项'}，没有第{ref.item}项。"
                    ),
                )
            unit_id = statute_unit_id(key, version.effective, art.no, art.suffix, ref.paragraph, ref.item)
            text = para.items[ref.item - 1].text
    elif ref.item is not None:
        # 第X条第（Y）项 without 款: the items of a single-paragraph article, or of its first itemised paragraph.
        itemised = [(i, p) for i, p in enumerate(art.paragraphs, 1) if p.items]
        if not itemised or ref.item > len(itemised[0][1].items):
            return Resolution(
                **base, failure=Failure.ITEM_MISSING, article_unit_id=article_uid,  # type: ignore[arg-type]
                article_text=art.text, message=f"《{version.title}》{art.label}没有第{ref.item}项。",
            )
        para_no, para_with_items = itemised[0]
        unit_id = statute_unit_id(key, version.effective, art.no, art.suffix, para_no, ref.item)
        text = para_with_items.items[ref.item - 1].text
    if in_force is None or version.effective != in_force.effective:
        msg = (
            f"引用的是《{version.title}》{version.effective.isoformat()}施行版，该版本在{on.isoformat()}不是有效版本"
            + (f"（当日有效的是{in_force.effective.isoformat()}施行版）" if in_force else "（当日无收录的有效版本）")
            + "。"
        )
        return Resolution(
            **base, failure=Failure.VERSION_NOT_IN_FORCE, unit_id=unit_id,  # type: ignore[arg-type]
            article_unit_id=article_uid, label=label, text=text, article_text=art.text, message=msg,
        )
    return Resolution(
        **base, unit_id=unit_id, article_unit_id=article_uid, label=label, text=text,  # type: ignore[arg-type]
        article_text=art.text, message=f"已核验：{label}（{version.effective.isoformat()}施行版）。",
    )


def resolve_text(text: str, on: date, store: StatuteSource, *, default_law: str | None = None) -> list[Resolution]:
    """Find and resolve every citation in `text`. 本法/本条例 resolve to `default_law` when given."""
    out = []
    for ref in find_citations(text, known_laws=store.known_law_names()):
        out.append(resolve_ref(ref, on, store, default_law=default_law))
    return out


def cite_article(store: StatuteSource, law: str, article_no: int, on: date, *, suffix: int = 0,
                 paragraph: int | None = None, item: int | None = None) -> Resolution:
    """Resolve a citation given as parts (CLI `fashen article`, review checks)."""
    ref = CitationRef(
        law_name=law, self_reference=False, article_no=article_no, article_suffix=suffix,
        paragraph=paragraph, item=item, text=format_citation(law, article_no, suffix, paragraph, item),
        start=0, end=0,
    )
    return resolve_ref(ref, on, store)
