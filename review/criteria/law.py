"""Criterion: law (法律适用). Rules are registered with `review.engine.rule`.

What a reviewer checks on the legal basis of a draft 行政处罚决定书:

* every cited provision exists (条/款/项) in the version in force on the relevant date, and is verifiable;
* a cited article number of a law that was revised is not the old number (行政复议法 第九条 → 第二十条);
* a law the corpus records as repealed (“《…》同时废止”) is not cited after its repeal;
* the penalty provision actually penalises the provision found violated, and belongs to a law that the
  violated law is connected with (same field, one naming the other, or a referral to other laws);
* 款/项 are given where the article distinguishes them, and the 项 cited fits the facts;
* law names are written in full;
* 从旧兼从轻 when the law changed between act and decision; the limitation period.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from corpus.models import Article, LawVersion
from corpus.numerals import find_amount_ranges
from corpus.penalty_refs import ProvisionRef, cited_unit_paragraphs, penalised_by
from corpus.resolver import Failure, Resolution
from review.criteria.provisions import (
    bare_title,
    better_item,
    defined_abbreviations,
    finer_units_distinguished,
    matching_paragraph,
    penalty_paragraphs,
    shared_phrases,
    shared_terms,
    similarity,
    unit_label,
    written_law_name,
)
from review.dates import add_months
from review.engine import ReviewContext, RuleOutcome, rule
from review.models import Citation, CitedProvision, Criterion, Finding, Severity
from review.params import ParameterError, param

LAW = Criterion.LAW
PUNISH_LAW = "中华人民共和国行政处罚法"
SUBSTANTIVE = ("violated", "penalty")
_MISSING_UNIT = {Failure.ARTICLE_NOT_FOUND: "条", Failure.PARAGRAPH_MISSING: "款", Failure.ITEM_MISSING: "项"}
_ROLE_NAMES = {"violated": "违法条款", "penalty": "处罚依据", "procedure": "程序条款", "other": "引用条款"}


# ---------------------------------------------------------------- helpers


def _finding(
    severity: Severity, code: str, title: str, detail: str, *, quote: str | None = None,
    citations: Iterable[Citation] = (), suggestion: str | None = None, verify: bool = False,
) -> Finding:
    return Finding(
        criterion=LAW, severity=severity, code=code, title=title, detail=detail, quote=quote,
        citations=tuple(citations), suggestion=suggestion, verify=verify,
    )


def _unique(ctx: ReviewContext) -> list[tuple[CitedProvision, Resolution]]:
    """Resolved citations without repeats (a 罚则 quoted and then applied is cited twice)."""
    seen: set[tuple[str | None, int | None, int, int | None, int | None, str]] = set()
    out = []
    for cp, res in ctx.resolved_citations:
        key = (res.law_key or cp.law_name, cp.article_no, cp.article_suffix, cp.paragraph, cp.item, cp.role)
        if key in seen:
            continue
        seen.add(key)
        out.append((cp, res))
    return out


def _version(ctx: ReviewContext, res: Resolution) -> LawVersion | None:
    if res.law_key is None or res.version_effective is None:
        return None
    return next((v for v in ctx.store.versions(res.law_key) if v.effective == res.version_effective), None)


def _article(version: LawVersion, no: int, suffix: int) -> Article | None:
    return next((a for a in version.articles if a.no == no and a.suffix == suffix), None)


def _label(cp: CitedProvision, title: str | None = None) -> str:
    from corpus.citations import format_citation

    if cp.article_no is None:
        return cp.text
    return format_citation(title or cp.law_name, cp.article_no, cp.article_suffix, cp.paragraph, cp.item)


def _sentence(text: str, needle: str) -> str:
    """The sentence of `text` that contains `needle` (empty when absent)."""
    pos = text.find(needle)
    if pos < 0:
        return ""
    left = max(text.rfind(mark, 0, pos) for mark in "。；\n") + 1
    ends = [e for e in (text.find(mark, pos) for mark in "。；\n") if e >= 0]
    return text[left : min(ends) if ends else len(text)]


def _is_remedy(cp: CitedProvision, ctx: ReviewContext) -> bool:
    """A citation in the 复议/诉讼 sentence (the remedy told to the party), not a substantive provision."""
    if cp.role in SUBSTANTIVE:
        return False
    return bool(re.search(r"复议|诉讼|起诉", _sentence(ctx.draft.text, cp.text)))


def _cite_punish(ctx: ReviewContext, article: int, paragraph: int | None = None, item: int | None = None
                 ) -> Citation:
    return ctx.cite(PUNISH_LAW, article, paragraph, item)


# ---------------------------------------------------------------- existence and versions


@rule("law.citation_valid", LAW, "引用条文存在且在相关日期有效",
      "《中华人民共和国行政处罚法》第三十八条第一款、第五十九条第一款第（三）项")
def citation_valid(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    unverified_laws: set[str] = set()
    for cp, res in _unique(ctx):
        substantive = cp.role in SUBSTANTIVE
        role = _ROLE_NAMES.get(cp.role, "引用条款")
        day = ctx.procedure_date if cp.role == "procedure" else ctx.law_date
        if res.ok:
            out.checked.append(f"{role}{res.citation}：{res.message}")
            continue
        basis = [_cite_punish(ctx, 38, 1), _cite_punish(ctx, 59, 1, 3)] if substantive else [
            _cite_punish(ctx, 59, 1, 3)]
        if res.failure in (Failure.LAW_NOT_IN_CORPUS,):
            name = cp.law_name or cp.text
            if name in unverified_laws:
                continue
            unverified_laws.add(name)
            if regional_title(ctx, name) is not None:
                continue  # a regional law written without its region: law.full_name reports it
            repeal = repealed_law(ctx.store, name)
            if repeal is not None:
                out.findings.append(_repealed_finding(ctx, cp, name, repeal, day, substantive, role, basis))
                continue
            out.findings.append(_finding(
                Severity.HINT, "law.citation_valid.unverified", f"《{name}》未收录于语料库，引用无法核验",
                f"{role}“{cp.text}”所属的《{name}》不在语料库中，未能核对其条文是否存在、是否有效、内容是否与"
                "决定书援引的一致（unverified）。",
                quote=cp.text, citations=[], verify=True,
                suggestion=f"请人工查阅《{name}》在{day.isoformat()}有效的文本，核对所引条款。",
            ))
        elif res.failure is Failure.NO_LAW_NAMED:
            if substantive:
                out.findings.append(_finding(
                    Severity.GENERAL, "law.citation_valid.no_law", f"{role}未写明所属法律法规",
                    f"“{cp.text}”没有写明属于哪部法律法规，当事人无法据此知悉处罚依据。", quote=cp.text,
                    citations=basis, suggestion="写明法律法规全称，例如《××条例》第×条第×款。",
                ))
        elif res.failure in (Failure.ARTICLE_NOT_FOUND, Failure.PARAGRAPH_MISSING, Failure.ITEM_MISSING):
            severe = substantive
            what = _MISSING_UNIT[res.failure]
            out.findings.append(_finding(
                Severity.SEVERE if severe else Severity.GENERAL, "law.citation_valid.not_found",
                f"{role}引用的{what}不存在：{cp.text}",
                f"{res.message}决定书作为{role}援引的“{cp.text}”在该法规中不存在"
                + ("，属适用依据错误。" if severe else "，属引用错误。"),
                quote=cp.text, citations=basis,
                suggestion="核对法规原文，改为实际规定该内容的条款"
                + ("；依据改正后应重新审核。" if severe else "。"),
            ))
        elif res.failure is Failure.VERSION_NOT_IN_FORCE:
            if res.text is None:
                # The corpus lacks the version in force that day: a gap of the corpus, not of the draft.
                key = f"{res.law_title}@{day.isoformat()}"
                if key in unverified_laws:
                    continue
                unverified_laws.add(key)
                out.findings.append(_finding(
                    Severity.HINT, "law.citation_valid.version_unverified",
                    f"《{res.law_title}》{day.isoformat()}有效的文本未收录，引用无法核验",
                    res.message, quote=cp.text, verify=True,
                    suggestion=f"请人工核对《{res.law_title}》在{day.isoformat()}有效的文本及所引条款。",
                ))
            else:
                severe = substantive and not _is_remedy(cp, ctx)
                out.findings.append(_finding(
                    Severity.SEVERE if severe else Severity.GENERAL, "law.citation_valid.version",
                    f"{role}引用了非有效版本：{cp.text}",
                    res.message
                    + ("引用不在有效期内的文本，属适用依据错误。" if severe else "属引用版本错误，应改正。"),
                    quote=cp.text, citations=basis,
                    suggestion=f"改为引用{day.isoformat()}有效的《{res.law_title}》相应条款。",
                ))
    return out


# ---------------------------------------------------------------- laws a corpus law repealed

_REPEAL_SENTENCE_RE = re.compile(r"[^。]*同时废止")
_IN_FORCE_FROM_RE = re.compile(r"自(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日起施行")
_TITLE_IN_SENTENCE_RE = re.compile(r"《(?P<title>[^《》]+)》")


@dataclass(frozen=True)
class Repeal:
    """A law that a law in the corpus repealed (“《…》同时废止”), from the day the new law took effect."""

    old: str
    by: str
    article: int
    on: dt.date


_REPEALS: dict[str, dict[str, Repeal]] = {}


def _plain_title(name: str) -> str:
    return bare_title(name.strip("《》 ")).removeprefix("中华人民共和国")


def repeals(store: Any) -> dict[str, Repeal]:
    """Laws named as repealed in the final provisions of the corpus' laws, by plain title (cached per corpus)."""
    key = str(store.corpus_version)
    if key in _REPEALS:
        return _REPEALS[key]
    found: dict[str, Repeal] = {}
    seen: set[str] = set()
    for name in store.known_law_names():
        law_key = store.find_law(name)
        if law_key is None or law_key in seen:
            continue
        seen.add(law_key)
        for version in store.versions(law_key):
            for art in version.articles[-3:]:
                for sentence in _REPEAL_SENTENCE_RE.findall(art.text):
                    start = _IN_FORCE_FROM_RE.search(art.text)
                    if start is None:
                        continue
                    on = dt.date(int(start.group("y")), int(start.group("m")), int(start.group("d")))
                    for m in _TITLE_IN_SENTENCE_RE.finditer(sentence):
                        old = _plain_title(m.group("title"))
                        found.setdefault(old, Repeal(m.group("title"), version.title, art.no, on))
    if len(_REPEALS) > 8:
        _REPEALS.clear()
    _REPEALS[key] = found
    return found


def repealed_law(store: Any, name: str) -> Repeal | None:
    """The repeal of the law `name` as written in a draft, when a corpus law records it."""
    return repeals(store).get(_plain_title(name))


def _repealed_finding(
    ctx: ReviewContext, cp: CitedProvision, name: str, repeal: Repeal, day: dt.date, substantive: bool,
    role: str, basis: list[Citation],
) -> Finding:
    repealing = ctx.cite(repeal.by, repeal.article, on=repeal.on)
    if day < repeal.on:
        return _finding(
            Severity.HINT, "law.citation_valid.repealed_later", f"《{name}》已于{repeal.on.isoformat()}废止",
            f"{role}“{cp.text}”所属的《{name}》自{repeal.on.isoformat()}起被《{repeal.by}》废止；"
            f"相关日期{day.isoformat()}在废止之前，可能适用旧法，但语料库未收录其文本，无法核验条文内容。",
            quote=cp.text, citations=[repealing], verify=True,
            suggestion=f"人工核对《{name}》原文；并按从旧兼从轻比较《{repeal.by}》的规定。",
        )
    severe = substantive and not _is_remedy(cp, ctx)
    return _finding(
        Severity.SEVERE if severe else Severity.GENERAL, "law.citation_valid.repealed",
        f"{role}援引已废止的法规：{cp.text}",
        f"《{name}》已由《{repeal.by}》自{repeal.on.isoformat()}起废止（见其{repealing.article}）；"
        f"相关日期{day.isoformat()}在废止之后，援引已废止法规的条款"
        + ("属适用依据错误。" if severe else "属引用错误。"),
        quote=cp.text, citations=[repealing, *basis],
        suggestion=f"改为援引《{repeal.by}》中相应的条款，核对违法行为与罚则的对应后重新审核。",
    )


_PERIOD_WORDS_RE = re.compile(r"[一二三四五六七八九十百]+(?:个)?(?:日|月|年)")


@rule("law.superseded_article", LAW, "未沿用已修订法律的旧条文序号",
      "《中华人民共和国行政处罚法》第五十九条第一款第（三）项、第（五）项")
def superseded_article(ctx: ReviewContext) -> RuleOutcome:
    """A law renumbered by a revision: the draft cites the old number (its words fit the old article)."""
    out = RuleOutcome()
    for cp, res in _unique(ctx):
        if res.law_key is None or cp.article_no is None or res.failure not in (None,):
            continue
        versions = ctx.store.versions(res.law_key)
        if len(versions) < 2:
            continue
        current = _version(ctx, res)
        if current is None:
            continue
        cur_art = _article(current, cp.article_no, cp.article_suffix)
        sentence = _sentence(ctx.draft.text, cp.text).replace(cp.text, "")
        if cur_art is None or len(sentence) < 8:
            continue
        cur_score = shared_terms(sentence, cur_art.text)
        for other in versions:
            if other.effective == current.effective:
                continue
            old_art = _article(other, cp.article_no, cp.article_suffix)
            if old_art is None:
                continue
            # The draft's own words fit the other version's article clearly better than the current one;
            # a period the draft states (六十日) found only in the other version's article is the surest sign.
            old_score = shared_terms(sentence, old_art.text)
            periods = set(_PERIOD_WORDS_RE.findall(sentence))
            telling = any(p in old_art.text for p in periods) and not any(p in cur_art.text for p in periods)
            clearly = old_score >= 1.5 * cur_score + 2 or (telling and old_score >= cur_score + 3)
            if old_score < 6 or not clearly:
                continue
            # Where the old provision now sits in the version in force.
            successor = max(current.articles, key=lambda a: similarity(old_art.text, a.text))
            when = "已被修订" if other.effective < current.effective else "尚未施行"
            severe = cp.role in SUBSTANTIVE and not _is_remedy(cp, ctx)
            day = res.on.isoformat()
            out.findings.append(_finding(
                Severity.SEVERE if severe else Severity.GENERAL, "law.superseded_article",
                f"援引了{when}文本的条文序号：{cp.text}",
                f"决定书在“{_sentence(ctx.draft.text, cp.text).strip()[:80]}”中援引{cp.text}，"
                f"所述内容对应《{other.title}》{other.effective.isoformat()}施行版的{old_art.label}；"
                f"{day}有效的是{current.effective.isoformat()}施行版，其{cur_art.label}规定的是另一事项，"
                f"相应内容现为{successor.label}。"
                + ("属适用依据错误。" if severe else "属引用版本错误，期限等内容可能无误，改正引用即可。"),
                quote=cp.text,
                citations=[ctx.cite(current.title, successor.no, on=res.on),
                           ctx.cite(current.title, old_art.no, on=other.effective)],
                suggestion=f"改为援引《{current.title}》{successor.label}。",
            ))
            break
        else:
            out.checked.append(f"{res.citation}：内容与{current.effective.isoformat()}施行版条文相符。")
    return out


# ---------------------------------------------------------------- penalty provision vs violated provision


def _covered(refs: list[ProvisionRef], cp: CitedProvision) -> bool:
    assert cp.article_no is not None
    return any(r.compatible(cp.article_no, cp.article_suffix, cp.paragraph, cp.item) for r in refs)


def _ref_label(ref: ProvisionRef, titles: dict[str, str], key: str) -> str:
    from corpus.citations import format_citation

    return format_citation(titles.get(key), ref.article, ref.suffix, ref.paragraph, ref.item)


@rule("law.penalty_covers_violation", LAW, "罚则条款针对所认定的违法条款",
      "《中华人民共和国行政处罚法》第四条、第三十八条第一款")
def penalty_covers_violation(ctx: ReviewContext) -> RuleOutcome:
    """The provisions a 罚则 names ("违反本条例第…规定的") must include one the draft finds violated."""
    out = RuleOutcome()
    cited = _unique(ctx)
    violated: dict[str, list[CitedProvision]] = {}
    titles: dict[str, str] = {}
    for cp, res in cited:
        if res.law_key is not None and res.law_title is not None:
            titles[res.law_key] = res.law_title
        if cp.role == "violated" and res.law_key is not None and cp.article_no is not None:
            violated.setdefault(res.law_key, []).append(cp)
    for cp, res in cited:
        if cp.role != "penalty" or res.law_key is None or cp.article_no is None or res.text is None:
            continue
        version = _version(ctx, res)
        art = _article(version, cp.article_no, cp.article_suffix) if version else None
        if art is None:
            continue
        # Provisions named by the 罚则, by law: 本条例/本法 is the penalty's own law.
        named: dict[str, list[ProvisionRef]] = {}
        for ref in penalised_by(art, cp.paragraph, cp.item):
            key = res.law_key if ref.law is None else ctx.store.find_law(ref.law)
            if key is not None:
                local = ProvisionRef(ref.article, ref.suffix, ref.paragraph, ref.item)
                named.setdefault(key, []).append(local)
        if not named:
            out.checked.append(f"{res.citation}以行为描述而非条文序号规定罚则，按事实与项的对应另行核对。")
            continue
        laws = [key for key in named if key in violated]
        refs_text = "、".join(_ref_label(r, titles, k) for k, refs in named.items() for r in refs)
        if not laws:
            out.checked.append(f"{res.citation}罚则针对{refs_text}；决定书未援引相应法规的违法条款，未作对应核对。")
            continue
        pairs = [(key, v) for key in laws for v in violated[key]]
        if any(_covered(named[key], v) for key, v in pairs):
            out.checked.append(
                f"{res.citation}罚则所针对的{refs_text}与违法条款"
                f"{'、'.join(_label(v, titles.get(k)) for k, v in pairs)}相对应。"
            )
            continue
        law_title = res.law_title or cp.law_name or ""
        out.findings.append(_finding(
            Severity.SEVERE, "law.penalty_covers_violation",
            f"处罚依据{_label(cp, law_title)}不适用于所认定的违法行为",
            f"处罚依据{_label(cp, law_title)}规定的是违反{refs_text}的罚则；决定书认定违反的是"
            f"{'、'.join(_label(v, titles.get(k)) for k, v in pairs)}，不在该罚则所列之内。"
            "罚则与违法条款不对应，属适用依据错误。",
            quote=cp.text,
            citations=[ctx.cite(law_title, cp.article_no, cp.paragraph, cp.item, on=res.on),
                       *(ctx.cite(titles[k], v.article_no, v.paragraph, v.item, on=res.on)
                         for k, v in pairs if v.article_no is not None),
                       _cite_punish(ctx, 38, 1)],
            suggestion="核对违法行为对应的罚则条款（或违法条款），使二者一致后重新审核。",
        ))
    return out


# ---------------------------------------------------------------- penalty provision of another law

_PROCEDURAL_LAW_RE = re.compile(r"行政处罚法|行政复议法|行政诉讼法|行政强制法")
_TITLE_SUFFIX_RE = re.compile(r"(?:实施条例|实施办法|实施细则|查处办法|管理条例|管理规定|管理办法|条例|规定|办法|细则|法)$")
# A referral in a penalty clause to other laws: 依照相关法律、法规的规定予以处罚 (any law),
# 依照有关道路交通安全的法律法规处罚 (laws of that field).
_REFERRAL_TOPIC_RE = re.compile(
    r"依照(?:本法和其他)?(?:有关|相关)?(?P<topic>[\u4e00-\u9fff、]{0,14}?)(?:的)?(?:相关|有关)?(?:法律|行政法规)"
)
# A penalty clause whose whole sanction is “依照相关法律、法规的规定予以处罚” (无证无照经营查处办法 第十二条、
# 第十三条): the act is punished under whatever law governs it. “除依照有关法律法规规定予以处罚外” adds to
# another law's penalty and does not count.
_GENERIC_REFERRAL_RE = re.compile(
    r"(?<!除)依照(?:相关|有关)法律[、，]?(?:行政)?法规(?:的规定)?(?:予以|给予)?处罚(?!外)"
)
# Words many fields share: a law on 大气污染防治 and one on 噪声污染防治 are not one field.
_GENERIC_FIELD_RE = re.compile(r"污染环境防治|污染防治")


def _core(version: LawVersion) -> str:
    """What a law is about: 中华人民共和国道路交通安全法实施条例 → 道路交通安全, 北京市消防条例 → 消防."""
    core = bare_title(version.title).removeprefix("中华人民共和国")
    if version.jurisdiction != "全国":
        core = core.removeprefix(version.jurisdiction)
    while True:
        shorter = _TITLE_SUFFIX_RE.sub("", core)
        if shorter == core or len(shorter) < 2:
            return core
        core = shorter


def _shared_field(a: str, b: str) -> bool:
    """The two cores, without words many fields share, have a run of at least three characters in common."""
    a, b = _GENERIC_FIELD_RE.sub("|", a), _GENERIC_FIELD_RE.sub("|", b)
    return any(a[i : i + 3] in b for i in range(len(a) - 2) if "|" not in a[i : i + 3])


def _full_text(version: LawVersion) -> str:
    return "\n".join(a.text for a in version.articles)


def _laws_related(a: LawVersion, b: LawVersion) -> bool:
    """Whether a duty in law `a` may be punished under law `b`: same field (消防法 / 北京市消防条例), one law
    naming the other (a local regulation made under a national law, a referral to it), or `a` sending its
    penalties to other laws in general or to `b`'s field."""
    core_a, core_b = _core(a), _core(b)
    if core_a in b.title or core_b in a.title or _shared_field(core_a, core_b):
        return True
    text_a, text_b = _full_text(a), _full_text(b)
    for core, text in ((core_b, text_a), (core_a, text_b)):
        if core and re.search("《[^》]*" + re.escape(core) + "[^》]*》", text):
            return True
    if _GENERIC_REFERRAL_RE.search(text_a):
        return True
    for sentence in re.split(r"[。；\n]", text_a):
        if "处罚" not in sentence:
            continue
        for m in _REFERRAL_TOPIC_RE.finditer(sentence):
            topic = re.sub(r"(?:的相关|相关|有关|的)$", "", m.group("topic"))
            if topic and any(t and (t in b.title or t in core_b) for t in topic.split("、")):
                return True
    return False


@rule("law.penalty_law_matches", LAW, "罚则与违法条款属于同一法律或相互衔接",
      "《中华人民共和国行政处罚法》第四条、第三十八条第一款")
def penalty_law_matches(ctx: ReviewContext) -> RuleOutcome:
    """A 罚则 from a law that neither the violated law nor its field points to: the act is punished under
    the wrong law (a 噪声 violation fined under the 大气污染防治法)."""
    out = RuleOutcome()
    cited = _unique(ctx)
    violated = [
        (cp, res) for cp, res in cited
        if cp.role == "violated" and res.text is not None and res.law_title is not None
        and not _PROCEDURAL_LAW_RE.search(res.law_title)
    ]
    if not violated:
        return out
    violated_keys = {res.law_key for _, res in violated}
    for cp, res in cited:
        if (cp.role != "penalty" or res.text is None or res.law_key is None or res.law_title is None
                or cp.article_no is None or res.law_key in violated_keys
                or _PROCEDURAL_LAW_RE.search(res.law_title)):
            continue
        penalty_version = _version(ctx, res)
        if penalty_version is None:
            continue
        others = [(v, vres, _version(ctx, vres)) for v, vres in violated]
        if any(vv is None or _laws_related(vv, penalty_version) for _, _, vv in others):
            out.checked.append(f"{res.citation}与违法条款分属不同法规，二者相互衔接。")
            continue
        shown = "、".join(dict.fromkeys(vres.citation or v.text for v, vres, _ in others))
        out.findings.append(_finding(
            Severity.SEVERE, "law.penalty_law_matches",
            f"处罚依据与违法条款分属不同法律：{cp.text}",
            f"决定书认定违反{shown}，却依据{res.citation}处罚；两部法规规范的事项不同，"
            "违法条款所属法规既未援引该法规，也未规定依照其他法律处罚，该罚则不针对所认定的违法行为，"
            "属适用依据错误。",
            quote=cp.text,
            citations=[ctx.cite(res.law_title, cp.article_no, cp.paragraph, cp.item, on=res.on),
                       *(ctx.cite(vres.law_title or "", v.article_no, v.paragraph, v.item, on=vres.on)
                         for v, vres, _ in others if v.article_no is not None),
                       _cite_punish(ctx, 38, 1)],
            suggestion="适用违法条款所属法规中针对该违法行为的罚则（核对条、款、项），改正后重新告知并审核。",
        ))
    return out


# ---------------------------------------------------------------- precision: 款 and 项


@rule("law.citation_precision", LAW, "条款项引用具体到款、项",
      "《中华人民共和国行政处罚法》第五十九条第一款第（二）项、第（三）项")
def citation_precision(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    for cp, res in _unique(ctx):
        if cp.role not in SUBSTANTIVE or res.text is None or cp.article_no is None:
            continue
        version = _version(ctx, res)
        art = _article(version, cp.article_no, cp.article_suffix) if version else None
        if art is None or version is None:
            continue
        title = res.law_title or ""
        problem = _imprecision(ctx, cp, art, version)
        if problem is None:
            out.checked.append(f"{res.citation}：引用已具体到所需的款、项。")
            continue
        out.findings.append(_finding(
            Severity.GENERAL, "law.citation_precision",
            f"{_ROLE_NAMES[cp.role]}引用不精确：{cp.text}",
            f"{_label(cp, title)}{problem}决定书只写到“{cp.text}”，没有写明适用的款、项，"
            "属引用不精确，可补正。",
            quote=cp.text,
            citations=[ctx.cite(title, cp.article_no, cp.paragraph, cp.item, on=res.on),
                       _cite_punish(ctx, 59, 1, 3)],
            suggestion="写明具体的款、项，使违法条款与罚则一一对应。",
        ))
    return out


def _imprecision(ctx: ReviewContext, cp: CitedProvision, art: Article, version: LawVersion) -> str | None:
    finer = finer_units_distinguished(version, art, cp.paragraph, cp.item)
    if finer:
        units = "、".join(unit_label(art, p, i) for p, i in finer)
        return f"中，{units}在罚则中被分别规定（违反不同款、项的罚则不同），"
    if cp.role == "violated" and cp.paragraph is None and cp.item is None:
        facts = "\n".join(x for x in (ctx.draft.facts, finding_text(ctx.draft.text)) if x)
        described = matching_paragraph(art, facts) if facts else None
        if described is not None:
            return (f"共{len(art.paragraphs)}款，分别规定不同事项，认定的事实对应"
                    f"{unit_label(art, described.item, None)}，")
    if cp.role != "penalty" or cp.item is not None:
        return None
    if cp.paragraph is None and len(art.paragraphs) >= 2:
        penal = penalty_paragraphs(art)
        same_article_duty = any(
            v.role == "violated" and v.article_no == art.no and v.article_suffix == art.suffix
            and v.law_name == cp.law_name for v in ctx.draft.citations
        )
        if len(penal) >= 2 or (penal and (penal[0] != 1 or same_article_duty)):
            where = "、".join(unit_label(art, p, None) for p in penal)
            return f"共{len(art.paragraphs)}款，罚则在{where}，"
    paras = cited_unit_paragraphs(art, cp.paragraph, None)
    if len(paras) == 1 and len(paras[0].items) >= 2 and "下列" in paras[0].text.split("\n")[0]:
        where = unit_label(art, paras[0].no if len(art.paragraphs) > 1 else None, None)
        return f"（{where}）列举了{len(paras[0].items)}项不同的违法行为，"
    return None


_FINDING_RE = re.compile(r"(?:本|我)[\u4e00-\u9fff]{0,4}认为[^\n]*")


def finding_text(text: str) -> str:
    """The paragraph in which the decision states its finding (本机关认为…), or empty."""
    m = _FINDING_RE.search(text)
    return m.group() if m else ""


@rule("law.item_matches_facts", LAW, "所引项与认定的事实相符",
      "《中华人民共和国行政处罚法》第五条第二款、第五十九条第一款第（三）项")
def item_matches_facts(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    facts = ctx.draft.facts
    if not facts:
        return out
    unique = _unique(ctx)
    # What the act is, in the decision's own words: the facts, the finding (本机关认为…) and, for a 罚则, the
    # duty it finds violated (消防法 第十六条第一款第（二）项 “…确保完好有效” points at 第六十条第一款第（一）项).
    finding = _FINDING_RE.search(ctx.draft.text)
    duties = [res.text for cp, res in unique if cp.role == "violated" and res.text]
    for cp, res in unique:
        if cp.role not in SUBSTANTIVE or res.text is None or cp.item is None or cp.article_no is None:
            continue
        described = "\n".join([facts, finding.group() if finding else ""])
        version = _version(ctx, res)
        art = _article(version, cp.article_no, cp.article_suffix) if version else None
        if art is None:
            continue
        paras = cited_unit_paragraphs(art, cp.paragraph, cp.item)
        if not paras:
            continue
        para = paras[0]
        found = better_item(para, cp.item, described)
        if found is None and cp.role == "penalty" and duties:
            # The facts leave it open: the duty found violated decides when it points the same way alone.
            with_duty = better_item(para, cp.item, "\n".join([described, *duties]))
            by_duty = better_item(para, cp.item, "\n".join(duties))
            if with_duty is not None and by_duty is not None and with_duty[1].item == by_duty[1].item:
                found, described = with_duty, "\n".join([described, *duties])
        title = res.law_title or ""
        if found is None:
            out.checked.append(f"{res.citation}：所引项与认定的事实相符或无明显更相符的项。")
            continue
        cited, best = found
        para_no = para.no if len(art.paragraphs) > 1 else None
        right, wrong = unit_label(art, para_no, best.item), unit_label(art, para_no, cited.item)
        phrases = "、".join(f"“{p}”" for p in shared_phrases(para.items[best.item - 1].text, described)[:4])
        severe = cp.role == "penalty"
        out.findings.append(_finding(
            Severity.SEVERE if severe else Severity.GENERAL, "law.item_matches_facts",
            f"{_ROLE_NAMES[cp.role]}项号与事实不符：{cp.text}",
            f"认定的事实（{phrases}）对应{right}“{para.items[best.item - 1].text}”；决定书引用的{wrong}是"
            f"“{para.items[cited.item - 1].text}”，与事实不符。"
            + ("罚则项号错误，属适用依据错误。" if severe else ""),
            quote=cp.text,
            citations=[ctx.cite(title, art.no, para_no, best.item, on=res.on),
                       ctx.cite(title, art.no, para_no, cited.item, on=res.on)],
            suggestion=f"核对事实后改为{right}。",
        ))
    return out


# ---------------------------------------------------------------- full names


@rule("law.full_name", LAW, "法律法规名称使用全称", "《中华人民共和国行政处罚法》第五十九条第一款第（三）项")
def full_name(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    defined = defined_abbreviations(ctx.draft.text)
    flagged: set[str] = set()
    for cp, res in _unique(ctx):
        written = written_law_name(cp.text)
        if written is None or res.law_title is None:
            continue
        full = bare_title(res.law_title)
        if bare_title(written) == full or written in defined or written in flagged:
            continue
        flagged.add(written)
        out.findings.append(_finding(
            Severity.GENERAL, "law.full_name", f"法律法规名称未用全称：《{written}》",
            f"决定书写作《{written}》，其全称为《{full}》。行政处罚决定书援引法律法规应当使用全称。",
            quote=cp.text, citations=[_cite_punish(ctx, 59, 1, 3)],
            suggestion=f"改为《{full}》。",
        ))
    for cp, res in _unique(ctx):
        written = written_law_name(cp.text)
        if written is None or res.failure is not Failure.LAW_NOT_IN_CORPUS or written in flagged:
            continue
        regional = regional_title(ctx, written)
        if regional is None:
            continue
        flagged.add(written)
        out.findings.append(_finding(
            Severity.GENERAL, "law.full_name.region", f"地方性法规名称缺少地域名称：《{written}》",
            f"决定书写作《{written}》，本地区的该法规全称为《{regional}》；名称不全易与其他地方或国家的同类法规混淆。"
            "行政处罚决定书援引法律法规应当使用全称。",
            quote=cp.text, citations=[_cite_punish(ctx, 59, 1, 3)], suggestion=f"改为《{regional}》。",
        ))
    if not flagged:
        out.checked.append("援引的法律法规均使用全称。")
    return out


_REGION_PARTS_RE = re.compile(r"[\u4e00-\u9fff]{2,7}?(?:省|自治区|市)")


def regional_title(ctx: ReviewContext, written: str) -> str | None:
    """The corpus law a name lacking its region prefix stands for in the case's region (市容环境卫生条例 in
    北京市 → 北京市市容环境卫生条例), or None."""
    where = "".join(x or "" for x in (ctx.case.jurisdiction, ctx.case.agency))
    for region in dict.fromkeys(_REGION_PARTS_RE.findall(where)):
        candidate = region + written
        key = ctx.store.find_law(candidate)
        if key is None:
            continue
        versions = ctx.store.versions(key)
        if versions and bare_title(str(versions[-1].title)) == candidate:
            return str(candidate)
    return None


# ---------------------------------------------------------------- 从旧兼从轻


def _yuan_ceiling(text: str) -> float | None:
    highs = [r.high for r in find_amount_ranges(text) if r.unit == "yuan" and r.high is not None]
    return max(highs) if highs else None


@rule("law.old_or_new", LAW, "从旧兼从轻", "《中华人民共和国行政处罚法》第三十七条")
def old_or_new(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    act, decision = ctx.act_date, ctx.decision_date
    if act is None or decision is None:
        return out
    noted: set[str] = set()
    for cp, res in _unique(ctx):
        if cp.role not in SUBSTANTIVE or res.law_key is None or res.law_key in noted:
            continue
        versions = ctx.store.versions(res.law_key)
        then = next((v for v in versions if v.in_force_on(act)), None)
        now = next((v for v in versions if v.in_force_on(decision)), None)
        if then is None or now is None or then.effective == now.effective:
            continue
        noted.add(res.law_key)
        detail = (f"违法行为发生时（{act.isoformat()}）适用《{then.title}》"
                  f"{then.effective.isoformat()}施行版，作出决定时（{decision.isoformat()}）有效的是"
                  f"{now.effective.isoformat()}施行版。"
                  "应适用行为时的规定，但新的规定处罚较轻或者不认为是违法的，适用新的规定。")
        severity, code = Severity.HINT, "law.old_or_new"
        old_art = _article(then, cp.article_no, cp.article_suffix) if cp.article_no else None
        new_art = _article(now, cp.article_no, cp.article_suffix) if cp.article_no else None
        fine = ctx.draft.fine
        if cp.role == "penalty" and old_art and new_art and fine is not None:
            old_cap, new_cap = _yuan_ceiling(old_art.text), _yuan_ceiling(new_art.text)
            if old_cap and new_cap and new_cap < old_cap and fine.yuan > new_cap:
                severity, code = Severity.SEVERE, "law.old_or_new.lighter_ignored"
                detail += (f"同一条文新版罚款上限{new_cap:,.0f}元低于旧版{old_cap:,.0f}元，"
                           f"决定罚款{fine.yuan:,.0f}元超过新版上限，未适用较轻的新规定。")
        out.findings.append(_finding(
            severity, code, f"《{now.title}》在行为后修改，需按从旧兼从轻确定适用版本", detail, quote=cp.text,
            citations=[_cite_punish(ctx, 37)],
            suggestion="在决定书中写明适用的版本，并比较新旧规定的处罚轻重。",
        ))
    return out


# ---------------------------------------------------------------- limitation (追责时效)

# Cases that may fall under the five-year period of 第三十六条第一款 (生命健康安全、金融安全):
# the reviewer is asked, nothing is decided.
_LIFE_HEALTH_FINANCE_RE = re.compile(
    r"食品|药品|疫苗|医疗|生命|健康|安全生产|特种设备|危险化学品|金融|证券|保险|存款|贷款"
)


@rule("law.limitation", LAW, "在追责期限内发现", "《中华人民共和国行政处罚法》第三十六条")
def limitation(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    record = ctx.record
    act = record.violation_date
    found = record.discovered_date or record.filed_date
    if act is None or found is None:
        out.findings.append(_finding(
            Severity.HINT, "law.limitation.unknown", "违法行为发生（终了）日期或发现日期需核实",
            "案卷未记载违法行为发生（或连续、继续状态终了）的日期或发现日期，无法核对是否超过二年的追责期限。",
            citations=[_cite_punish(ctx, 36, 1), _cite_punish(ctx, 36, 2)], verify=True,
            suggestion="在案卷中写明违法行为发生或终了日期及发现日期。",
        ))
        return out
    try:
        years = int(param("limitation_years", act).value)
    except ParameterError:
        return out
    limit = add_months(act, 12 * years)
    what = "发现" if record.discovered_date else "立案（发现日期未记载）"
    cites = [_cite_punish(ctx, 36, 1), _cite_punish(ctx, 36, 2)]
    if found <= limit:
        out.checked.append(
            f"违法行为{act.isoformat()}，{what}{found.isoformat()}，在{years}年追责期限（至{limit.isoformat()}）内。"
        )
        return out
    if record.discovered_date is None:
        out.findings.append(_finding(
            Severity.HINT, "law.limitation.discovered_unknown", "立案已超过二年追责期限，发现日期需核实",
            f"违法行为{act.isoformat()}，立案于{found.isoformat()}，已超过{years}年；案卷未记载发现日期，"
            "无法确定是否在追责期限内发现。",
            citations=cites, verify=True, suggestion="查明并记载违法行为的发现日期。",
        ))
        return out
    serious_limit: dt.date | None = None
    try:
        serious_years = int(param("limitation_years_serious", act).value)
        serious_limit = add_months(act, 12 * serious_years)
    except ParameterError:
        pass
    text = " ".join(t for t in (ctx.draft.facts, ctx.case.title, record.harm) if t)
    if serious_limit and found <= serious_limit and _LIFE_HEALTH_FINANCE_RE.search(text):
        out.findings.append(_finding(
            Severity.HINT, "law.limitation.serious", "超过二年追责期限，需核实是否属于可延长至五年的情形",
            f"违法行为{act.isoformat()}，{what}{found.isoformat()}，已超过二年；案情涉及生命健康或金融安全，"
            "须核实是否“有危害后果”，方可适用五年期限。",
            citations=cites, verify=True, suggestion="核实危害后果；不属于的，不再给予行政处罚。",
        ))
        return out
    out.findings.append(_finding(
        Severity.SEVERE, "law.limitation", "违法行为超过追责期限",
        f"违法行为发生（终了）于{act.isoformat()}，{what}于{found.isoformat()}，超过{years}年（{limit.isoformat()}届满）"
        "追责期限，依法不再给予行政处罚。",
        citations=cites, suggestion="不予行政处罚；如属连续或继续状态，应查明并写明行为终了日期。",
    ))
    return out


# ---------------------------------------------------------------- a basis at all


@rule("law.basis_present", LAW, "写明违法条款和处罚依据",
      "《中华人民共和国行政处罚法》第五十九条第一款第（三）项")
def basis_present(ctx: ReviewContext) -> RuleOutcome:
    out = RuleOutcome()
    roles = {cp.role for cp in ctx.draft.citations}
    wanted = (("violated", "违法条款（违反…的规定）"), ("penalty", "处罚依据（依据…决定）"))
    missing = [name for role, name in wanted if role not in roles]
    if not missing:
        out.checked.append("决定书写明了违法条款和处罚依据。")
        return out
    out.findings.append(_finding(
        Severity.HINT, "law.basis_present", f"未能识别决定书的{'和'.join(missing)}，需核实",
        f"自动读取决定书时未找到{'、'.join(missing)}。决定书应当载明行政处罚的依据；请核对原文是否写明。",
        citations=[_cite_punish(ctx, 59, 1, 3)], verify=True,
        suggestion="写明“违反了《…》第×条第×款的规定”和“依据《…》第×条第×款的规定”。",
    ))
    return out
