"""Reading statute text the way a reviewer does when checking a decision's legal basis and procedure.

Shared by the `law` and `procedure` criteria (and usable by the others):

* what a penalty provision penalises — the provisions named in its "违反本条例第三十五条第一款第（一）项、
  第（二）项…规定的" clauses, including references inside the same article ("违反第三款规定的",
  "前款", "本条第一款第三项"), which Beijing regulations use when duty and penalty sit in one article;
* which sub-units (款/项) of an article a law's penalty clauses tell apart — a citation that stops above
  them is imprecise;
* how well each 项 of a paragraph matches the facts found, to tell a wrong 项 from a right one;
* the competent department a penalty clause names ("由城市管理综合执法部门…");
* the law name as written in a citation, to tell an abbreviation from the full title;
* the party-kind and hearing thresholds used by the procedure checks.

Everything here is pure text analysis of verbatim store text; nothing is hand-typed law.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.models import Article, LawVersion, Paragraph
from corpus.penalty_refs import NUMBER, is_penalty_text, penalty_reference_index
from review.models import Case, PartyKind

# ---------------------------------------------------------------- local-practice assumptions (not corpus law)

# 《中华人民共和国行政处罚法》第六十三条第一款第（一）项、第（二）项 require telling the party of the right to
# a hearing before a 较大数额 fine or confiscation. What counts as 较大数额 is fixed by each province or
# ministry and is NOT in the corpus. These numbers are a conservative local-practice ASSUMPTION (the level
# used by many departmental hearing rules), not law: at or above them a hearing notice is treated as
# required; between the "verify" and the "required" level the reviewer is asked to check the local
# standard. Adjust them to the jurisdiction's published standard.
HEARING_LARGE_FINE_PERSON = 10_000.0
HEARING_LARGE_FINE_ORG = 100_000.0
HEARING_VERIFY_FINE_PERSON = 5_000.0
HEARING_VERIFY_FINE_ORG = 50_000.0

# Penalty kinds that always call for a hearing notice:
# 《中华人民共和国行政处罚法》第六十三条第一款第（三）项、第（四）项
# (降低资质等级、吊销许可证件；责令停产停业、责令关闭、限制从业).
HEARING_KINDS: tuple[str, ...] = ("降低资质等级", "吊销许可证件", "责令停产停业", "责令关闭", "限制从业")

# ---------------------------------------------------------------- party kind


def party_is_person(case: Case) -> bool | None:
    """True for a 自然人 or 个体工商户 (民法典 第五十四条: a natural person doing business), False for an
    organisation, None when neither the record nor the draft tells.

    Without the record, the draft's identifier tells: a 身份证号 is a person; a 统一社会信用代码 starting with
    92 is a 个体工商户 (GB 32100-2015 登记管理部门码 9 + 机构类别码 2), other codes are organisations.
    """
    party = case.record.party
    if party is not None and party.kind is not None:
        return party.kind in (PartyKind.NATURAL_PERSON, PartyKind.INDIVIDUAL_BUSINESS)
    draft = case.draft
    if draft.party_id_kind == "id_card":
        return True
    if draft.party_id_kind == "uscc" and draft.party_id:
        return draft.party_id.startswith("92")
    return None


def hearing_level(case: Case) -> tuple[str, str | None]:
    """Whether the penalty is one 第六十三条 requires a hearing notice for.

    Returns ("required" | "verify" | "no", reason). Uses the thresholds above (assumption, see there).
    """
    draft = case.draft
    heavy = [k for k in draft.penalty_kinds if k in HEARING_KINDS]
    if heavy:
        return "required", f"处罚种类为{'、'.join(heavy)}"
    person = party_is_person(case)
    amounts = [(a.yuan, label) for a, label in ((draft.fine, "罚款"), (draft.confiscation, "没收违法所得"))
               if a is not None]
    if not amounts:
        return "no", None
    if person is None:
        # Unknown party: "required" only at the organisation level, "verify" from the person level.
        large, maybe, who = HEARING_LARGE_FINE_ORG, HEARING_VERIFY_FINE_PERSON, "当事人（类别未知）"
    elif person:
        large, maybe, who = HEARING_LARGE_FINE_PERSON, HEARING_VERIFY_FINE_PERSON, "自然人（含个体工商户）"
    else:
        large, maybe, who = HEARING_LARGE_FINE_ORG, HEARING_VERIFY_FINE_ORG, "法人或者其他组织"
    for value, label in amounts:
        if value >= large:
            return "required", f"对{who}{label}{value:,.0f}元，达到较大数额参考标准{large:,.0f}元"
    for value, label in amounts:
        if value >= maybe:
            return "verify", (
                f"对{who}{label}{value:,.0f}元，可能达到当地较大数额标准（参考{maybe:,.0f}元起需核实）"
            )
    return "no", None


# ---------------------------------------------------------------- provisions a penalty clause refers to


def finer_units_distinguished(
    version: LawVersion, article: Article, paragraph: int | None, item: int | None = None
) -> list[tuple[int | None, int | None]]:
    """Sub-units below the cited level that the law's own penalty clauses tell apart, e.g. 第一款, 第二款,
    第三款 when 第三十五条 is cited and its 第五款 penalises "违反第一款…违反第二款…违反第三款规定的" with
    different fines. Empty when the citation is as fine as the law needs."""
    if item is not None:
        return []
    named = penalty_reference_index(version).get((article.no, article.suffix), set())
    if paragraph is None:
        if len(article.paragraphs) >= 2:
            return sorted({(p, None) for p, _ in named if p is not None}, key=_sort_key)
        if len(article.paragraphs[0].items) < 2:
            return []
        return sorted({(1, i) for p, i in named if p in (None, 1) and i is not None}, key=_sort_key)
    para = article.paragraphs[paragraph - 1] if 0 < paragraph <= len(article.paragraphs) else None
    if para is None or len(para.items) < 2:
        return []
    return sorted({(p, i) for p, i in named if p == paragraph and i is not None}, key=_sort_key)


def _sort_key(unit: tuple[int | None, int | None]) -> tuple[int, int]:
    return (unit[0] or 0, unit[1] or 0)


def penalty_paragraphs(article: Article) -> list[int]:
    """Numbers of the paragraphs of an article that impose or refer to a penalty."""
    return [p.no for p in article.paragraphs if is_penalty_text(p.text)]


# ---------------------------------------------------------------- competent department

_DEPARTMENT_RE = re.compile(
    r"由(?P<dept>[^，。；：]{2,50}?(?:部门|机关|机构|办事处|人民政府|局|委员会))(?:按照职责|依照|依据|根据|责令|给予|处|没收|对|予以)"
)


def penalty_department(text: str) -> str | None:
    """The department a penalty clause names ("由城市管理综合执法部门责令…" → 城市管理综合执法部门)."""
    m = _DEPARTMENT_RE.search(text)
    return m.group("dept") if m else None


# ---------------------------------------------------------------- items against the facts

_ITEM_MARK_RE = re.compile(r"^\s*[（(][一二三四五六七八九十0-9]+[）)]")
_CITATION_SPAN_RE = re.compile(
    rf"(?:本条例|本法|本规定|本办法)?第{NUMBER}条(?:第{NUMBER}款)?(?:第[（(]?{NUMBER}[）)]?项)?"
)
# Words every item of a penalty or duty list shares: they say nothing about which act it is.
_GENERIC = frozenset({
    "违反", "规定", "本法", "本条", "条例", "行为", "单位", "个人", "或者", "以上", "以下", "按照", "国家",
    "有关", "其他", "责令", "改正", "罚款", "处罚", "部门", "应当", "不得", "进行", "使用", "要求", "符合",
    "标准", "未按", "设置", "情形", "法律", "法规", "行政", "相关", "人员", "以及", "并且", "措施", "采取",
    "规范", "管理",
})
_NON_CJK_RE = re.compile(r"[^\u4e00-\u9fff]+")


def _bigrams(text: str) -> set[str]:
    text = _CITATION_SPAN_RE.sub("|", _ITEM_MARK_RE.sub("", text))
    grams: set[str] = set()
    for run in _NON_CJK_RE.split(text):
        grams.update(run[i : i + 2] for i in range(len(run) - 1))
    return {g for g in grams if g not in _GENERIC}


@dataclass(frozen=True)
class ItemMatch:
    """How many distinctive two-character terms of an item appear in the facts."""

    item: int
    score: int
    shared: tuple[str, ...]


def _unit_matches(units: list[tuple[int, str]], facts: str) -> list[ItemMatch]:
    """Score numbered texts (items or paragraphs) against the facts; terms common to most are ignored."""
    grams = [_bigrams(text) for _, text in units]
    counts: dict[str, int] = {}
    for g in grams:
        for b in g:
            counts[b] = counts.get(b, 0) + 1
    limit = max(2, len(grams) // 2)
    out = []
    for (no, _), g in zip(units, grams, strict=True):
        distinctive = sorted(b for b in g if counts[b] < limit and b in facts)
        out.append(ItemMatch(no, len(distinctive), tuple(distinctive)))
    return out


def item_matches(paragraph: Paragraph, facts: str) -> list[ItemMatch]:
    """Score every item of a paragraph against the facts; terms common to most items are ignored."""
    if len(paragraph.items) < 2:
        return []
    return _unit_matches([(it.no, it.text) for it in paragraph.items], facts)


def matching_paragraph(article: Article, facts: str) -> ItemMatch | None:
    """The one paragraph of a several-paragraph article the facts clearly describe (at least 4 distinctive
    terms, three times as many as any other paragraph), or None when it cannot be told."""
    if len(article.paragraphs) < 2:
        return None
    ranked = sorted(_unit_matches([(p.no, p.text) for p in article.paragraphs], facts), key=lambda m: -m.score)
    best, second = ranked[0], ranked[1].score
    if best.score >= 4 and best.score >= max(3 * second, second + 4):
        return best
    return None


def better_item(paragraph: Paragraph, cited_item: int, facts: str) -> tuple[ItemMatch, ItemMatch] | None:
    """(cited, better) when another item of the paragraph clearly matches the facts and the cited one not.

    "Clearly": the other item shares at least 4 distinctive terms with the facts, at least three times as
    many as the cited item, and the cited item shares at most 2. Otherwise None (no guessing).
    """
    matches = item_matches(paragraph, facts)
    cited = next((m for m in matches if m.item == cited_item), None)
    if cited is None:
        return None
    others = sorted((m for m in matches if m.item != cited_item), key=lambda m: -m.score)
    if not others:
        return None
    best = others[0]
    runner_up = others[1].score if len(others) > 1 else 0
    if (best.score >= 4 and cited.score <= 2 and best.score >= max(3 * cited.score, cited.score + 4)
            and best.score > runner_up):
        return cited, best
    return None


# ---------------------------------------------------------------- law names as written

_VERSION_SUFFIX_RE = re.compile(r"[（(][^（）()]*(?:年|修正|修订|试行|版)[^（）()]*[）)]$")


def written_law_name(citation_text: str) -> str | None:
    """The law name inside the leading 《》 of a citation as written, or None (该法, 本条例, a bare 第X条)."""
    text = citation_text.strip()
    if not text.startswith("《"):
        return None
    end = text.find("》")
    return text[1:end].strip() if end > 1 else None


def bare_title(title: str) -> str:
    """A law title without a trailing version note: 中华人民共和国行政复议法（2017年修正） → …行政复议法."""
    return _VERSION_SUFFIX_RE.sub("", title.strip())


def defined_abbreviations(text: str) -> set[str]:
    """Short names the draft itself defines: （以下简称《行政处罚法》） or （以下简称“处罚法”）."""
    return {m.group(1) for m in re.finditer(r"以下简称[《“\"「]?([^》”\"」）)，,]{2,30})", text)}


def _terms(text: str) -> set[str]:
    grams = {text[i : i + 2] for i in range(len(text) - 1)} - {"规定", "本法", "条例", "的规", "本条"}
    return {g for g in grams if not _NON_CJK_RE.search(g)}


def similarity(a: str, b: str) -> float:
    """Share of `a`'s two-character terms found in `b` (0..1); a cheap measure of what a text is about."""
    grams = _terms(a)
    if not grams:
        return 0.0
    return sum(1 for g in grams if g in b) / len(grams)


def shared_terms(a: str, b: str) -> int:
    """How many distinct two-character terms two texts share."""
    return len(_terms(a) & _terms(b))


def shared_phrases(a: str, b: str, min_len: int = 2) -> list[str]:
    """Maximal runs of `a` (Chinese characters only) also found in `b`, longest first, no repeats."""
    out: list[str] = []
    for run in _NON_CJK_RE.split(_ITEM_MARK_RE.sub("", a)):
        i = 0
        while i < len(run):
            j = i + min_len
            if run[i:j] not in b or j > len(run):
                i += 1
                continue
            while j < len(run) and run[i : j + 1] in b:
                j += 1
            phrase = run[i:j]
            if phrase not in _GENERIC and not any(phrase in seen for seen in out):
                out.append(phrase)
            i = j
    return sorted(out, key=len, reverse=True)


def unit_label(article: Article, paragraph: int | None, item: int | None) -> str:
    """第三十五条第三款 / 第六十条第一款第（三）项 for a unit of `article`."""
    from corpus.citations import format_citation

    return format_citation(None, article.no, article.suffix, paragraph, item)
