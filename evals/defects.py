"""Trainer mode: a catalogue of defects that can be seeded into a clean case, with the answer key.

A *defect* is a known mistake of a 行政处罚 file (a single officer, a decision before the 陈述申辩 window
ends, a fine above the statutory maximum …), keyed by the review criterion that must catch it and a stable
code (`procedure.decision_before_window`). Each defect has a mutator that rewrites the raw YAML mapping of a
case (format: cases/README.md) — the draft text and the record together, so that they stay consistent: a
moved date moves in the record and in the draft (2025年6月19日), a changed fine changes the figures and the
upper-case numerals (伍仟元整 / ¥5,000.00) — and writes the answer key (`expected`) with the legal basis.

Legal numbers (periods, limits, fine ranges, article counts) come from the law store or
`review/params.py`; a number is typed here only when it *is* the defect (三个月 instead of 六个月).
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from random import Random
from typing import Any

import cn2an

from corpus.citations import CitationRef, find_citations, format_citation
from corpus.discretion import rows_for_citation, tiers_for_item
from corpus.models import AmountRange, Article, DiscretionRow, LawVersion
from corpus.numerals import find_amount_ranges, parse_amount
from corpus.resolver import Resolution, cite_article
from corpus.store import LawStore
from review.dates import working_day_deadline
from review.draft_parser import parse_draft
from review.models import CitedProvision, Criterion, Draft, Severity
from review.params import ParameterError, ParameterValue, load_parameters, param

CRITERIA: tuple[str, ...] = tuple(c.value for c in Criterion)
_CONCLUSION_RANK = {"同意": 0, "修改后同意": 1, "不同意": 2}
_SEVERITY_RANK = {Severity.SEVERE: 2, Severity.GENERAL: 1, Severity.HINT: 0}
_RANK_CONCLUSION = {v: k for k, v in _CONCLUSION_RANK.items()}


class MutationError(ValueError):
    """A defect cannot be seeded into this case (not applicable, or the text is not where expected)."""


# ---------------------------------------------------------------------------- the law store

_DEFAULT_STORE: LawStore | None = None


def default_store() -> LawStore:
    """The project's store (FASHEN_* settings), built on first use when it does not exist yet."""
    global _DEFAULT_STORE
    if _DEFAULT_STORE is None:
        from api.settings import Settings
        from corpus.store import open_or_build

        settings = Settings()
        _DEFAULT_STORE = open_or_build(settings.corpus_dir, settings.store_path)
    return _DEFAULT_STORE


# ---------------------------------------------------------------------------- small helpers on a case dict


def as_date(value: Any) -> dt.date | None:
    """A date from a YAML value (date object or ISO string); None when absent or unreadable."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _record(case: dict[str, Any]) -> dict[str, Any]:
    record = case.get("record")
    if not isinstance(record, dict):
        record = {}
        case["record"] = record
    return record


def _sub(case: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = _record(case).get(key)
    return value if isinstance(value, dict) else None


def _draft_text(case: dict[str, Any]) -> str:
    text = case.get("draft")
    if not isinstance(text, str) or not text.strip():
        raise MutationError("案件没有决定书草稿（draft），无法植入缺陷。")
    return text


def cn_date(day: dt.date) -> str:
    """2025年6月19日 — the way decisions write dates."""
    return f"{day.year}年{day.month}月{day.day}日"


def cn_number(n: int) -> str:
    """六十, 十五, 三 — small counts as decisions write them."""
    return str(cn2an.an2cn(n, "low"))


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _subject(text: str) -> str:
    """How the draft addresses the party: 你公司 / 你单位 / 当事人."""
    for word in ("你公司", "你单位", "你厂", "你店"):
        if word in text:
            return word
    return "当事人"


def next_working_day(day: dt.date) -> dt.date:
    """`day` itself when it is a working day, else the next one (chinese_calendar, Monday–Friday fallback)."""
    return working_day_deadline(day - dt.timedelta(days=1), 1).date


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day` (《中华人民共和国行政处罚法》第八十五条); review.dates fallback."""
    return working_day_deadline(day, n).date


# ---------------------------------------------------------------------------- dates inside the draft

_DATE_RE = re.compile(r"(?<![0-9])(?P<y>[0-9]{4})年(?P<m>[0-9]{1,2})月(?P<d>[0-9]{1,2})日")
_SENTENCE_STOPS = "。\n；"


def _window_after(text: str, end: int, size: int) -> str:
    chunk = text[end : end + size]
    cut = min((i for i in (chunk.find(s) for s in _SENTENCE_STOPS) if i >= 0), default=len(chunk))
    return chunk[:cut]


def dates_followed_by(text: str, keywords: Iterable[str], *, window: int = 30,
                      exclude: Iterable[str] = ()) -> list[tuple[int, int, dt.date]]:
    """(start, end, date) of every Chinese date followed in its sentence by one of `keywords`."""
    keys = tuple(keywords)
    bad = tuple(exclude)
    out = []
    for m in _DATE_RE.finditer(text):
        after = _window_after(text, m.end(), window)
        if any(k in after for k in keys) and not any(b in after for b in bad):
            try:
                day = dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
            except ValueError:
                continue
            out.append((m.start(), m.end(), day))
    return out


@dataclass(frozen=True)
class DateContext:
    """Where a record date shows in a draft: the words that follow it in the same sentence."""

    keywords: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    window: int = 30


FILED_CONTEXT = DateContext(("立案",))
NOTICE_CONTEXT = DateContext(("告知书",))
STATEMENT_CONTEXT = DateContext(("提出陈述", "提出申辩", "进行陈述", "进行申辩", "陈述、申辩"),
                                exclude=("告知书",), window=16)


def move_dates(text: str, moves: Iterable[tuple[dt.date, dt.date, DateContext]]) -> tuple[str, int]:
    """Rewrite in one pass each date that is `old` and sits in its context to `new`; (text, count)."""
    edits: dict[int, tuple[int, str]] = {}
    for old, new, ctx in moves:
        if old == new:
            continue
        for start, end, day in dates_followed_by(text, ctx.keywords, window=ctx.window, exclude=ctx.exclude):
            if day == old and start not in edits:
                edits[start] = (end, cn_date(new))
    for start in sorted(edits, reverse=True):
        end, new_text = edits[start]
        text = text[:start] + new_text + text[end:]
    return text, len(edits)


def set_decision_date(case: dict[str, Any], new: dt.date) -> None:
    """Move the decision date in the record and at the foot of the draft (every date of the last lines)."""
    text = _draft_text(case)
    record = _record(case)
    old = as_date(record.get("decision_date")) or parse_draft(text).decision_date
    if old is None:
        raise MutationError("草稿和案卷都没有决定日期，无法移动决定日期。")
    lines = text.split("\n")
    tail_start = max(0, len(lines) - 8)
    changed = 0
    for i in range(tail_start, len(lines)):
        if cn_date(old) in lines[i]:
            lines[i] = lines[i].replace(cn_date(old), cn_date(new))
            changed += 1
    if not changed:
        raise MutationError(f"草稿末尾没有找到决定日期“{cn_date(old)}”，无法移动决定日期。")
    case["draft"] = "\n".join(lines)
    record["decision_date"] = new


# ---------------------------------------------------------------------------- money

_UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿"
_AMOUNT_TOKEN_RE = re.compile(
    rf"(?P<upper>[{_UPPER_DIGITS}]+元整?)"
    r"|(?P<figure>[¥￥]\s*[0-9][0-9,]*(?:\.[0-9]+)?)"
    r"|(?P<arabic>(?<![0-9.,])[0-9][0-9,]*(?:\.[0-9]+)?\s*万?元)"
    r"|(?P<lower>[零一二两三四五六七八九十百千万]+元)"
)


def yuan_upper(amount: float, *, zheng: bool = True) -> str:
    """大写金额: 5000 → 伍仟元整 (cn2an's 'up' numerals: 壹贰叁肆伍陆柒捌玖拾佰仟万)."""
    if amount != int(amount):
        return str(cn2an.an2cn(amount, "rmb"))
    return f"{cn2an.an2cn(int(amount), 'up')}元" + ("整" if zheng else "")


def yuan_lower(amount: float) -> str:
    """五千元 — the way notices and reasons write amounts."""
    return f"{cn2an.an2cn(int(amount), 'low')}元"


def _figure_like(amount: float, like: str) -> str:
    symbol = like.strip()[0]
    digits = like.strip()[1:].strip()
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    body = f"{amount:,.{decimals}f}" if "," in digits or decimals else f"{amount:.0f}"
    return symbol + body


def rewrite_amounts(text: str, old: float, new: float) -> tuple[str, int]:
    """Every amount in `text` worth `old` yuan, rewritten to `new` in the same style (大写/¥/阿拉伯/小写)."""
    count = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal count
        token = m.group(0)
        value = parse_amount(token)
        if value is None or abs(value - old) > 0.005:
            return token
        count += 1
        kind = m.lastgroup
        if kind == "upper":
            return yuan_upper(new, zheng=token.endswith("整"))
        if kind == "figure":
            return _figure_like(new, token)
        if kind == "arabic":
            if "万" in token:
                return f"{new / 10000:g}万元"
            return (f"{new:,.0f}" if "," in token else f"{new:.0f}") + "元"
        return yuan_lower(new)

    return _AMOUNT_TOKEN_RE.sub(repl, text), count


def nice_step(amount: float) -> int:
    """A round step for an amount: 100 for thousands, 1000 for tens of thousands …"""
    digits = len(str(int(abs(amount)))) if amount >= 1 else 1
    return int(10 ** max(1, digits - 2))


def round_up(amount: float, step: int | None = None) -> int:
    step = step or nice_step(amount)
    return int(math.ceil(amount / step) * step)


def round_down(amount: float, step: int | None = None) -> int:
    step = step or nice_step(amount)
    return int(math.floor(amount / step) * step)


def _penalty_span(text: str, draft: Draft) -> tuple[int, int]:
    if draft.penalty_text is None:
        raise MutationError("草稿中没有找到处罚决定内容，无法修改罚款。")
    start = text.find(draft.penalty_text)
    if start < 0:
        raise MutationError("草稿的处罚决定内容无法定位。")
    return start, start + len(draft.penalty_text)


def set_fine(case: dict[str, Any], new: float, *, notice: bool = True) -> float:
    """Change the single fine of the decision (figures and words) and, with `notice`, the proposed fine.

    Returns the old fine. Raises MutationError when the draft imposes no single fine.
    """
    text = _draft_text(case)
    draft = parse_draft(text)
    if draft.fine is None or "；" in draft.fine.text:
        raise MutationError("草稿没有唯一的罚款数额，无法修改罚款。")
    old = draft.fine.yuan
    start, end = _penalty_span(text, draft)
    at = text.find(draft.fine.text, start, end + len(draft.fine.text))
    if at < 0:
        raise MutationError("草稿的罚款表述无法定位。")
    rewritten, n = rewrite_amounts(draft.fine.text, old, new)
    if not n:
        raise MutationError(f"罚款表述“{draft.fine.text}”中没有可改写的金额。")
    case["draft"] = text[:at] + rewritten + text[at + len(draft.fine.text) :]
    if notice:
        notice_rec = _sub(case, "notice")
        if notice_rec and isinstance(notice_rec.get("proposed_penalty"), str):
            notice_rec["proposed_penalty"], _ = rewrite_amounts(notice_rec["proposed_penalty"], old, new)
    check = parse_draft(case["draft"]).fine
    if check is None or abs(check.yuan - new) > 0.005:
        raise MutationError(f"改写罚款后草稿解析出的罚款为{check.yuan if check else '无'}，与{new}不符。")
    return old


# ---------------------------------------------------------------------------- citations and the store


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(open, close) of “…” quotations within one line: quoted statute text is never rewritten."""
    spans: list[tuple[int, int]] = []
    i = 0
    while True:
        i = text.find("“", i)
        if i < 0:
            return spans
        close = text.find("”", i + 1)
        line_end = text.find("\n", i + 1)
        if close < 0 or (0 <= line_end < close):
            i += 1
            continue
        spans.append((i, close))
        i = close + 1


def _in_quote(spans: list[tuple[int, int]], offset: int) -> bool:
    return any(s < offset < e for s, e in spans)


_ANY = object()


def citation_refs(text: str, store: LawStore, law_key: str, article: int, *, paragraph: Any = _ANY,
                  item: Any = _ANY) -> list[CitationRef]:
    """The draft's own citations (not inside a quotation) of one article of one law, in text order."""
    quotes = quote_spans(text)
    out = []
    for ref in find_citations(text, known_laws=store.known_law_names()):
        if ref.law_name is None or _in_quote(quotes, ref.start):
            continue
        if store.find_law(ref.law_name) != law_key or ref.article_no != article or ref.article_suffix:
            continue
        if paragraph is not _ANY and ref.paragraph != paragraph:
            continue
        if item is not _ANY and ref.item != item:
            continue
        out.append(ref)
    return out


def _replace_spans(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


_LAW_PREFIX_RE = re.compile(r"^《[^》]+》(?:[（(][^）)]*[）)])?")


def rebuild_citation(span: str, article: int, paragraph: int | None, item: int | None) -> str:
    """The citation `span` pointing at another article/款/项, keeping its 《law》 prefix if it had one."""
    m = _LAW_PREFIX_RE.match(span)
    prefix = m.group(0) if m else ""
    return prefix + format_citation(None, article, 0, paragraph, item)


@dataclass
class Ctx:
    """What a mutator reads: the case (mutable), the store and the parsed draft of the case as received."""

    case: dict[str, Any]
    store: LawStore

    @cached_property
    def text(self) -> str:
        return _draft_text(self.case)

    @cached_property
    def draft(self) -> Draft:
        return parse_draft(self.text)

    @property
    def record(self) -> dict[str, Any]:
        return _record(self.case)

    @cached_property
    def decision_date(self) -> dt.date | None:
        return as_date(self.record.get("decision_date")) or self.draft.decision_date

    @cached_property
    def law_date(self) -> dt.date:
        """The date that picks the substantive law version: the act, else the decision, else today."""
        return as_date(self.record.get("violation_date")) or self.decision_date or dt.date.today()

    @cached_property
    def procedure_date(self) -> dt.date:
        return self.decision_date or dt.date.today()

    def param(self, key: str, day: dt.date | None = None) -> ParameterValue:
        return param(key, day or self.procedure_date)

    def resolve(self, cp: CitedProvision, day: dt.date | None = None) -> Resolution | None:
        if cp.law_name is None or cp.article_no is None:
            return None
        return cite_article(self.store, cp.law_name, cp.article_no, day or self.law_date,
                            suffix=cp.article_suffix, paragraph=cp.paragraph, item=cp.item)

    def law_key(self, cp: CitedProvision) -> str | None:
        return self.store.find_law(cp.law_name) if cp.law_name else None

    def version(self, cp: CitedProvision) -> LawVersion | None:
        key = self.law_key(cp)
        if key is None:
            return None
        return next((v for v in self.store.versions(key) if v.in_force_on(self.law_date)), None)

    def citations(self, role: str) -> list[CitedProvision]:
        """Distinct citations of one role (violated / penalty) whose law is in the store."""
        out: list[CitedProvision] = []
        for cp in self.draft.citations:
            if cp.role != role or cp.article_no is None or self.law_key(cp) is None:
                continue
            if any(c.law_name == cp.law_name and c.article_no == cp.article_no and c.paragraph == cp.paragraph
                   and c.item == cp.item for c in out):
                continue
            out.append(cp)
        return out

    def statutory_range(self, cp: CitedProvision) -> AmountRange | None:
        return statutory_range(self.store, cp, self.law_date)

    def fine_range(self) -> tuple[CitedProvision, AmountRange] | None:
        """The first penalty citation whose text states a yuan range, with that range."""
        for cp in self.citations("penalty"):
            rng = self.statutory_range(cp)
            if rng is not None:
                return cp, rng
        return None


def _yuan_ranges(text: str | None) -> list[AmountRange]:
    if not text:
        return []
    return [r for r in find_amount_ranges(text)
            if r.unit == "yuan" and r.low is not None and r.high is not None]


def statutory_range(store: LawStore, cp: CitedProvision, day: dt.date) -> AmountRange | None:
    """The fine range of a cited penalty provision, read from the statute text in the store.

    The most specific unit wins; an item inherits its paragraph's range
    (处一万元以上十万元以下的罚款：（一）…);
    an article is used only when all its ranges agree. None when the text states no single yuan range.
    """
    if cp.law_name is None or cp.article_no is None:
        return None
    levels: list[tuple[int | None, int | None]] = [(cp.paragraph, cp.item)]
    if cp.item is not None:
        levels.append((cp.paragraph, None))
    if cp.paragraph is None and cp.item is not None:
        # 第X条第（Y）项 of an article without numbered 款: the range sits in the article's opening words.
        levels.append((None, None))
    for paragraph, item in levels:
        r = cite_article(store, cp.law_name, cp.article_no, day, suffix=cp.article_suffix,
                         paragraph=paragraph, item=item)
        if r.text is None:
            continue
        text = r.text
        if paragraph is None and item is None and cp.item is not None and r.article_text:
            # The items of a single-paragraph article: the range sits in the article's opening words.
            text = r.article_text
        ranges = _yuan_ranges(text)
        if ranges and all((x.low, x.high) == (ranges[0].low, ranges[0].high) for x in ranges):
            return ranges[0]
        if ranges:
            return None
    return None


def cite_text(law: str | None, article: int, paragraph: int | None = None, item: int | None = None) -> str:
    return format_citation(law, article, 0, paragraph, item)


def cp_text(ctx: Ctx, cp: CitedProvision) -> str:
    """A draft citation written with the law's full title, e.g. 《北京市生活垃圾管理条例》第六十八条第一款."""
    version = ctx.version(cp)
    title = version.title if version else cp.law_name
    assert cp.article_no is not None
    return format_citation(title, cp.article_no, cp.article_suffix, cp.paragraph, cp.item)


# ---------------------------------------------------------------------------- the answer key


def _issue_rank(expected: dict[str, Any]) -> int:
    return _CONCLUSION_RANK.get(str(expected.get("conclusion")), 0)


def record_answer(case: dict[str, Any], defect: Defect, issue: str, basis: str) -> None:
    """Write the defect into `expected`: criterion → issue, a note with its basis, conclusion recomputed.

    Conclusion rule (cases/README.md; 朝阳区实施方案 附件4 第六条): any 严重 → 不同意;
    else any 一般 → 修改后同意; else 同意. The clean case's own conclusion is the floor.
    """
    expected = case.get("expected")
    if not isinstance(expected, dict):
        expected = {}
    criteria = expected.get("criteria")
    if not isinstance(criteria, dict):
        criteria = {}
    criteria = {c: str(criteria.get(c, "ok")) for c in CRITERIA}
    criteria[defect.criterion.value] = "issue"
    notes = list(expected.get("notes") or [])
    notes.append({
        "criterion": defect.criterion.value, "issue": issue, "basis": basis, "code": defect.code,
        "severity": defect.severity.value,
    })
    rank = max(_issue_rank(expected), _SEVERITY_RANK[defect.severity])
    defects = [*list(expected.get("defects") or []), defect.code]
    case["expected"] = {
        "conclusion": _RANK_CONCLUSION[rank],
        "criteria": criteria,
        "notes": notes,
        "defects": defects,
        **{k: v for k, v in expected.items() if k not in ("conclusion", "criteria", "notes", "defects")},
    }


# ---------------------------------------------------------------------------- consistency of a case


def consistency_problems(case: dict[str, Any]) -> list[str]:
    """What does not agree between record and draft where a mutator must keep them in step (Chinese lines).

    Decision date at the foot == record; filing/notice/statement dates in the draft == record; the fine in
    words == in figures; the notice comes before the decision.
    """
    problems: list[str] = []
    text = case.get("draft")
    if not isinstance(text, str):
        return ["没有决定书草稿"]
    record = case.get("record") if isinstance(case.get("record"), dict) else {}
    assert isinstance(record, dict)
    draft = parse_draft(text)
    decided = as_date(record.get("decision_date"))
    if decided and draft.decision_date and decided != draft.decision_date:
        problems.append(f"决定日期：案卷{decided}，草稿{draft.decision_date}")
    filed = as_date(record.get("filed_date"))
    for _, _, day in dates_followed_by(text, FILED_CONTEXT.keywords, window=FILED_CONTEXT.window):
        if day != filed:
            problems.append(f"立案日期：案卷{filed}，草稿{day}")
    notice = record.get("notice") if isinstance(record.get("notice"), dict) else {}
    served = as_date(notice.get("served_date")) if notice else None
    for _, _, day in dates_followed_by(text, NOTICE_CONTEXT.keywords, window=NOTICE_CONTEXT.window):
        if day != served:
            problems.append(f"告知书送达日期：案卷{served}，草稿{day}")
    statement = record.get("statement") if isinstance(record.get("statement"), dict) else {}
    said = as_date(statement.get("date")) if statement else None
    for _, _, day in dates_followed_by(text, STATEMENT_CONTEXT.keywords, window=STATEMENT_CONTEXT.window,
                                       exclude=STATEMENT_CONTEXT.exclude):
        if day != said:
            problems.append(f"陈述申辩日期：案卷{said}，草稿{day}")
    if served and decided and served > decided:
        problems.append(f"告知书送达日期{served}晚于决定日期{decided}")
    if draft.fine is not None:
        for part in draft.fine.text.split("；"):
            words = re.sub(r"[（(][^（）()]*[）)]", "", part)
            figures = "".join(re.findall(r"[（(]([^（）()]*)[）)]", part))
            if figures and re.search(r"[¥￥0-9]", figures):
                a, b = parse_amount(words), parse_amount(figures)
                if a is not None and b is not None and abs(a - b) > 0.005:
                    problems.append(f"罚款大写与小写不一致：{part}")
    return problems


# ---------------------------------------------------------------------------- the catalogue

Applies = Callable[[Ctx], bool]
Mutator = Callable[[Ctx, Random], tuple[str, str]]


@dataclass(frozen=True)
class Defect:
    """One seedable defect: what it is, the criterion that must catch it, its legal basis and severity."""

    code: str
    criterion: Criterion
    title: str
    description: str
    basis: str
    severity: Severity
    touches: frozenset[str] = field(default_factory=frozenset)
    _applies: Applies | None = field(default=None, repr=False, compare=False)
    _mutate: Mutator | None = field(default=None, repr=False, compare=False)

    def applies(self, case: dict[str, Any], store: LawStore | None = None) -> bool:
        """True when the defect can be seeded into this case (never raises)."""
        if self._applies is None:
            return False
        try:
            return bool(self._applies(Ctx(copy.deepcopy(case), store or default_store())))
        except (MutationError, ParameterError, ValueError, KeyError, TypeError, AttributeError):
            return False

    def apply(self, case: dict[str, Any], rng: Random, store: LawStore | None = None) -> dict[str, Any]:
        """A copy of `case` with the defect seeded and the answer key updated; MutationError if impossible."""
        if self._mutate is None:
            raise MutationError(f"缺陷 {self.code} 没有实现。")
        store = store or default_store()
        if not self.applies(case, store):
            raise MutationError(f"缺陷 {self.code}（{self.title}）不适用于案件 {case.get('case_id')}。")
        mutated = copy.deepcopy(case)
        issue, basis = self._mutate(Ctx(mutated, store), rng)
        problems = consistency_problems(mutated)
        if problems:
            raise MutationError(f"植入缺陷 {self.code} 后案卷与草稿不一致：" + "；".join(problems))
        record_answer(mutated, self, issue, basis)
        fresh: dict[str, Any] = _fresh_dates(mutated)
        return fresh

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code, "criterion": self.criterion.value, "criterion_title": self.criterion.title,
            "title": self.title, "description": self.description, "basis": self.basis,
            "severity": self.severity.value,
        }


def _fresh_dates(value: Any) -> Any:
    """Every date as its own object: a YAML dumper would otherwise write anchors (&id001) for shared ones."""
    if isinstance(value, dict):
        return {k: _fresh_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fresh_dates(v) for v in value]
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.date(value.year, value.month, value.day)
    return value


CATALOGUE: dict[str, Defect] = {}


def defect(code: str, criterion: Criterion, title: str, description: str, basis: str, severity: Severity, *,
           applies: Applies, touches: Iterable[str] = ()) -> Callable[[Mutator], Mutator]:
    """Register a mutator under `code` (criterion.name)."""
    if not code.startswith(criterion.value + "."):
        raise ValueError(f"缺陷代码 {code} 应以 {criterion.value}. 开头")

    def deco(fn: Mutator) -> Mutator:
        if code in CATALOGUE:
            raise ValueError(f"重复的缺陷代码：{code}")
        CATALOGUE[code] = Defect(code, criterion, title, description, basis, severity, frozenset(touches),
                                 applies, fn)
        return fn

    return deco


def catalogue() -> list[Defect]:
    """All defects, in criterion order then registration order."""
    order = {c: i for i, c in enumerate(Criterion)}
    return sorted(CATALOGUE.values(), key=lambda d: order[d.criterion])


def get_defect(code: str) -> Defect:
    if code not in CATALOGUE:
        known = "、".join(sorted(CATALOGUE))
        raise MutationError(f"没有缺陷代码“{code}”。可用的代码："
                            f"{known}（用 `fashen cases catalogue` 查看说明）。")
    return CATALOGUE[code]


def _param_ref(key: str) -> str:
    """Reference of a legal parameter as in force today (catalogue display)."""
    return param(key, dt.date.today()).reference


# ============================================================================ authority


def _officers(ctx: Ctx) -> list[dict[str, Any]]:
    officers = ctx.record.get("officers")
    return [o for o in officers if isinstance(o, dict)] if isinstance(officers, list) else []


def _act_day(ctx: Ctx) -> dt.date | None:
    """The day the officers acted on the scene: discovery, else the act, else filing."""
    r = ctx.record
    for key in ("discovered_date", "violation_date", "filed_date"):
        day = as_date(r.get(key))
        if day is not None:
            return day
    return None


def _valid_officers(ctx: Ctx, day: dt.date) -> list[dict[str, Any]]:
    out = []
    for o in _officers(ctx):
        until = as_date(o.get("cert_valid_until"))
        if o.get("cert_no") and (until is None or until >= day):
            out.append(o)
    return out


def _drop_name(text: str, name: str) -> str:
    return text.replace(f"、{name}", "").replace(f"{name}、", "")


def _applies_single_officer(ctx: Ctx) -> bool:
    day = _act_day(ctx) or ctx.procedure_date
    need = int(ctx.param("min_officers", day).value)
    return len(_officers(ctx)) == need and len(_valid_officers(ctx, day)) == need


@defect("authority.single_officer", Criterion.AUTHORITY, "执法人员只有一人",
        "案卷记载的执法人员只剩一人，调查取证、检查不满足执法人员不得少于两人的要求。",
        _param_ref("min_officers"), Severity.SEVERE, applies=_applies_single_officer, touches={"officers"})
def _single_officer(ctx: Ctx, rng: Random) -> tuple[str, str]:
    officers = _officers(ctx)
    gone = officers.pop(rng.randrange(len(officers)))
    ctx.record["officers"] = officers
    name = str(gone.get("name", ""))
    if name:
        ctx.case["draft"] = _drop_name(ctx.text, name)
        evidence = ctx.record.get("evidence")
        if isinstance(evidence, list):
            ctx.record["evidence"] = [_drop_name(str(e), name) for e in evidence]
    day = _act_day(ctx) or ctx.procedure_date
    pv = ctx.param("min_officers", day)
    left = officers[0]
    issue = (f"案卷显示本案调查、检查只有执法人员{left.get('name')}（执法证号{left.get('cert_no')}）一人，"
             f"不满足执法人员不得少于{cn_number(int(pv.value))}人的要求，调查取证程序违法，"
             "相关证据的合法性存疑，须由两名以上具有执法资格的人员补正后再作决定。")
    return issue, pv.reference


def _applies_expired_certificate(ctx: Ctx) -> bool:
    day = _act_day(ctx)
    if day is None:
        return False
    need = int(ctx.param("min_officers", day).value)
    return len(_valid_officers(ctx, day)) == need


@defect("authority.expired_certificate", Criterion.AUTHORITY, "执法人员执法证已过期",
        "两名执法人员之一的执法证在检查时已过有效期，实际具备执法资格的人员不足两人。",
        _param_ref("min_officers"), Severity.SEVERE, applies=_applies_expired_certificate,
        touches={"officers"})
def _expired_certificate(ctx: Ctx, rng: Random) -> tuple[str, str]:
    day = _act_day(ctx)
    assert day is not None
    valid = _valid_officers(ctx, day)
    officer = valid[rng.randrange(len(valid))]
    until = day - dt.timedelta(days=rng.randint(20, 240))
    officer["cert_valid_until"] = until
    pv = ctx.param("min_officers", day)
    others = [o.get("name") for o in valid if o is not officer]
    issue = (f"执法人员{officer.get('name')}的执法证（{officer.get('cert_no')}）有效期至{cn_date(until)}，"
             f"{cn_date(day)}检查时已过期，不具备行政执法资格；"
             f"当时具备执法资格的只有{'、'.join(map(str, others))}，"
             f"不满足执法人员不得少于{cn_number(int(pv.value))}人的要求，须补正调查取证后再作决定。")
    return issue, pv.reference + "；《中华人民共和国行政处罚法》第五十五条第一款"


def _agency_lines(ctx: Ctx) -> tuple[str, list[int]]:
    """The issuing agency and the draft lines that are exactly its name (heading and signature)."""
    agency = ctx.draft.agency or ctx.case.get("agency")
    if not isinstance(agency, str) or not agency:
        raise MutationError("草稿没有写明作出决定的机关。")
    lines = ctx.text.split("\n")
    hits = [i for i, line in enumerate(lines) if line.strip() == agency]
    return agency, hits


def _internal_unit(agency: str) -> str | None:
    if agency.endswith("街道办事处"):
        return agency[: -len("办事处")] + "综合行政执法队"
    if agency.endswith(("人民政府", "政府")) and re.search(r"[镇乡]人民政府$", agency):
        return agency[: -len("人民政府")] + "综合行政执法队"
    if agency.endswith(("局", "委员会")):
        return agency + "执法大队"
    return None


def _applies_internal_unit(ctx: Ctx) -> bool:
    agency, hits = _agency_lines(ctx)
    return len(hits) >= 2 and _internal_unit(agency) is not None


@defect("authority.internal_unit_name", Criterion.AUTHORITY, "以内设机构名义作出处罚",
        "决定书抬头和落款改为机关的内设执法机构（执法队、执法大队），该机构不是行政主体。",
        "《中华人民共和国行政处罚法》第十七条、第五十九条第二款", Severity.SEVERE,
        applies=_applies_internal_unit, touches={"agency"})
def _internal_unit_name(ctx: Ctx, rng: Random) -> tuple[str, str]:
    agency, hits = _agency_lines(ctx)
    unit = _internal_unit(agency)
    assert unit is not None
    lines = ctx.text.split("\n")
    for i in hits:
        lines[i] = lines[i].replace(agency, unit)
    ctx.case["draft"] = "\n".join(lines)
    issue = (f"决定书抬头和落款以“{unit}”名义作出。该执法队（大队）是{agency}的内设或所属工作机构，"
             f"不是行政主体，不能以自己名义实施行政处罚；处罚主体应为{agency}，文书抬头、"
             f"落款和印章均应为{agency}。")
    return issue, "《中华人民共和国行政处罚法》第十七条、第五十九条第二款"


# Departments a penalty article may name (由……部门), and the agency name each would issue under.
_DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("市场监督", "市场监督管理局"),
    ("生态环境", "生态环境局"),
    ("城市管理", "城市管理综合行政执法局"),
    ("卫生健康", "卫生健康委员会"),
    ("住房", "住房和城乡建设委员会"),
    ("交通", "交通运输局"),
    ("水务", "水务局"),
    ("农业", "农业农村局"),
)
_COMPETENT_RES = (
    re.compile(r"由(?P<who>[^，。；：]{2,40}?(?:部门|机关|机构))"),
    re.compile(r"由(?P<who>[^，。；：]{2,40}?(?:办事处|人民政府))"),
)


def _region_of(agency: str) -> str | None:
    m = re.match(r"^(.{2,12}?(?:区|县|旗))", agency)
    if m and ("街道" not in m.group(1)):
        return m.group(1)
    m = re.match(r"^(.{2,8}?市)", agency)
    return m.group(1) if m else None


def _competent(ctx: Ctx) -> tuple[CitedProvision, str] | None:
    for cp in ctx.citations("penalty"):
        assert cp.law_name is not None and cp.article_no is not None
        # The cited 款 names the department; a whole article only when no 款 is cited.
        r = cite_article(ctx.store, cp.law_name, cp.article_no, ctx.law_date, suffix=cp.article_suffix,
                         paragraph=cp.paragraph)
        text = r.text if cp.paragraph is not None else r.article_text
        if text is None:
            continue
        for pattern in _COMPETENT_RES:
            m = pattern.search(text)
            if m:
                return cp, m.group("who")
    return None


def _other_department(ctx: Ctx, rng: Random | None) -> tuple[str, str, CitedProvision] | None:
    found = _competent(ctx)
    agency = ctx.draft.agency or ctx.case.get("agency")
    if found is None or not isinstance(agency, str):
        return None
    cp, who = found
    region = _region_of(agency)
    if region is None:
        return None
    # Not a 综合行政执法 body: it may hold the power through 相对集中行政处罚权 or a transfer
    # (《中华人民共和国行政处罚法》第十八条第一款、第二款), so its lack of competence is a question, not a defect.
    choices = [name for key, name in _DEPARTMENTS
               if key not in who and key not in agency and name.endswith("局") and "综合" not in name]
    if not choices:
        return None
    name = choices[rng.randrange(len(choices))] if rng else choices[0]
    return region + name, who, cp


def _applies_wrong_department(ctx: Ctx) -> bool:
    _, hits = _agency_lines(ctx)
    return len(hits) >= 1 and _other_department(ctx, None) is not None


@defect("authority.wrong_department", Criterion.AUTHORITY, "处罚权属于其他部门",
        "作出决定的机关换成另一个部门，而罚则规定由其他部门实施该项处罚（超越职权）。",
        "《中华人民共和国行政处罚法》第十七条", Severity.SEVERE, applies=_applies_wrong_department,
        touches={"agency"})
def _wrong_department(ctx: Ctx, rng: Random) -> tuple[str, str]:
    agency, hits = _agency_lines(ctx)
    found = _other_department(ctx, rng)
    assert found is not None
    new_agency, who, cp = found
    lines = ctx.text.split("\n")
    for i in hits:
        lines[i] = lines[i].replace(agency, new_agency)
    text = "\n".join(lines)
    # An agency that is a 局 speaks of itself as 本局/我局; 本机关 fits any.
    ctx.case["draft"] = text
    ctx.case["agency"] = new_agency
    cited = cp_text(ctx, cp)
    issue = (f"本案处罚依据{cited}规定由{who}实施，{new_agency}不是该条规定的执法部门，"
             "对该违法行为没有行政处罚权，以其名义作出处罚属超越职权；应移交有权机关处理。")
    return issue, f"{cited}；《中华人民共和国行政处罚法》第十七条"


def _person_line(text: str) -> tuple[str, str] | None:
    """(label, name) of the natural person named in the party block: 法定代表人/经营者/负责人."""
    m = re.search(r"^\s*(法定代表人|经营者|负责人|投资人)[：:]\s*(?P<name>[\u4e00-\u9fff·]{2,6})\s*$", text,
                  re.MULTILINE)
    return (m.group(1), m.group("name")) if m else None


def _applies_detention(ctx: Ctx) -> bool:
    agency = ctx.draft.agency or ""
    if "公安" in agency or ctx.draft.fine is None or "拘留" in ctx.text:
        return False
    kind = (_sub(ctx.case, "party") or {}).get("kind")
    return kind == "自然人" or _person_line(ctx.text) is not None


@defect("authority.penalty_kind_beyond_power", Criterion.AUTHORITY, "非公安机关决定行政拘留",
        "在罚款之外决定对当事人（或其法定代表人、经营者）行政拘留；"
        "限制人身自由的处罚只能由公安机关等法定机关行使。",
        "《中华人民共和国行政处罚法》第十八条第三款", Severity.SEVERE, applies=_applies_detention,
        touches={"penalty"})
def _penalty_kind_beyond_power(ctx: Ctx, rng: Random) -> tuple[str, str]:
    kind = (_sub(ctx.case, "party") or {}).get("kind")
    person = _person_line(ctx.text)
    whom = "当事人" if kind == "自然人" or person is None else f"{_subject(ctx.text)}的{person[0]}{person[1]}"
    days = rng.choice((3, 5, 10))
    text = ctx.text
    start, _ = _penalty_span(text, ctx.draft)
    fine = ctx.draft.fine
    assert fine is not None
    at = text.find(fine.text, start)
    insert_at = at + len(fine.text)
    addition = f"，并对{whom}处以行政拘留{cn_number(days)}日"
    ctx.case["draft"] = text[:insert_at] + addition + text[insert_at:]
    notice = _sub(ctx.case, "notice")
    if notice and isinstance(notice.get("proposed_penalty"), str):
        notice["proposed_penalty"] = notice["proposed_penalty"] + f"，行政拘留{cn_number(days)}日"
    agency = ctx.draft.agency or str(ctx.case.get("agency") or "本机关")
    issue = (f"决定对{whom}处以行政拘留{cn_number(days)}日。行政拘留是限制人身自由的行政处罚，"
             f"只能由公安机关和法律规定的其他机关行使，{agency}无权决定；罚则也未规定行政拘留。"
             "应删去该项处罚。")
    return issue, "《中华人民共和国行政处罚法》第十八条第三款、第十七条"


# ============================================================================ facts
# Every facts defect is 严重: a finding still worded 涉嫌, a party named otherwise than in the record, a
# timeline that contradicts itself or a date the 笔录 does not bear out means the facts are not established
# (《中华人民共和国行政处罚法》第四十条: 违法事实不清、证据不足的，不得给予行政处罚), which the 审核 scheme
# (朝阳区实施方案 附件4 第六条) ranks as 事实不清或主要证据不足 → 不同意 (teaching examples EX03, EX05).


def _facts_bounds(ctx: Ctx) -> tuple[int, int]:
    facts = ctx.draft.facts
    if not facts:
        raise MutationError("草稿中没有找到违法事实部分。")
    lines = [ln for ln in facts.split("\n") if ln.strip()]
    start = ctx.text.find(lines[0].strip())
    last = lines[-1].strip()
    end_line = ctx.text.find(last, max(0, start))
    if start < 0 or end_line < 0:
        raise MutationError("违法事实部分无法定位。")
    return start, end_line + len(last)


def _append_to_facts(ctx: Ctx, sentence: str) -> None:
    _, end = _facts_bounds(ctx)
    text = ctx.text
    lead = "" if text[end - 1 : end] in ("。", "；") else "。"
    ctx.case["draft"] = text[:end] + lead + sentence + text[end:]


_INCOME_EVIDENCE_RE = re.compile(r"收入|收款|账目|账簿|账单|营业额|销售|违法所得|流水|发票")


# Statements (询问笔录, 陈述) and purchase records may state the money taken; the key can say "no evidence of
# the amount" only when each such item says it proves something else (“…询问笔录，证明违法行为的起始时间”).
_MAY_STATE_INCOME_RE = re.compile(r"询问|调查笔录|谈话|讯问|陈述|进货|购货|送货单|采购")
_PROVES_RE = re.compile(r"证明(?P<what>[^）)；;。]*)")
_MONEY_OR_ALL_RE = re.compile(r"收入|收款|收取|所得|获利|营业|经营额|销售|金额|数额|价款|元|(?:上述|以上|全部|基本|违法)事实")


def _evidence_may_show_income(ctx: Ctx) -> bool:
    """Whether an evidence item may record the income: a statement or purchase record whose stated purpose
    is absent or bears on money (《中华人民共和国行政处罚法》第四十条: the reviewer cannot call it unproven)."""
    described = [str(e) for e in ctx.draft.evidence]
    for item in [*map(str, ctx.record.get("evidence") or []), *described]:
        if not _MAY_STATE_INCOME_RE.search(item):
            continue
        purpose = _PROVES_RE.search(item)
        if purpose is None:
            head = re.split(r"[（(，,]", item)[0].strip()
            purpose = next((p for e in described if len(head) >= 4 and head in e
                            if (p := _PROVES_RE.search(e)) is not None), None)
        if purpose is None or _MONEY_OR_ALL_RE.search(purpose.group("what")):
            return True
    return False


def _applies_unsupported_amount(ctx: Ctx) -> bool:
    evidence = " ".join(map(str, ctx.record.get("evidence") or []))
    return (ctx.draft.fine is not None and ctx.draft.confiscation is None and "；" not in ctx.draft.fine.text
            and not _INCOME_EVIDENCE_RE.search(evidence)
            and not _INCOME_EVIDENCE_RE.search(" ".join(ctx.draft.evidence))
            and not _evidence_may_show_income(ctx)
            and ctx.draft.facts is not None and "违法所得" not in ctx.text)


@defect("facts.unsupported_amount", Criterion.FACTS, "没收违法所得数额无证据",
        "决定认定并没收一笔违法所得，但证据目录中没有任何证明收入数额的证据。",
        "《中华人民共和国行政处罚法》第四十条、第二十八条第二款", Severity.SEVERE,
        applies=_applies_unsupported_amount, touches={"penalty", "facts"})
def _unsupported_amount(ctx: Ctx, rng: Random) -> tuple[str, str]:
    amount = rng.randrange(28, 290) * 10
    fine = ctx.draft.fine
    assert fine is not None
    _append_to_facts(ctx, f"经查，当事人通过上述违法行为获得违法所得人民币{amount}元。")
    text = ctx.case["draft"]
    draft = parse_draft(text)
    start, _ = _penalty_span(text, draft)
    at = text.find(fine.text, start)
    ctx.case["draft"] = text[:at] + f"没收违法所得人民币{yuan_upper(amount, zheng=False)}，并处" + text[at:]
    notice = _sub(ctx.case, "notice")
    if notice and isinstance(notice.get("proposed_penalty"), str):
        notice["proposed_penalty"] = f"没收违法所得{yuan_lower(amount)}，并处" + notice["proposed_penalty"]
    issue = (f"决定认定当事人违法所得{amount}元并予以没收，"
             "但证据目录中没有任何证明收入数额的证据（无收款记录、账目、当事人陈述等），"
             "违法所得数额的认定缺乏证据支持，主要证据不足；应补充调查，查不实的不得没收。")
    return issue, "《中华人民共和国行政处罚法》第四十条、第二十八条第二款"


_PARTY_LABEL_RE = re.compile(
    r"^\s*(?:当事人(?:名称|姓名)?|被处罚(?:单位|人)(?:名称)?|名称)\s*[：:]\s*", re.MULTILINE
)


def _party_line_span(ctx: Ctx) -> tuple[int, int, str] | None:
    name = ctx.draft.party_name
    if not name:
        return None
    m = _PARTY_LABEL_RE.search(ctx.text)
    if not m:
        return None
    at = ctx.text.find(name, m.end())
    if at != m.end():
        return None
    return at, at + len(name), name


def _applies_party_name(ctx: Ctx) -> bool:
    span = _party_line_span(ctx)
    return span is not None and len(span[2]) >= 6


@defect("facts.inconsistent_party_name", Criterion.FACTS, "当事人名称前后不一致",
        "决定书当事人栏的名称与营业执照、案卷记载不一致（两字颠倒）。",
        "《中华人民共和国行政处罚法》第五十九条第一款第（一）项", Severity.SEVERE,
        applies=_applies_party_name, touches={"party"})
def _inconsistent_party_name(ctx: Ctx, rng: Random) -> tuple[str, str]:
    span = _party_line_span(ctx)
    assert span is not None
    start, end, name = span
    region = re.match(r"^.{0,10}(?:省|市|区|县)", name[:10])
    first = max(2, region.end() if region else 0)
    positions = [i for i in range(first, len(name) - 4)
                 if _is_cjk(name[i]) and _is_cjk(name[i + 1]) and name[i] != name[i + 1]]
    if not positions:
        raise MutationError(f"当事人名称“{name}”太短，无法制造不一致。")
    i = positions[rng.randrange(len(positions))]
    wrong = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    ctx.case["draft"] = ctx.text[:start] + wrong + ctx.text[end:]
    recorded = (_sub(ctx.case, "party") or {}).get("name") or name
    issue = (f"决定书当事人栏写作“{wrong}”，与营业执照及案卷记载的“{recorded}”不一致，"
             "被处罚的当事人认定不清，属事实不清（违法事实不清、证据不足的，不得给予行政处罚）；"
             "应核对主体资格证明，统一当事人名称后重新审核。")
    return issue, "《中华人民共和国行政处罚法》第五十九条第一款第（一）项、第四十条"


def _suspected_point(ctx: Ctx) -> int | None:
    start, end = _facts_bounds(ctx)
    region = ctx.text[start:end]
    # Before the omission the facts describe (，未设置…), else after 发现当事人, else before any 未.
    for pattern in (r"(?<=[，、])未", r"发现(?:当事人|其|你公司|你单位)", r"未"):
        m = re.search(pattern, region)
        if m:
            return start + (m.end() if pattern.startswith("发现") else m.start())
    return None


def _applies_suspected(ctx: Ctx) -> bool:
    if ctx.draft.facts is None or "涉嫌" in ctx.draft.facts:
        return False
    return _suspected_point(ctx) is not None


@defect("facts.suspected_wording", Criterion.FACTS, "违法事实写作“涉嫌”",
        "认定的违法事实写成“涉嫌……”，处罚决定对违法事实的认定应当是确定的。",
        "《中华人民共和国行政处罚法》第四十条、第五十九条第一款第（二）项", Severity.SEVERE,
        applies=_applies_suspected, touches={"facts_wording"})
def _suspected_wording(ctx: Ctx, rng: Random) -> tuple[str, str]:
    at = _suspected_point(ctx)
    assert at is not None
    ctx.case["draft"] = ctx.text[:at] + "涉嫌" + ctx.text[at:]
    sentence_end = ctx.case["draft"].find("。", at)
    quoted = ctx.case["draft"][max(0, at - 6) : min(at + 20, sentence_end if sentence_end > 0 else at + 20)]
    issue = (f"违法事实写作“……{quoted}……”。处罚决定是对违法事实的确定认定，经调查终结后仍写“涉嫌”，"
             "说明违法事实并未认定清楚，属事实不清（违法事实不清、证据不足的，不得给予行政处罚）；"
             "应删去“涉嫌”，以证据确实认定违法事实后重新审核。")
    return issue, "《中华人民共和国行政处罚法》第四十条、第五十九条第一款第（二）项"


def _applies_date_order(ctx: Ctx) -> bool:
    filed = as_date(ctx.record.get("filed_date"))
    found = as_date(ctx.record.get("discovered_date")) or as_date(ctx.record.get("violation_date"))
    if filed is None or found is None or filed < found:
        return False
    return any(day == filed for _, _, day in dates_followed_by(ctx.text, FILED_CONTEXT.keywords))


@defect("facts.date_order", Criterion.FACTS, "立案日期早于发现日期",
        "立案日期（案卷与决定书）被改到发现违法行为之前，案件时间顺序自相矛盾。",
        "《中华人民共和国行政处罚法》第五十四条、第四十条", Severity.SEVERE,
        applies=_applies_date_order, touches={"filed_date"})
def _date_order(ctx: Ctx, rng: Random) -> tuple[str, str]:
    filed = as_date(ctx.record.get("filed_date"))
    found = as_date(ctx.record.get("discovered_date")) or as_date(ctx.record.get("violation_date"))
    assert filed is not None and found is not None
    new = next_working_day(found - dt.timedelta(days=rng.randint(3, 12)))
    if new >= found:
        new = found - dt.timedelta(days=1)
    ctx.case["draft"], n = move_dates(ctx.text, [(filed, new, FILED_CONTEXT)])
    if not n:
        raise MutationError("草稿中没有找到立案日期。")
    ctx.record["filed_date"] = new
    issue = (f"案卷和决定书记载{cn_date(new)}立案，而违法行为于{cn_date(found)}才被发现，立案早于发现，"
             "案件时间顺序矛盾，立案依据和事实认定均不可靠，属事实不清；"
             "应核实立案审批表、检查笔录等材料查清时间后重新审核。")
    return issue, "《中华人民共和国行政处罚法》第五十四条、第四十条"


def _inspection_dates(ctx: Ctx) -> list[tuple[int, int, dt.date]]:
    day = as_date(ctx.record.get("discovered_date")) or as_date(ctx.record.get("violation_date"))
    if day is None:
        return []
    start, end = _facts_bounds(ctx)
    hits = []
    for m in _DATE_RE.finditer(ctx.text, start, end):
        if m.group(0) != cn_date(day):
            continue
        around = ctx.text[m.end() : m.end() + 40]
        if re.search(r"检查|发现|巡查", around.split("。")[0]):
            hits.append((m.start(), m.end(), day))
    return hits[:1]


def _applies_inconsistent_date(ctx: Ctx) -> bool:
    if not _inspection_dates(ctx):
        return False
    day = _inspection_dates(ctx)[0][2]
    evidence = " ".join(map(str, ctx.record.get("evidence") or [])) + " ".join(ctx.draft.evidence)
    return cn_date(day) in evidence


@defect("facts.inconsistent_date", Criterion.FACTS, "检查日期与笔录不一致",
        "决定书认定的检查日期与证据目录中现场检查笔录的日期不一致。",
        "《中华人民共和国行政处罚法》第四十条、第五十九条第一款第（二）项", Severity.SEVERE,
        applies=_applies_inconsistent_date, touches={"facts_dates"})
def _inconsistent_date(ctx: Ctx, rng: Random) -> tuple[str, str]:
    start, end, day = _inspection_dates(ctx)[0]
    new = day - dt.timedelta(days=rng.randint(1, 10))
    taken = {as_date(v) for v in ctx.record.values()}
    while new in taken:
        new -= dt.timedelta(days=1)
    ctx.case["draft"] = ctx.text[:start] + cn_date(new) + ctx.text[end:]
    issue = (f"决定书认定执法人员于{cn_date(new)}检查发现违法行为，"
             f"而证据目录中的现场检查笔录及案卷记载的检查日期为{cn_date(day)}，日期不一致，"
             "认定的事实与证据不符，属事实不清、主要证据不足；应核对笔录查清检查日期后重新审核。")
    return issue, "《中华人民共和国行政处罚法》第四十条、第五十九条第一款第（二）项"


# ============================================================================ law


def _law_kind(title: str) -> str:
    m = re.search(r"(法|条例|规定|办法|细则|解释|决定|规则)$", title)
    return m.group(1) if m else "法规"


_ARTICLE_NO_RE = re.compile(r"第[零〇一二两三四五六七八九十百千0-9]+条")


def _applies_nonexistent(ctx: Ctx) -> bool:
    return any(ctx.version(cp) is not None and citation_refs(ctx.text, ctx.store, str(ctx.law_key(cp)),
                                                             int(cp.article_no or 0))
               for cp in ctx.citations("penalty"))


@defect("law.nonexistent_article", Criterion.LAW, "引用不存在的条文",
        "处罚依据改为该法规并不存在的条文序号（超过末条）。",
        "《中华人民共和国行政处罚法》第三十八条第一款", Severity.SEVERE, applies=_applies_nonexistent,
        touches={"penalty_citation"})
def _nonexistent_article(ctx: Ctx, rng: Random) -> tuple[str, str]:
    for cp in ctx.citations("penalty"):
        key = ctx.law_key(cp)
        version = ctx.version(cp)
        assert cp.article_no is not None
        if key is None or version is None:
            continue
        refs = citation_refs(ctx.text, ctx.store, key, cp.article_no)
        if not refs:
            continue
        last = max(a.no for v in ctx.store.versions(key) for a in v.articles)
        new_no = last + rng.randint(2, 15)
        edits = []
        for ref in refs:
            span = ctx.text[ref.start : ref.end]
            new_span = _ARTICLE_NO_RE.sub(f"第{cn_number(new_no)}条", span, count=1)
            edits.append((ref.start, ref.end, new_span))
        ctx.case["draft"] = _replace_spans(ctx.text, edits)
        right = cp_text(ctx, cp)
        wrong = cite_text(version.title, new_no, cp.paragraph, cp.item)
        issue = (f"处罚依据引用{wrong}，"
                 f"该{_law_kind(version.title)}共{len(version.articles)}条（末条为"
                 f"{version.articles[-1].label}），所引条文不存在，属适用依据错误；"
                 f"与违法行为对应的罚则应为{right}。")
        return issue, right
    raise MutationError("没有可改写的处罚依据。")


def _remedy_reference(ctx: Ctx) -> tuple[ParameterValue, ParameterValue] | None:
    """(superseded, current) values of the 复议期限 parameter when the decision falls after a revision."""
    day = ctx.decision_date
    if day is None:
        return None
    history = load_parameters()["reconsideration_days"].values
    current = next((v for v in reversed(history) if v.since <= day), None)
    if current is None:
        return None
    older = [v for v in history if v.since < current.since and v.article != current.article]
    if not older:
        return None
    return older[-1], current


def _applies_superseded(ctx: Ctx) -> bool:
    remedy = ctx.draft.remedy_text
    return (remedy is not None and _remedy_reference(ctx) is not None and "复议法" not in remedy
            and ctx.text.count(remedy) == 1)


@defect("law.superseded_version", Criterion.LAW, "救济告知援引已修订的旧条文",
        "复议期限援引行政复议法修订前的条文（如2024年1月1日后仍引第九条）。",
        "《中华人民共和国行政复议法》第二十条第一款", Severity.GENERAL, applies=_applies_superseded,
        touches={"remedy"})
def _superseded_version(ctx: Ctx, rng: Random) -> tuple[str, str]:
    found = _remedy_reference(ctx)
    remedy = ctx.draft.remedy_text
    assert found is not None and remedy is not None
    old, current = found
    ref = old.reference
    at = ctx.text.find(remedy)
    ctx.case["draft"] = ctx.text[:at] + f"根据{ref}的规定，" + ctx.text[at:]
    issue = (f"救济告知援引{ref}，该条是行政复议法修订前文本的规定；"
             f"修订后的行政复议法自{cn_date(current.since)}起施行，"
             f"本决定于{cn_date(ctx.procedure_date)}作出，申请复议期限应援引{current.reference}。"
             "期限本身无误，属引用版本错误，改正即可。")
    return issue, current.reference


def _article(version: LawVersion, cp: CitedProvision) -> Article | None:
    return next((a for a in version.articles if (a.no, a.suffix) == (cp.article_no, cp.article_suffix)), None)


def _mismatch_candidates(ctx: Ctx, cp: CitedProvision, rng_range: AmountRange | None,
                         fine: float) -> list[tuple[int, int | None, int | None, str]]:
    """Other penalty units of the same law that do not punish the violated provision.

    Returns (article, 款, 项, text) tuples.
    """
    version = ctx.version(cp)
    assert version is not None and cp.article_no is not None
    violated = [v for v in ctx.citations("violated") if ctx.law_key(v) == ctx.law_key(cp)]
    violated_nos = {v.article_no for v in violated}
    out: list[tuple[int, int | None, int | None, str]] = []
    article = _article(version, cp)
    if cp.item is not None and article is not None:
        para_no = cp.paragraph or next((p.no for p in article.paragraphs if p.items), None)
        para = next((p for p in article.paragraphs if p.no == para_no), None)
        if para is not None:
            for it in para.items:
                if it.no != cp.item:
                    out.append((article.no, cp.paragraph, it.no, it.text))
        if out:
            return out
    for a in version.articles:
        if a.suffix or a.no == cp.article_no or a.no in violated_nos:
            continue
        for p in a.paragraphs:
            if "罚款" not in p.text:
                continue
            if any(f"第{cn_number(int(n))}条" in p.text for n in violated_nos if n):
                continue
            ranges = _yuan_ranges(p.text)
            # Strictly inside: at an end of the wrong range the fine would add a second, discretion defect
            # (顶格 though the decision says 从轻, or the least amount though it says 从重).
            if not ranges or not all(r.low is not None and r.high is not None and r.low < fine < r.high
                                     for r in ranges):
                continue
            out.append((a.no, p.no if len(a.paragraphs) > 1 else None, None, p.text))
    return out


def _mismatch_target(ctx: Ctx) -> tuple[CitedProvision, list[tuple[int, int | None, int | None, str]]] | None:
    fine = ctx.draft.fine
    if fine is None:
        return None
    for cp in ctx.citations("penalty"):
        if ctx.version(cp) is None:
            continue
        rng_range = ctx.statutory_range(cp)
        if rng_range is None:
            continue
        key = ctx.law_key(cp)
        assert key is not None and cp.article_no is not None
        if not citation_refs(ctx.text, ctx.store, key, cp.article_no, paragraph=cp.paragraph, item=cp.item):
            continue
        candidates = _mismatch_candidates(ctx, cp, rng_range, fine.yuan)
        if candidates:
            return cp, candidates
    return None


@defect("law.penalty_clause_mismatch", Criterion.LAW, "罚则与违法条款不对应",
        "处罚依据换成同一法规中另一个罚则（另一条或同条另一项），该罚则处罚的不是本案违反的规定。",
        "《中华人民共和国行政处罚法》第三十八条第一款", Severity.SEVERE,
        applies=lambda ctx: _mismatch_target(ctx) is not None, touches={"penalty_citation"})
def _penalty_clause_mismatch(ctx: Ctx, rng: Random) -> tuple[str, str]:
    found = _mismatch_target(ctx)
    assert found is not None
    cp, candidates = found
    article, paragraph, item, unit_text = candidates[rng.randrange(len(candidates))]
    key = ctx.law_key(cp)
    assert key is not None and cp.article_no is not None
    refs = citation_refs(ctx.text, ctx.store, key, cp.article_no, paragraph=cp.paragraph, item=cp.item)
    edits = []
    old_unit = ctx.resolve(cp)
    for ref in refs:
        span = ctx.text[ref.start : ref.end]
        edits.append((ref.start, ref.end, rebuild_citation(span, article, paragraph, item)))
        # A verbatim quotation of the old provision right after it becomes the new provision's text.
        lead = re.match(r"(?:的)?规定[：:]\s*“", ctx.text[ref.end : ref.end + 8])
        if lead and old_unit is not None and old_unit.text:
            q_start = ref.end + lead.end()
            q_end = ctx.text.find("”", q_start)
            if q_end > 0 and ctx.text[q_start:q_end].strip() == old_unit.text.strip():
                edits.append((q_start, q_end, unit_text.strip()))
    ctx.case["draft"] = _replace_spans(ctx.text, edits)
    version = ctx.version(cp)
    assert version is not None
    wrong = cite_text(version.title, article, paragraph, item)
    right = cp_text(ctx, cp)
    violated = "、".join(cp_text(ctx, v) for v in ctx.citations("violated")) or "本案违反的规定"
    if re.match(r"违反(?:前款|第[一二三四五六七八九十]+款)", unit_text):
        # 违反前款/第一款规定的…: the conduct is described in the paragraph referred to; show the article.
        whole = cite_article(ctx.store, version.title, article, ctx.law_date)
        unit_text = (whole.article_text or unit_text).split("\n")[0]
    gist = re.sub(r"\s+", "", unit_text)[:60]
    issue = (f"罚则引用{wrong}（“{gist}……”），该条款处罚的不是本案的违法行为，与认定违反的{violated}不对应，"
             f"属适用依据错误；应改为{right}。")
    basis = "；".join(dict.fromkeys([*(cp_text(ctx, v) for v in ctx.citations("violated")), right]))
    return issue, basis


_PENALTY_WORDS_RE = re.compile(r"罚款|警告|通报批评|没收|吊销|责令停产停业|责令关闭|拘留|处[^，。；]{0,20}罚")


def _paragraph_matters(art: Article, cp: CitedProvision, role: str) -> bool:
    """Whether citing the article without `cp`'s 款 leaves the reader unsure which rule applies.

    《中华人民共和国行政处罚法》第五十九条第一款第（三）项 asks for the provisions applied; a citation is
    imprecise only when the dropped 款 is needed to find them: 第X条第（三）项 is unambiguous when one 款 alone
    lists items, and 依据第X条 names the penalty when one 款 alone imposes one (and it is the cited 款).
    """
    if len(art.paragraphs) < 2:
        return False
    if cp.item is not None:
        return sum(1 for p in art.paragraphs if p.items) >= 2
    if role == "penalty":
        penal = [p.no for p in art.paragraphs if _PENALTY_WORDS_RE.search(p.text)]
        return len(penal) >= 2 or penal != [cp.paragraph]
    return True  # several 款 laying down different duties: the 款 says which one was broken


def _missing_paragraph_target(ctx: Ctx) -> CitedProvision | None:
    for role in ("penalty", "violated"):
        for cp in ctx.citations(role):
            if cp.paragraph is None or cp.article_no is None:
                continue
            version = ctx.version(cp)
            art = _article(version, cp) if version else None
            key = ctx.law_key(cp)
            if art is None or key is None or not _paragraph_matters(art, cp, role):
                continue
            if citation_refs(ctx.text, ctx.store, key, cp.article_no, paragraph=cp.paragraph):
                return cp
    return None


@defect("law.missing_paragraph", Criterion.LAW, "引用条文缺款",
        "引用分款的条文时删去“第X款”，而该款是确定所适用规定所必需的（条文有数款分别规定不同事项），引用不精确。",
        "《中华人民共和国行政处罚法》第五十九条第一款第（三）项", Severity.GENERAL,
        applies=lambda ctx: _missing_paragraph_target(ctx) is not None, touches={"penalty_citation"})
def _missing_paragraph(ctx: Ctx, rng: Random) -> tuple[str, str]:
    cp = _missing_paragraph_target(ctx)
    assert cp is not None and cp.article_no is not None
    key = ctx.law_key(cp)
    assert key is not None
    refs = citation_refs(ctx.text, ctx.store, key, cp.article_no, paragraph=cp.paragraph)
    edits = []
    for ref in refs:
        span = ctx.text[ref.start : ref.end]
        edits.append((ref.start, ref.end, re.sub(r"第[零〇一二两三四五六七八九十0-9]+款", "", span, count=1)))
    ctx.case["draft"] = _replace_spans(ctx.text, edits)
    version = ctx.version(cp)
    assert version is not None
    art = next(a for a in version.articles if a.no == cp.article_no and a.suffix == cp.article_suffix)
    right = cp_text(ctx, cp)
    wrong = cite_text(version.title, cp.article_no, None, cp.item)
    issue = (f"决定书引用{wrong}，未写明款。{art.label}共{cn_number(len(art.paragraphs))}款，"
             f"本案适用的是第{cn_number(int(cp.paragraph or 0))}款，应写明为{right}。属引用不精确，可补正。")
    return issue, right


def _short_title(title: str) -> str | None:
    if title.startswith("中华人民共和国"):
        return title.removeprefix("中华人民共和国")
    m = re.match(r"^(?:.{1,8}?(?:省|自治区))?.{1,8}?市(?:.{1,8}?(?:区|县))?", title)
    if m and len(title) - m.end() >= 4:
        return title[m.end() :]
    return None


def _abbreviation_target(ctx: Ctx) -> tuple[str, str] | None:
    candidates: list[tuple[str, str]] = []
    for cp in [*ctx.citations("violated"), *ctx.citations("penalty")]:
        version = ctx.version(cp)
        if version is None or cp.law_name != version.title:
            continue
        short = _short_title(version.title)
        if short and f"《{version.title}》" in ctx.text and (version.title, short) not in candidates:
            candidates.append((version.title, short))
    local = [c for c in candidates if not c[0].startswith("中华人民共和国")]
    chosen = local or candidates
    return chosen[0] if chosen else None


@defect("law.abbreviated_law_name", Criterion.LAW, "法律名称使用简称",
        "决定书引用的法律法规名称改为简称（去掉“中华人民共和国”或地名），引用法律依据应当使用全称。",
        "《中华人民共和国行政处罚法》第五十九条第一款第（三）项", Severity.GENERAL,
        applies=lambda ctx: _abbreviation_target(ctx) is not None, touches={"law_names"})
def _abbreviated_law_name(ctx: Ctx, rng: Random) -> tuple[str, str]:
    found = _abbreviation_target(ctx)
    assert found is not None
    title, short = found
    quotes = quote_spans(ctx.text)
    edits = []
    token = f"《{title}》"
    at = ctx.text.find(token)
    while at >= 0:
        if not _in_quote(quotes, at):
            edits.append((at, at + len(token), f"《{short}》"))
        at = ctx.text.find(token, at + 1)
    ctx.case["draft"] = _replace_spans(ctx.text, edits)
    issue = (f"决定书将《{title}》写作《{short}》。引用法律、法规作为处罚依据应当使用全称，"
             "简称可能指向不同的法律文件（如其他地方的同名法规），应改为全称。")
    return issue, "《中华人民共和国行政处罚法》第五十九条第一款第（三）项"


# ============================================================================ procedure


def _notice(ctx: Ctx) -> dict[str, Any] | None:
    return _sub(ctx.case, "notice")


def _window_end(ctx: Ctx) -> dt.date | None:
    """Last day of the 陈述申辩 (and 听证 request) period: working days after service (第八十五条)."""
    notice = _notice(ctx)
    if not notice:
        return None
    served = as_date(notice.get("served_date"))
    period = notice.get("period_days")
    if served is None or not isinstance(period, int):
        return None
    rights = notice.get("rights") or []
    if "听证" in rights:
        period = max(period, int(ctx.param("hearing_request_working_days", served).value))
    return add_working_days(served, period)


def _hearing_threshold(ctx: Ctx) -> float | None:
    """较大数额罚款 threshold from the dated parameters, when the project has recorded one."""
    kind = (_sub(ctx.case, "party") or {}).get("kind")
    # A 个体工商户 is a natural person trading under a registration (《中华人民共和国民法典》第五十四条).
    key = "hearing_large_fine_person" if kind in ("自然人", "个体工商户") else "hearing_large_fine_org"
    try:
        return float(ctx.param(key).value)
    except ParameterError:
        return None


def _hearing_cap(ctx: Ctx) -> float | None:
    """The fine a mutator may not reach when the party was not told of a right to a hearing: at 较大数额
    the notice must offer one (《中华人民共和国行政处罚法》第六十三条第一款第（一）项), a second defect the key
    of a discretion defect would not name. None when the notice offers a hearing or no threshold is known."""
    notice = _notice(ctx)
    if notice is not None and "听证" in (notice.get("rights") or []):
        return None
    return _hearing_threshold(ctx)


def _below_cap(ctx: Ctx, amounts: Iterable[float]) -> list[float]:
    cap = _hearing_cap(ctx)
    return [a for a in amounts if cap is None or a < cap]


def _applies_no_hearing_notice(ctx: Ctx) -> bool:
    notice = _notice(ctx)
    threshold = _hearing_threshold(ctx)
    fine = ctx.draft.fine
    return (notice is not None and threshold is not None and fine is not None and fine.yuan >= threshold
            and "听证" in (notice.get("rights") or [])
            and not (_sub(ctx.case, "hearing") or {}).get("requested"))


_HEARING_PHRASES = (
    ("（听证）", ""), ("和听证告知", ""), ("和要求听证的权利", "的权利"), ("、要求听证", ""),
    ("，也未要求听证", ""),
    ("，未要求听证", ""), ("也未要求听证", ""), ("及听证", ""), ("、听证", ""), ("和听证", ""),
)


def _strip_hearing(text: str) -> str:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if "告知" in line and "听证" in line:
            for old, new in _HEARING_PHRASES:
                line = line.replace(old, new)
            lines[i] = line
    return "\n".join(lines)


@defect("procedure.no_hearing_notice", Criterion.PROCEDURE, "较大数额罚款未告知听证权利",
        "拟作出较大数额罚款，告知书和决定书都未告知当事人要求听证的权利（较大数额标准取自法定参数）。",
        "《中华人民共和国行政处罚法》第六十三条第一款第（一）项、第四十四条", Severity.SEVERE,
        applies=_applies_no_hearing_notice, touches={"notice_rights"})
def _no_hearing_notice(ctx: Ctx, rng: Random) -> tuple[str, str]:
    notice = _notice(ctx)
    assert notice is not None
    notice["rights"] = [r for r in notice.get("rights") or [] if r != "听证"]
    ctx.case["draft"] = _strip_hearing(ctx.text)
    fine = ctx.draft.fine
    assert fine is not None
    threshold = _hearing_threshold(ctx)
    issue = (f"拟罚款{fine.yuan:.0f}元，达到较大数额罚款标准（{threshold:.0f}元），"
             "应当告知当事人有要求听证的权利；告知书只告知了陈述、申辩权利，剥夺了当事人的听证权利，"
             "须重新告知后再作决定。")
    return issue, "《中华人民共和国行政处罚法》第六十三条第一款第（一）项、第四十四条、第六十二条"


def _applies_hearing_not_held(ctx: Ctx) -> bool:
    notice = _notice(ctx)
    hearing = _sub(ctx.case, "hearing") or {}
    end = _window_end(ctx)
    served = as_date(notice.get("served_date")) if notice else None
    return (notice is not None and "听证" in (notice.get("rights") or []) and not hearing.get("requested")
            and served is not None and end is not None and ctx.decision_date is not None
            and any(day == served for _, _, day in dates_followed_by(ctx.text, NOTICE_CONTEXT.keywords))
            and re.search(r"未(?:要求|申请|提出)听证", ctx.text) is not None)


@defect("procedure.hearing_not_held", Criterion.PROCEDURE, "当事人要求听证未组织听证",
        "当事人在期限内要求听证，机关未组织听证即作出处罚决定。",
        "《中华人民共和国行政处罚法》第六十三条第一款、第六十四条", Severity.SEVERE,
        applies=_applies_hearing_not_held, touches={"hearing", "statement"})
def _hearing_not_held(ctx: Ctx, rng: Random) -> tuple[str, str]:
    notice = _notice(ctx)
    assert notice is not None
    served = as_date(notice.get("served_date"))
    assert served is not None and ctx.decision_date is not None
    days = int(ctx.param("hearing_request_working_days", served).value)
    request = add_working_days(served, rng.randint(1, max(1, days - 1)))
    if request >= ctx.decision_date:
        request = add_working_days(served, 1)
    ctx.record["hearing"] = {"requested": True, "request_date": request, "held_date": None}
    subject = _subject(ctx.text)
    text = re.sub(r"[，,]?(?:也|并)?未(?:要求|申请|提出)听证", "", ctx.text, count=1)
    # Put the request right after the sentence that reports the statement period.
    m = re.search(r"[^。\n]*(?:未提出陈述|未进行陈述|提出陈述|提出申辩)[^。\n]*。", text)
    addition = f"{subject}于{cn_date(request)}书面提出听证申请。"
    if m:
        text = text[: m.end()] + addition + text[m.end() :]
    else:
        raise MutationError("草稿中没有找到陈述申辩情况的表述。")
    ctx.case["draft"] = text
    issue = ("告知书告知了听证权利，"
             f"{subject}于{cn_date(request)}在法定期限（告知后{cn_number(days)}个工作日）内提出听证申请，"
             f"案卷中没有举行听证的记录，机关未组织听证即于{cn_date(ctx.decision_date)}作出决定，"
             "剥夺了当事人的听证权利，程序违法。应依法组织听证后再作决定。")
    return issue, "《中华人民共和国行政处罚法》第六十三条第一款、第六十四条、第六十二条"


def _applies_before_window(ctx: Ctx) -> bool:
    end = _window_end(ctx)
    notice = _notice(ctx)
    if end is None or notice is None or ctx.decision_date is None:
        return False
    served = as_date(notice.get("served_date"))
    assert served is not None
    statement = _sub(ctx.case, "statement") or {}
    earliest = max(d for d in (served, as_date(statement.get("date")) or served) if d)
    return add_working_days(earliest, 1) < end and ctx.decision_date > end


@defect("procedure.decision_before_window", Criterion.PROCEDURE, "陈述申辩期限届满前作出决定",
        "决定日期提前到告知书给予的陈述申辩（听证申请）期限届满之前（按工作日计算）。",
        "《中华人民共和国行政处罚法》第四十四条、第四十五条第一款、第六十二条、第八十五条", Severity.SEVERE,
        applies=_applies_before_window, touches={"decision_date"})
def _decision_before_window(ctx: Ctx, rng: Random) -> tuple[str, str]:
    notice = _notice(ctx)
    assert notice is not None
    served = as_date(notice.get("served_date"))
    end = _window_end(ctx)
    assert served is not None and end is not None
    statement = _sub(ctx.case, "statement") or {}
    earliest = as_date(statement.get("date")) or served
    options = []
    day = add_working_days(earliest, 1)
    while day < end:
        options.append(day)
        day = add_working_days(day, 1)
    new = options[rng.randrange(len(options))]
    set_decision_date(ctx.case, new)
    for key in ("legal_review", "collective_discussion"):
        step = _sub(ctx.case, key)
        if step and as_date(step.get("date")) and as_date(step.get("date")) > new:  # type: ignore[operator]
            step["date"] = new
    period = notice.get("period_days")
    issue = (f"告知书于{cn_date(served)}送达，给予{cn_number(int(period or 0))}个工作日陈述、申辩"
             + ("及要求听证" if "听证" in (notice.get("rights") or []) else "")
             + f"的期限，至{cn_date(end)}届满（按工作日计算，不含法定节假日）；"
               f"决定日期{cn_date(new)}早于期满日，在当事人行使陈述、申辩权利的期限届满前即作出决定，"
               "剥夺了当事人的陈述、申辩权利，程序违法。")
    return issue, "《中华人民共和国行政处罚法》第四十四条、第四十五条第一款、第六十二条、第八十五条"


def _shift(value: Any, delta: dt.timedelta) -> dt.date:
    """A record date moved by `delta`, landing on a working day."""
    day = as_date(value)
    assert day is not None
    return next_working_day(day + delta)


def _applies_over_90(ctx: Ctx) -> bool:
    filed = as_date(ctx.record.get("filed_date"))
    extension = _sub(ctx.case, "extension") or {}
    if filed is None or ctx.decision_date is None or extension.get("approved"):
        return False
    if ctx.case.get("procedure") == "简易程序":
        return False
    days = int(ctx.param("case_deadline_days").value)
    if (ctx.decision_date - filed).days > days:
        return False
    notice = _notice(ctx)
    served = as_date(notice.get("served_date")) if notice else None
    shown = dates_followed_by(ctx.text, NOTICE_CONTEXT.keywords)
    return served is None or any(day == served for _, _, day in shown)


@defect("procedure.over_90_days", Criterion.PROCEDURE, "超过九十日办案期限",
        "告知、陈述申辩、法制审核和决定整体推迟，决定日期超过立案后九十日，且无延长办案期限的审批。",
        _param_ref("case_deadline_days"), Severity.SEVERE, applies=_applies_over_90,
        touches={"decision_date"})
def _over_90_days(ctx: Ctx, rng: Random) -> tuple[str, str]:
    filed = as_date(ctx.record.get("filed_date"))
    old_decision = ctx.decision_date
    assert filed is not None and old_decision is not None
    pv = ctx.param("case_deadline_days")
    deadline = filed + dt.timedelta(days=int(pv.value))
    target = next_working_day(deadline + dt.timedelta(days=rng.randint(5, 45)))
    delta = target - old_decision
    moves: list[tuple[dt.date, dt.date, DateContext]] = []
    notice = _notice(ctx)
    if notice and as_date(notice.get("served_date")):
        old = as_date(notice["served_date"])
        assert old is not None
        new = next_working_day(old + delta)
        notice["served_date"] = new
        moves.append((old, new, NOTICE_CONTEXT))
    statement = _sub(ctx.case, "statement")
    if statement and as_date(statement.get("date")):
        old = as_date(statement["date"])
        assert old is not None
        new = next_working_day(old + delta)
        served = as_date(notice.get("served_date")) if notice else None
        if served and new < served:
            new = served
        statement["date"] = new
        moves.append((old, new, STATEMENT_CONTEXT))
    hearing = _sub(ctx.case, "hearing")
    for key in ("request_date", "held_date"):
        if hearing and as_date(hearing.get(key)):
            hearing[key] = _shift(hearing[key], delta)
    ctx.case["draft"], _ = move_dates(ctx.text, moves)
    # The decision may not come before the statement window closes after the move (holidays differ).
    end = _window_end(ctx)
    decision = target if end is None or target > end else add_working_days(end, 1)
    set_decision_date(ctx.case, decision)
    for key in ("legal_review", "collective_discussion"):
        step = _sub(ctx.case, key)
        if step and as_date(step.get("date")):
            moved = _shift(step["date"], delta)
            step["date"] = min(moved, decision)
    days = (decision - filed).days
    issue = (f"{cn_date(filed)}立案，{cn_date(decision)}作出决定，历时{days}日，"
             f"超过自立案之日起{cn_number(int(pv.value))}日内作出行政处罚决定的期限（届满日"
             f"{cn_date(deadline)}）；案卷中没有延长办案期限的审批，也没有中止等可扣除期间。"
             "应说明超期原因并依法处理。")
    return issue, pv.reference


_WRONG_PERIODS = (("litigation_months", "个月", "三个月"), ("reconsideration_days", "日", "三十日"))


def _remedy_choices(ctx: Ctx) -> list[tuple[str, str, str, ParameterValue]]:
    remedy = ctx.draft.remedy_text
    if remedy is None or ctx.text.count(remedy) != 1:
        return []
    out = []
    for key, unit, wrong in _WRONG_PERIODS:
        pv = ctx.param(key)
        right = f"{cn_number(int(pv.value))}{unit}"
        if right in remedy and wrong != right:
            out.append((key, right, wrong, pv))
    return out


@defect("procedure.wrong_remedy_period", Criterion.PROCEDURE, "救济期限告知错误",
        "起诉期限写成三个月（应为六个月），或复议期限写成三十日（应为六十日）。",
        _param_ref("litigation_months") + "；" + _param_ref("reconsideration_days"), Severity.GENERAL,
        applies=lambda ctx: bool(_remedy_choices(ctx)), touches={"remedy"})
def _wrong_remedy_period(ctx: Ctx, rng: Random) -> tuple[str, str]:
    choices = _remedy_choices(ctx)
    key, right, wrong, pv = choices[rng.randrange(len(choices))]
    remedy = ctx.draft.remedy_text
    assert remedy is not None
    at = ctx.text.find(remedy)
    ctx.case["draft"] = ctx.text[:at] + remedy.replace(right, wrong) + ctx.text[at + len(remedy) :]
    what = "向人民法院提起行政诉讼" if key == "litigation_months" else "申请行政复议"
    issue = (f"救济告知中{what}的期限写成“{wrong}”，错误。依法应为{right}（{pv.reference}），应改正；"
             "期限告知错误可能使当事人错过救济期限。")
    return issue, pv.reference + "；《中华人民共和国行政处罚法》第五十九条第一款第（五）项"


def _simple_limit(ctx: Ctx) -> ParameterValue | None:
    kind = (_sub(ctx.case, "party") or {}).get("kind")
    if kind == "自然人":
        return ctx.param("simple_procedure_max_fine_person")
    if kind in ("法人", "其他组织", "个体工商户"):
        # 个体工商户 sits between 公民 and 组织; the higher limit keeps the defect unambiguous.
        return ctx.param("simple_procedure_max_fine_org")
    return None


_TITLE_LINE_RE = re.compile(r"^(\s*)行政处罚决定书(\s*)$", re.MULTILINE)


def _applies_simple(ctx: Ctx) -> bool:
    limit = _simple_limit(ctx)
    fine = ctx.draft.fine
    return (ctx.case.get("procedure") == "普通程序" and limit is not None and fine is not None
            and fine.yuan > float(limit.value) and _TITLE_LINE_RE.search(ctx.text) is not None
            and bool(dates_followed_by(ctx.text, NOTICE_CONTEXT.keywords)))


def _drop_sentences(text: str, pattern: str) -> str:
    """Remove every sentence (…。) that matches `pattern`, and the line when nothing else is left on it."""
    out_lines = []
    for line in text.split("\n"):
        if re.search(pattern, line):
            parts = re.split(r"(?<=。)", line)
            kept = [p for p in parts if not re.search(pattern, p)]
            line = "".join(kept)
            if not line.strip():
                continue
        out_lines.append(line)
    return "\n".join(out_lines)


@defect("procedure.simple_procedure_over_limit", Criterion.PROCEDURE, "超过限额适用简易程序",
        "改为当场作出的简易程序决定（无立案、口头告知），而罚款数额超过当场处罚的法定限额。",
        _param_ref("simple_procedure_max_fine_org") + "、第五十四条", Severity.SEVERE,
        applies=_applies_simple,
        touches={"procedure", "decision_date", "filed_date"})
def _simple_procedure_over_limit(ctx: Ctx, rng: Random) -> tuple[str, str]:
    limit = _simple_limit(ctx)
    fine = ctx.draft.fine
    assert limit is not None and fine is not None
    subject = _subject(ctx.text)
    text = _TITLE_LINE_RE.sub(r"\1当场行政处罚决定书\2", ctx.text, count=1)
    text = _drop_sentences(text, r"立案")
    statement = _sub(ctx.case, "statement") or {}
    told = (f"执法人员已当场告知{subject}拟作出行政处罚的事实、理由和依据，并告知{subject}依法享有陈述、"
            "申辩的权利，"
            + (f"听取了{subject}的陈述、申辩。" if statement.get("made") else f"{subject}未提出陈述、申辩。"))
    lines = text.split("\n")
    notice_lines = [i for i, line in enumerate(lines) if "告知书" in line]
    lines[notice_lines[0]] = re.match(r"^\s*", lines[notice_lines[0]]).group(0) + told  # type: ignore[union-attr]
    for i in reversed(notice_lines[1:]):
        del lines[i]
    ctx.case["draft"] = _strip_hearing("\n".join(lines))
    decision = ctx.decision_date
    assert decision is not None
    ctx.case["procedure"] = "简易程序"
    ctx.record.pop("filed_date", None)
    proposed = (_notice(ctx) or {}).get("proposed_penalty")
    ctx.record["notice"] = {"served_date": decision, "proposed_penalty": proposed,
                            "rights": ["陈述", "申辩"], "period_days": 0}
    if statement.get("made"):
        statement["date"] = decision
    ctx.record["hearing"] = {"requested": False}
    ctx.record["legal_review"] = {"done": False}
    kind = (_sub(ctx.case, "party") or {}).get("kind")
    whom = "公民" if kind == "自然人" else "法人或者其他组织"
    issue = (f"本案适用简易程序当场作出处罚，但对{kind}罚款{fine.yuan:.0f}元。"
             f"当场作出行政处罚决定仅限于对{whom}处以{limit.value:.0f}元以下罚款或者警告（{limit.reference}）"
             "；本案罚款超过限额，应当适用普通程序，立案调查、书面告知并听取陈述申辩后作出决定。")
    return issue, f"{limit.reference}、第五十四条、第四十四条"


# ============================================================================ discretion


def _reasons_line(text: str) -> tuple[int, int] | None:
    m = re.search(r"^[ \t]*(?:裁量理由|裁量说明|裁量依据|裁量情况)[：:].*$", text, re.MULTILINE)
    return (m.start(), m.end()) if m else None


def _single_fine(ctx: Ctx) -> bool:
    fine = ctx.draft.fine
    return fine is not None and "；" not in fine.text and "合计" not in (ctx.draft.penalty_text or "")


def _above_max_options(ctx: Ctx) -> list[int]:
    found = ctx.fine_range()
    if found is None or found[1].high is None:
        return []
    high = float(found[1].high)
    options = sorted({round_up(high * k) for k in (1.1, 1.2, 1.5, 2.0)} | {int(high + nice_step(high))})
    return [int(a) for a in _below_cap(ctx, (o for o in options if o > high))]


def _applies_above_max(ctx: Ctx) -> bool:
    return _single_fine(ctx) and bool(_above_max_options(ctx))


@defect("discretion.above_statutory_max", Criterion.DISCRETION, "罚款超出法定最高额",
        "罚款数额改为高于罚则规定的最高额（幅度取自法规库中罚则原文）。",
        "《中华人民共和国行政处罚法》第五条第二款", Severity.SEVERE, applies=_applies_above_max,
        touches={"fine"})
def _above_statutory_max(ctx: Ctx, rng: Random) -> tuple[str, str]:
    found = ctx.fine_range()
    assert found is not None
    cp, rng_range = found
    high = float(rng_range.high or 0)
    options = _above_max_options(ctx)
    new = options[rng.randrange(len(options))]
    set_fine(ctx.case, new)
    cited = cp_text(ctx, cp)
    issue = (f"罚款{new}元超出法定幅度。{cited}规定“{rng_range.text}”罚款，最高{high:.0f}元；"
             "没有在法定幅度以上处罚的依据。应在法定幅度内重新裁量并说明理由，重新告知拟处罚内容。")
    return issue, f"{cited}；《中华人民共和国行政处罚法》第五条第二款"


def _applies_below_min(ctx: Ctx) -> bool:
    found = ctx.fine_range()
    return (_single_fine(ctx) and found is not None and (found[1].low or 0) >= 100 and "减轻" not in ctx.text)


@defect("discretion.below_statutory_min", Criterion.DISCRETION, "罚款低于法定最低额且无减轻情节",
        "罚款数额改为低于罚则规定的最低额，案卷和决定书均无法定减轻处罚情节。",
        "《中华人民共和国行政处罚法》第三十二条、第五条第二款", Severity.SEVERE, applies=_applies_below_min,
        touches={"fine"})
def _below_statutory_min(ctx: Ctx, rng: Random) -> tuple[str, str]:
    found = ctx.fine_range()
    assert found is not None
    cp, rng_range = found
    low = float(rng_range.low or 0)
    new = round_down(low * rng.choice((0.3, 0.4, 0.5, 0.6, 0.8)))
    if not 0 < new < low:
        new = int(low / 2)
    set_fine(ctx.case, new)
    cited = cp_text(ctx, cp)
    issue = (f"罚款{new}元低于{cited}规定的最低额{low:.0f}元（“{rng_range.text}”）。"
             "在法定幅度以下处罚属于减轻处罚，须有第三十二条等规定的法定减轻情节并说明理由；"
             "案卷和决定书载明的只是从轻情节，不能减轻。裁量明显不当。")
    return issue, f"{cited}；《中华人民共和国行政处罚法》第三十二条、第五条第二款"


def _table_rows(ctx: Ctx) -> list[DiscretionRow]:
    jurisdiction = str(ctx.case.get("jurisdiction") or "")
    day = ctx.law_date
    out = []
    for row in ctx.store.discretion_rows():
        place = re.match(r"^\D+", row.table_key)
        if place is None or place.group(0) not in jurisdiction:
            continue
        if (row.valid_from and day < row.valid_from) or (row.valid_until and day > row.valid_until):
            continue
        out.append(row)
    return out


Benchmark = tuple[CitedProvision, AmountRange, str, int, dict[int, list[DiscretionRow]]]


def _benchmark(ctx: Ctx) -> Benchmark | None:
    """(penalty citation, statutory range, item, applied tier, tiers) for a fine inside one benchmark tier."""
    fine = ctx.draft.fine
    found = ctx.fine_range()
    rows = _table_rows(ctx)
    if fine is None or found is None or not rows:
        return None
    cp, stat = found
    items = re.findall(r"第(\d+-\d+)项", ctx.text)
    if not items:
        assert cp.law_name is not None and cp.article_no is not None
        matched = rows_for_citation(rows, cp.law_name, cp.article_no, cp.paragraph, cp.article_suffix)
        items = sorted({r.item_no for r in matched})
    if len(set(items)) != 1:
        return None
    item = items[0]
    tiers = tiers_for_item(rows, item)
    applied = [t for t, rs in tiers.items()
               if t and any(r.fine and r.fine.low is not None and r.fine.high is not None
                            and r.fine.low <= fine.yuan <= r.fine.high for r in rs)]
    if len(applied) != 1:
        return None
    return cp, stat, item, applied[0], tiers


def _benchmark_target(ctx: Ctx) -> tuple[int, AmountRange, AmountRange] | None:
    """(tier, its range, applied tier's range) for a fine outside the applied tier but inside the law."""
    found = _benchmark(ctx)
    if found is None:
        return None
    _, stat, _, tier, tiers = found
    current = next(r.fine for r in tiers[tier] if r.fine)
    assert current is not None
    for t in sorted(tiers, key=lambda t: abs(t - tier - 2)):
        if t == tier or not t:
            continue
        rng_ = next((r.fine for r in tiers[t]
                     if r.fine and r.fine.low is not None and r.fine.high is not None), None)
        if rng_ is None or stat.low is None or stat.high is None:
            continue
        if rng_.low >= stat.low and rng_.high <= stat.high and (  # type: ignore[operator]
                rng_.low > (current.high or 0) or rng_.high < (current.low or 0)):  # type: ignore[operator]
            return t, rng_, current
    return None


@defect("discretion.outside_benchmark_tier", Criterion.DISCRETION, "罚款超出裁量基准档次",
        "罚款数额改为法定幅度内、但不在裁量说明所认定的裁量基准档次内（江门市生态环境裁量标准参照表）。",
        "《中华人民共和国行政处罚法》第五条第二款", Severity.SEVERE,
        applies=lambda ctx: _single_fine(ctx) and _benchmark_target(ctx) is not None, touches={"fine"})
def _outside_benchmark_tier(ctx: Ctx, rng: Random) -> tuple[str, str]:
    found = _benchmark(ctx)
    target = _benchmark_target(ctx)
    assert found is not None and target is not None
    cp, _, item, tier, tiers = found
    _, other, current = target
    assert other.low is not None and other.high is not None
    step = nice_step(other.high)
    options = list(range(int(math.ceil(other.low / step) * step), int(other.high) + 1, step))
    options = [o for o in options if not ((current.low or 0) <= o <= (current.high or 0))]
    new = options[rng.randrange(len(options))]
    set_fine(ctx.case, new)
    table = ctx.store.units_by_ids([f"discretion:{tiers[tier][0].table_key}#{item}"])
    table_title = table[0].title if table else "裁量基准参照表"
    cited = cp_text(ctx, cp)
    issue = (f"裁量说明认定本案属《{table_title}》第{item}项第{tier}档，该档裁量标准为“{current.text}”；"
             f"决定却罚款{new}元，超出所认定档次，也未说明偏离基准的理由，裁量明显不当。"
             f"应按第{tier}档重新裁量。")
    return issue, f"{cited}；《{table_title}》第{item}项；《中华人民共和国行政处罚法》第五条第二款"


def _mitigating(ctx: Ctx) -> list[str]:
    """Mitigating circumstances the record or the reasons show."""
    found = []
    if ctx.record.get("corrected") is True:
        found.append("已改正违法行为")
    party = _sub(ctx.case, "party") or {}
    if party.get("prior_violations") == 0:
        found.append("系初次违法")
    if re.search(r"从轻|较低限|初次违法", ctx.text):
        found.append("决定书裁量理由也认定了从轻情节")
    return found


def _applies_mitigation(ctx: Ctx) -> bool:
    found = ctx.fine_range()
    fine = ctx.draft.fine
    return (_single_fine(ctx) and found is not None and fine is not None and found[1].high is not None
            and fine.yuan < found[1].high and len(_mitigating(ctx)) >= 2
            and bool(_below_cap(ctx, [float(found[1].high)])))


@defect("discretion.mitigation_ignored", Criterion.DISCRETION, "有从轻情节仍顶格处罚",
        "案卷和裁量理由均有从轻情节（已改正、初次违法），罚款却改为法定最高额。",
        "《中华人民共和国行政处罚法》第五条第二款、第三十二条", Severity.SEVERE, applies=_applies_mitigation,
        touches={"fine"})
def _mitigation_ignored(ctx: Ctx, rng: Random) -> tuple[str, str]:
    found = ctx.fine_range()
    assert found is not None
    cp, rng_range = found
    high = float(rng_range.high or 0)
    circumstances = _mitigating(ctx)
    set_fine(ctx.case, high)
    cited = cp_text(ctx, cp)
    issue = (f"案卷显示当事人{'、'.join(circumstances)}，"
             f"但决定按{cited}规定的最高额罚款{high:.0f}元（顶格处罚），从轻情节在处罚结果中未得到体现，"
             "罚款与违法行为的事实、情节和社会危害程度不相当，裁量明显不当；"
             "应在法定幅度内结合从轻情节重新裁量并说明理由。")
    return issue, f"{cited}；《中华人民共和国行政处罚法》第五条第二款、第三十二条"


def _proposed_fine(ctx: Ctx) -> float | None:
    notice = _notice(ctx)
    text = notice.get("proposed_penalty") if notice else None
    return parse_amount(text) if isinstance(text, str) else None


def _applies_heavier(ctx: Ctx) -> bool:
    found = ctx.fine_range()
    fine = ctx.draft.fine
    proposed = _proposed_fine(ctx)
    end = _window_end(ctx)
    statement = _sub(ctx.case, "statement") or {}
    if not (_single_fine(ctx) and found is not None and fine is not None and proposed == fine.yuan
            and found[1].high is not None and fine.yuan + nice_step(fine.yuan) <= found[1].high
            and _below_cap(ctx, [fine.yuan + nice_step(fine.yuan)])):
        return False
    if statement.get("made"):
        return as_date(statement.get("date")) is not None
    return (end is not None and ctx.decision_date is not None
            and re.search(r"未(?:提出|进行)陈述", ctx.text) is not None)


@defect("discretion.heavier_after_statement", Criterion.DISCRETION, "陈述申辩后加重处罚",
        "当事人提出陈述、申辩后，决定的罚款高于告知书拟处罚的罚款。",
        "《中华人民共和国行政处罚法》第四十五条第二款", Severity.SEVERE, applies=_applies_heavier,
        touches={"fine", "statement"})
def _heavier_after_statement(ctx: Ctx, rng: Random) -> tuple[str, str]:
    found = ctx.fine_range()
    fine = ctx.draft.fine
    notice = _notice(ctx)
    assert found is not None and fine is not None and notice is not None
    statement = _sub(ctx.case, "statement") or {}
    subject = _subject(ctx.text)
    if not statement.get("made"):
        served = as_date(notice.get("served_date"))
        end = _window_end(ctx)
        assert served is not None and end is not None and ctx.decision_date is not None
        latest = min(end, ctx.decision_date - dt.timedelta(days=1))
        review = as_date((_sub(ctx.case, "legal_review") or {}).get("date"))
        if review:
            latest = min(latest, review)
        options = []
        day = add_working_days(served, 1)
        while day <= latest:
            options.append(day)
            day = add_working_days(day, 1)
        if not options:
            raise MutationError("告知书送达与决定之间没有可安排陈述申辩的工作日。")
        said = options[rng.randrange(len(options))]
        summary = "其已及时整改，系初次违法，请求从轻处罚"
        ctx.record["statement"] = {"made": True, "date": said, "summary": summary, "adopted": False}
        m = re.search(r"[^。\n]*未(?:提出|进行)陈述[^。\n]*。", ctx.text)
        assert m is not None
        hearing_note = f"{subject}未要求听证。" if "听证" in m.group(0) else ""
        replacement = (f"{subject}于{cn_date(said)}提出陈述、申辩，称{summary}。经复核，陈述、"
                       f"申辩理由不能成立，不予采纳。{hearing_note}")
        lead = re.match(r"^\s*", m.group(0))
        start = m.start() + (lead.end() if lead else 0)
        ctx.case["draft"] = ctx.text[:start] + replacement + ctx.text[m.end() :]
    said_day = as_date(_record(ctx.case)["statement"]["date"])
    assert said_day is not None
    high = float(found[1].high or 0)
    candidates = [round_up(fine.yuan * k) for k in (1.2, 1.5, 2.0)]
    candidates = [c for c in candidates if fine.yuan < c <= high] or [int(fine.yuan + nice_step(fine.yuan))]
    candidates = [int(c) for c in _below_cap(ctx, candidates)]
    if not candidates:
        raise MutationError("加重后的罚款将达到应告知听证的较大数额，会另成程序缺陷；请换用其他案例。")
    new = candidates[rng.randrange(len(candidates))]
    set_fine(ctx.case, new, notice=False)
    issue = (f"告知书拟罚款{fine.yuan:.0f}元，{subject}于{cn_date(said_day)}提出陈述、申辩后，"
             f"决定罚款{new}元，高于告知的拟处罚款，且没有新的事实和理由，属于因当事人陈述、"
             "申辩而给予更重的处罚。应维持不高于告知的数额；确需加重的，须基于新查明的事实重新告知。")
    return issue, "《中华人民共和国行政处罚法》第四十五条第二款"


# Words by which a decision states how it fixed the amount (circumstances weighed, benchmark applied).
_REASONING_RE = re.compile(
    r"裁量|鉴于|考虑|综合(?:考虑|以上|上述|全案|分析|评估|认定)|从轻|减轻|从重|酌情|酌定|情节|参照|基准"
)


def _without_reasons(ctx: Ctx) -> str | None:
    """The draft with its reasons for the amount taken out: the 裁量理由 line and every other clause
    (；-separated, outside quoted law) that says what was weighed (…本机关已在裁量时予以考虑). None when a
    whole sentence of reasoning would remain (it cannot be cut out without rewriting the decision)."""
    span = _reasons_line(ctx.text)
    if span is None:
        return None
    start, end = span
    text = ctx.text[:start] + ctx.text[end + 1 :]
    if text[max(0, start - 1) : start + 1] == "\n\n":
        text = text[:start] + text[start + 1 :]  # the line was a paragraph of its own: one blank line stays
    quotes = quote_spans(text)
    edits: list[tuple[int, int, str]] = []
    for m in _REASONING_RE.finditer(text):
        if _in_quote(quotes, m.start()) or any(s <= m.start() < e for s, e, _ in edits):
            continue
        clause_start = text.rfind("；", 0, m.start())
        sentence_start = max(text.rfind(c, 0, m.start()) for c in "。\n")
        clause_end = min((i for i in (text.find(c, m.start()) for c in "；。\n") if i >= 0), default=-1)
        if clause_start <= sentence_start or clause_end < 0 or text[clause_end] != "。":
            return None  # not the last clause of a sentence with others before it
        edits.append((clause_start, clause_end, ""))
    stripped = _replace_spans(text, edits)
    return None if _REASONING_RE.search(_unquoted(stripped)) else stripped


def _unquoted(text: str) -> str:
    for s, e in reversed(quote_spans(text)):
        text = text[:s] + text[e + 1 :]
    return text


def _applies_no_reasons(ctx: Ctx) -> bool:
    fine = ctx.draft.fine
    found = ctx.fine_range()
    if not _single_fine(ctx) or fine is None or found is None or found[1].low is None:
        return False
    # A fine at the statutory minimum needs no stated reasons: nothing was weighed against the party
    # (《中华人民共和国行政处罚法》第五条第二款 — the amount must match the facts; the least amount always does).
    return fine.yuan > float(found[1].low) + 0.005 and _without_reasons(ctx) is not None


@defect("discretion.no_reasons", Criterion.DISCRETION, "未说明裁量理由",
        "罚款高于法定最低额，删去决定书中的“裁量理由/裁量说明”段落及其他说明裁量考虑的分句，"
        "决定书不再说明在幅度内如何确定罚款数额。",
        "《中华人民共和国行政处罚法》第五条第二款、第四十四条", Severity.GENERAL,
        applies=_applies_no_reasons, touches={"reasons"})
def _no_reasons(ctx: Ctx, rng: Random) -> tuple[str, str]:
    text = _without_reasons(ctx)
    assert text is not None
    ctx.case["draft"] = text
    fine = ctx.draft.fine
    found = ctx.fine_range()
    assert fine is not None and found is not None
    issue = (f"决定书在“{found[1].text}”的幅度内确定罚款{fine.yuan:.0f}元，高于法定最低额，"
             "但没有说明裁量理由：未写明考虑了哪些从重、从轻情节，也未说明适用的裁量基准。"
             "应补充裁量理由，使处罚与违法行为的事实、性质、情节和社会危害程度相当可被审查。")
    return issue, "《中华人民共和国行政处罚法》第五条第二款、第四十四条"


# ============================================================================ other


def _applies_double_fine(ctx: Ctx) -> bool:
    found = ctx.fine_range()
    fine = ctx.draft.fine
    if not (_single_fine(ctx) and found is not None and fine is not None and found[1].high is not None):
        return False
    # Each fine on its own stays inside the statutory range, and so does the sum: only 第二十九条 is broken.
    return fine.yuan + max(float(found[1].low or 0), nice_step(fine.yuan)) <= found[1].high


@defect("other.double_fine", Criterion.OTHER, "对同一违法行为两次罚款",
        "在原罚款之外，对同一违法行为再处一笔罚款（合计仍在法定幅度内）。",
        "《中华人民共和国行政处罚法》第二十九条", Severity.SEVERE, applies=_applies_double_fine,
        touches={"fine", "penalty"})
def _double_fine(ctx: Ctx, rng: Random) -> tuple[str, str]:
    found = ctx.fine_range()
    fine = ctx.draft.fine
    assert found is not None and fine is not None
    high, low = float(found[1].high or 0), float(found[1].low or 0)
    options = [max(int(low), round_down(fine.yuan * k)) for k in (0.2, 0.3, 0.5, 1.0)]
    options = sorted({o for o in options if o > 0 and fine.yuan + o <= high})
    options = options or [max(int(low), nice_step(fine.yuan))]
    second = options[rng.randrange(len(options))]
    start, _ = _penalty_span(ctx.text, ctx.draft)
    at = ctx.text.find(fine.text, start) + len(fine.text)
    ctx.case["draft"] = (ctx.text[:at] + "；鉴于违法行为持续时间较长，"
                                         f"对该违法行为再处罚款人民币{yuan_upper(second)}"
                         + ctx.text[at:])
    notice = _notice(ctx)
    if notice and isinstance(notice.get("proposed_penalty"), str):
        notice["proposed_penalty"] = notice["proposed_penalty"] + f"，另处罚款{yuan_lower(second)}"
    issue = (f"决定在罚款{fine.yuan:.0f}元之外，以“违法行为持续时间较长”"
             f"为由对同一违法行为再处罚款{second}元，属于对同一个违法行为给予两次罚款。"
             "持续时间应作为裁量情节在一次罚款的幅度内考虑，应删去第二笔罚款。")
    return issue, "《中华人民共和国行政处罚法》第二十九条"


def _payment_sentence(ctx: Ctx) -> tuple[int, int] | None:
    payment = ctx.draft.payment_text
    if not payment:
        return None
    at = ctx.text.find(payment)
    if at < 0:
        return None
    end = ctx.text.find("。", at)
    end = end + 1 if 0 <= end < at + len(payment) + 1 else at + len(payment)
    sentence = ctx.text[at:end]
    if not re.search(r"银行|电子|非税|代收|国库", sentence) or "收到本决定书之日起" not in sentence:
        return None
    return at, end


@defect("other.cash_to_officer", Criterion.OTHER, "罚款交执法人员（违反罚缴分离）",
        "履行方式改为将罚款以现金当面交给执法人员，违反罚款决定与收缴分离。",
        "《中华人民共和国行政处罚法》第六十七条；《罚款决定与罚款收缴分离实施办法》第三条", Severity.GENERAL,
        applies=lambda ctx: _payment_sentence(ctx) is not None, touches={"payment"})
def _cash_to_officer(ctx: Ctx, rng: Random) -> tuple[str, str]:
    span = _payment_sentence(ctx)
    assert span is not None
    start, end = span
    pv = ctx.param("payment_days")
    subject_match = re.match(r"^(.{0,8}?)(?:应当|应|须)", ctx.text[start:end])
    subject = subject_match.group(1) if subject_match and subject_match.group(1) else _subject(ctx.text)
    sentence = (f"{subject}应当自收到本决定书之日起{cn_number(int(pv.value))}日内，"
                "将罚款以现金方式当面交给本案执法人员，由执法人员出具收款收据后代为上缴。")
    ctx.case["draft"] = ctx.text[:start] + sentence + ctx.text[end:]
    issue = ("决定书要求当事人将罚款以现金方式交给执法人员，违反罚款决定与罚款收缴分离的规定。"
             "除依法当场收缴的罚款外，作出处罚决定的行政机关及其执法人员不得自行收缴罚款，"
             "当事人应当到指定的银行或者通过电子支付系统缴纳，决定书应载明代收机构的名称、地址。"
             "应改写履行方式。")
    return issue, f"{pv.reference}、第二款；《罚款决定与罚款收缴分离实施办法》第三条、第七条"


def _id_checksum(first17: str) -> str:
    """GB 11643 check character of a 公民身份号码."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(first17, weights, strict=True))
    return "10X98765432"[total % 11]


def fake_id_number(rng: Random, region: str, birth: dt.date) -> str:
    """A well-formed (checksummed) but invented 18-digit 公民身份号码."""
    first17 = f"{region}{birth:%Y%m%d}{rng.randrange(10, 999):03d}"
    return first17 + _id_checksum(first17)


def _region_code(text: str, rng: Random) -> str:
    m = re.search(r"[0-9A-Z]{2}([1-6][0-9]{5})[0-9A-Z]{10}", text)
    return m.group(1) if m else f"{rng.choice(('11', '44', '31'))}01{rng.randrange(1, 20):02d}"


_MASKED_ID_RE = re.compile(
    r"(?P<label>公民身份号码|身份证(?:件)?号(?:码)?|证件号码)(?P<sep>[：:]?\s*)"
    r"(?P<id>[0-9]{6}\*{8}[0-9]{3}[0-9Xx])"
)


_PRIVACY_BASIS = (
    "《中华人民共和国行政处罚法》第五十条、第四十八条；《中华人民共和国政府信息公开条例》第十五条"
)


# The decision says it will be made public (政府信息公开 / 行政处罚信息公示): only then is a full ID number in
# it a defect (《中华人民共和国行政处罚法》第四十八条第一款; 《中华人民共和国政府信息公开条例》第十五条).
_PUBLISHED_RE = re.compile(r"公开|公示|信用信息|门户网站|信息平台|信息服务平台")
PUBLICATION_SENTENCE = "本决定书将依法向社会公开。"


def _publication_insert_at(ctx: Ctx) -> int | None:
    """Line index before which to add the publication paragraph: the signature (agency line) at the foot."""
    _, hits = _agency_lines(ctx)
    lines = ctx.text.split("\n")
    foot = [i for i in hits if i > len(lines) // 2]
    return foot[-1] if foot else None


def _applies_full_id(ctx: Ctx) -> bool:
    if re.search(r"[0-9]{17}[0-9Xx]", ctx.text):
        return False
    if not _PUBLISHED_RE.search(ctx.text) and _publication_insert_at(ctx) is None:
        return False
    return _MASKED_ID_RE.search(ctx.text) is not None or _person_line(ctx.text) is not None


def _state_publication(ctx: Ctx) -> None:
    """Add “本决定书将依法向社会公开。” as its own paragraph before the signature, unless already said."""
    text = _draft_text(ctx.case)
    if _PUBLISHED_RE.search(text):
        return
    at = _publication_insert_at(ctx)
    if at is None:
        raise MutationError("草稿末尾没有找到落款机关，无法写明公开决定书。")
    lines = text.split("\n")
    indent = re.match(r"^[ \t\u3000]*", lines[at - 1] if at and lines[at - 1].strip() else lines[at])
    block = [(indent.group(0) if indent else "") + PUBLICATION_SENTENCE, ""]
    if at and lines[at - 1].strip():
        block.insert(0, "")
    ctx.case["draft"] = "\n".join(lines[:at] + block + lines[at:])


@defect("other.full_id_number", Criterion.OTHER, "拟公开的决定书印有完整身份证号码",
        "当事人栏（或法定代表人、经营者）写出完整的18位公民身份号码，决定书写明将依法公开"
        "（未写明的，补一句“本决定书将依法向社会公开。”），公开文本未作去标识化处理。",
        _PRIVACY_BASIS,
        Severity.GENERAL, applies=_applies_full_id, touches={"party_block"})
def _full_id_number(ctx: Ctx, rng: Random) -> tuple[str, str]:
    birth = dt.date(rng.randint(1960, 1995), rng.randint(1, 12), rng.randint(1, 28))
    number = fake_id_number(rng, _region_code(ctx.text, rng), birth)
    masked = _MASKED_ID_RE.search(ctx.text)
    if masked:
        ctx.case["draft"] = ctx.text[: masked.start("id")] + number + ctx.text[masked.end("id") :]
        whose = "当事人"
    else:
        person = _person_line(ctx.text)
        assert person is not None
        label, name = person
        m = re.search(rf"^(\s*{label}[：:]\s*{re.escape(name)})\s*$", ctx.text, re.MULTILINE)
        assert m is not None
        ctx.case["draft"] = ctx.text[: m.end(1)] + f"（公民身份号码：{number}）" + ctx.text[m.end(1) :]
        whose = f"{label}{name}"
    _state_publication(ctx)
    issue = (f"决定书写明将依法公开，但印有{whose}完整的公民身份号码（{number}）。"
             "公开文本应当对身份证号码等个人信息作去标识化处理（如隐去出生日期等中间位数），"
             "送达文本与公开文本可以分别制作。")
    return issue, _PRIVACY_BASIS



def _party_block(text: str) -> tuple[int, int] | None:
    """Offsets of the party block: from the 当事人 line to the first blank line."""
    m = re.search(r"^[ \t]*(?:当事人|被处罚(?:单位|人))(?:名称|姓名)?[：:]", text, re.MULTILINE)
    if not m:
        return None
    end = text.find("\n\n", m.start())
    return m.start(), (end if end > 0 else len(text))


_ADDRESS_RE = re.compile(r"^\s*(?:住所|住址|地址|经营场所|经营地址)[：:]\s*(?P<v>.+)$", re.MULTILINE)


def _applies_minor(ctx: Ctx) -> bool:
    party = _sub(ctx.case, "party") or {}
    act = as_date(ctx.record.get("violation_date")) or _act_day(ctx)
    if act is None or ctx.draft.fine is None or _party_block(ctx.text) is None:
        return False
    if party.get("kind") == "自然人":
        return True
    return _subject(ctx.text) == "当事人" and _person_line(ctx.text) is not None


@defect("other.minor_party", Criterion.OTHER, "处罚不满十四周岁的未成年人",
        "当事人改为违法时年满十三周岁的自然人（案卷记载年龄与决定书出生日期一致），决定仍予罚款。",
        _param_ref("age_no_penalty_below"), Severity.SEVERE, applies=_applies_minor,
        touches={"party", "party_block"})
def _minor_party(ctx: Ctx, rng: Random) -> tuple[str, str]:
    act = as_date(ctx.record.get("violation_date")) or _act_day(ctx)
    assert act is not None
    pv = ctx.param("age_no_penalty_below", act)
    age = int(pv.value) - 1
    # Born well inside the year that makes the party `age` on the day of the act (month precision is safe).
    latest = dt.date(act.year - age, act.month, 1) - dt.timedelta(days=40)
    birth = latest - dt.timedelta(days=rng.randint(0, 300))
    party = _sub(ctx.case, "party") or {}
    block = _party_block(ctx.text)
    assert block is not None
    start, end = block
    masked = f"{_region_code(ctx.text, rng)}********{rng.randrange(100, 999)}{rng.choice('0123456789X')}"
    if party.get("kind") == "自然人":
        name = str(party.get("name") or ctx.draft.party_name or "当事人")
        text = ctx.text
        born = f"{birth.year}年{birth.month}月"
        text = re.sub(r"[0-9]{4}年[0-9]{1,2}月(?:[0-9]{1,2}日)?出生", born + "出生", text, count=1)
        text = re.sub(r"(出生(?:日期|年月)[：:]\s*)[0-9]{4}年[0-9]{1,2}月(?:[0-9]{1,2}日)?",
                      rf"\g<1>{birth.year}年{birth.month}月", text, count=1)
        ctx.case["draft"] = text
    else:
        person = _person_line(ctx.text)
        assert person is not None
        name = person[1]
        address = _ADDRESS_RE.search(ctx.text[start:end])
        sex = rng.choice(("男", "女"))
        lines = [f"当事人：{name}", f"性别：{sex}", f"出生日期：{birth.year}年{birth.month}月",
                 f"身份证件号码：{masked}"]
        if address:
            lines.append(f"住址：{address.group('v').strip()}")
        indent = re.match(r"^[ \t]*", ctx.text[start:]).group(0)  # type: ignore[union-attr]
        ctx.case["draft"] = ctx.text[:start] + "\n".join(indent + ln for ln in lines) + ctx.text[end:]
    ctx.record["party"] = {"kind": "自然人", "name": name, "age": age,
                           "prior_violations": party.get("prior_violations", 0)}
    issue = (f"当事人{name}{birth.year}年{birth.month}月出生，"
             f"{cn_date(act)}实施违法行为时年仅{cn_number(age)}周岁，不满{cn_number(int(pv.value))}周岁。"
             "不满十四周岁的未成年人有违法行为的，不予行政处罚，责令监护人加以管教；决定对其罚款违法，"
             "应撤销处罚内容，改为不予处罚并责令监护人加以管教。")
    return issue, pv.reference


def _applies_no_referral(ctx: Ctx) -> bool:
    return ctx.draft.facts is not None and "移送" not in ctx.text and "公安" not in ctx.text


@defect("other.no_referral", Criterion.OTHER, "涉嫌犯罪未移送",
        "事实中加入以暴力阻碍执法致执法人员轻伤的情节（涉嫌妨害公务罪），决定仍只作行政处罚、"
        "未移送公安机关。",
        "《中华人民共和国行政处罚法》第二十七条第一款；《行政执法机关移送涉嫌犯罪案件的规定》第三条",
        Severity.SEVERE, applies=_applies_no_referral, touches={"facts"})
def _no_referral(ctx: Ctx, rng: Random) -> tuple[str, str]:
    party = _sub(ctx.case, "party") or {}
    who = "当事人" if party.get("kind") == "自然人" else f"{_subject(ctx.text)}的现场负责人"
    _append_to_facts(ctx, f"检查过程中，{who}以推搡、殴打的暴力方法阻碍执法人员依法执行职务，"
                          "致一名执法人员受伤，经鉴定为轻伤二级。")
    harm = ctx.record.get("harm")
    ctx.record["harm"] = (f"{harm}；" if harm else "") + "检查中一名执法人员被殴打致轻伤二级"
    evidence = ctx.record.get("evidence")
    listed = evidence if isinstance(evidence, list) else []
    ctx.record["evidence"] = [*listed, "法医临床鉴定意见书（轻伤二级）"]
    issue = (f"决定书认定{who}以暴力方法阻碍执法人员依法执行职务并致执法人员轻伤，该情节涉嫌构成妨害公务罪，"
             "依法应当将案件移送公安机关追究刑事责任；案卷中没有移送记录，决定仅作行政处罚，未依法移送。"
             "应先行移送，并在决定中说明对涉嫌犯罪部分的处理。")
    return issue, "《中华人民共和国行政处罚法》第二十七条第一款；《行政执法机关移送涉嫌犯罪案件的规定》第三条"
