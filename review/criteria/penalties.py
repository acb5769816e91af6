"""Helpers shared by the discretion and other checks: the fine the law allows and the fine the draft imposes.

Statutory ranges are read from the verbatim text of the penalty provision in the store, with
`corpus.numerals.find_amount_ranges`; nothing here types a range by hand. A provision often states several
ranges (per 款, per conduct, per kind of party, 双罚制 for responsible persons, per unit such as
每个泊位, or a multiple of 违法所得/货值金额). `select_ranges` keeps the ones that fit the case; checks then
compare the fine with them and call a fine 明显不当 only when it lies outside every range that may apply
(《中华人民共和国行政处罚法》第五条第二款: 过罚相当, within the range the law sets).

Pure functions, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from corpus.citations import find_citations
from corpus.models import AmountRange, Article, DiscretionRow, Paragraph
from corpus.numerals import cn_to_int, find_amount_ranges
from corpus.resolver import Resolution
from review.models import Amount, CitedProvision, Draft, PartyKind

if TYPE_CHECKING:
    from review.engine import ReviewContext

# ============================================================================ statutory ranges


@dataclass(frozen=True)
class ProvisionRef:
    """A provision whose breach a sentence of a penalty article punishes (违反本条例第十三条 / 违反第三款)."""

    article: int | None  # None: the article being read
    paragraph: int | None
    item: int | None


@dataclass(frozen=True)
class BaseThreshold:
    """A branch condition on a base amount: 货值金额不足一万元的 → base 货值金额, high 10000 (exclusive)."""

    base: str
    low: float | None  # inclusive
    high: float | None  # exclusive


@dataclass(frozen=True)
class StatutoryRange:
    """One fine range stated by a penalty provision, with what it applies to."""

    unit: str  # yuan | multiple | percent
    low: float | None
    high: float | None
    base: str | None  # 违法所得, 货值金额, 建设工程造价 … for multiples/percentages
    per: str | None  # 个泊位, 辆 … when the amount is per unit (每个泊位五百元以上一千元以下)
    addressee: str | None  # unit | person | responsible (双罚制: 直接负责的主管人员…); None: anyone
    paragraph: int | None  # 款 of the article the range sits in
    clause: str  # verbatim clause (between ；/。) stating the range
    text: str  # verbatim range text
    refs: tuple[ProvisionRef, ...]  # provisions the sentence punishes the breach of
    conditions: tuple[str, ...]  # conduct alternatives the clause is conditioned on (擅自占用, 据为专用)
    thresholds: tuple[BaseThreshold, ...]  # base-amount branch conditions

    @property
    def key(self) -> tuple[str, float | None, float | None, str | None, str | None]:
        return (self.unit, self.low, self.high, self.base, self.per)

    def describe(self) -> str:
        """How the law states it: 每个泊位五百元以上一千元以下 / 建设工程造价百分之五以上百分之十以下."""
        return (f"每{self.per}" if self.per else "") + self.text

    def bounds(self) -> tuple[float, float | None]:
        """Bounds in yuan or as a multiple (percent converted): 以下 alone starts at 0, 以上 alone is open."""
        scale = 0.01 if self.unit == "percent" else 1.0
        low = (self.low or 0.0) * scale
        high = self.high * scale if self.high is not None else None
        return low, high

    def contains(self, value: float) -> bool:
        low, high = self.bounds()
        tol = 1e-6 * max(1.0, abs(value))
        return value >= low - tol and (high is None or value <= high + tol)

    def midpoint(self) -> float | None:
        low, high = self.bounds()
        return None if high is None else (low + high) / 2


_RESPONSIBLE = ("主管人员", "责任人员", "法定代表人", "主要负责人", "直接负责")
_PERSON_RE = re.compile(r"(?:^|[对，\s])(?:个人|自然人|公民)(?!和单位|或者单位|、单位)")
_UNIT_RE = re.compile(r"(?:^|[对，\s])单位(?!和个人|或者个人|、个人)")
# 每个泊位 / 每辆车 / 每日 right before the amount (after 处/并处).
_PER_RE = re.compile(
    r"每(?P<per>[个辆台只件处块次名人户头株棵平方米立方米吨日天]{1,3}[\u4e00-\u9fff]{0,6}?)$"
)
_FINE_AFTER_RE = re.compile(r"^(?:的)?(?:罚款|罚金)")
_FINE_BEFORE_RE = re.compile(r"(?:处|处以|罚款)$")
_REF_WORDS = ("违反", "下列", "前款", "之一", "本条", "规定的")
_ALTERNATIVES_RE = re.compile(r"或者|或|、|以及|及|和")
_BASE_NOUNS = (
    "货值金额",
    "违法所得",
    "销售金额",
    "违法经营额",
    "经营额",
    "营业额",
    "货值",
    "造价",
    "总投资额",
)
_BELOW_WORDS = ("不足", "低于", "未满", "未达到", "少于")
_BARE_PARA_RE = re.compile(
    r"(?<![条款])第(?P<para>[一二三四五六七八九十0-9]+)款(?:第[（(]?(?P<item>[一二三四五六七八九十0-9]+)[）)]?项)?"
)


def _has_fine(text: str) -> bool:
    return any(_is_fine_range(text, r) for r in find_amount_ranges(text))


def _is_fine_range(clause: str, r: AmountRange) -> bool:
    start = clause.find(r.text)
    if start < 0:
        return False
    pre = clause[:start]
    per = _PER_RE.search(pre)
    if per:
        pre = pre[: per.start()]
    post = clause[start + len(r.text) :]
    return bool(_FINE_AFTER_RE.match(post) or _FINE_BEFORE_RE.search(pre))


def _lead(p: Paragraph) -> str:
    """A paragraph without its items: the lead that states the penalty for all of them."""
    text = p.text
    for it in p.items:
        text = text.replace(it.text, "")
    return text


def provision_scopes(article: Article, paragraph: int | None, item: int | None) -> list[tuple[int, str]]:
    """(款 number, text) pieces of `article` that can state the fine of the cited 款/项.

    An item that states no fine of its own (大气污染防治法 第一百零八条第（一）项 only describes the conduct)
    takes the range of its paragraph's lead; a citation without 款 reads the whole article.
    """
    paras = article.paragraphs
    if paragraph is None and item is not None:
        itemised = [p for p in paras if p.items]
        if itemised:
            paragraph = itemised[0].no
    if paragraph is not None:
        if paragraph < 1 or paragraph > len(paras):
            return []
        p = paras[paragraph - 1]
        if item is not None and 1 <= item <= len(p.items):
            it = p.items[item - 1]
            return [(p.no, it.text)] if _has_fine(it.text) else [(p.no, _lead(p))]
        return [(p.no, p.text)]
    return [(p.no, p.text) for p in paras]


def _sentence_refs(prefix: str) -> tuple[ProvisionRef, ...]:
    refs: list[ProvisionRef] = []
    for ref in find_citations(prefix):
        if ref.law_name is None:  # 本条例第十三条第一款第五项: the provision whose breach is punished
            refs.append(ProvisionRef(ref.article_no, ref.paragraph, ref.item))
    for m in _BARE_PARA_RE.finditer(prefix):
        if prefix[max(0, m.start() - 2) : m.start()].endswith("前"):
            continue
        try:
            para = cn_to_int(m.group("para"))
            item = cn_to_int(m.group("item")) if m.group("item") else None
        except ValueError:
            continue
        refs.append(ProvisionRef(None, para, item))
    return tuple(refs)


def _threshold(segment: str) -> BaseThreshold | None:
    base = next((b for b in _BASE_NOUNS if b in segment), None)
    if base is None:
        return None
    amounts = [r for r in find_amount_ranges(segment) if r.unit == "yuan"]
    if not amounts:
        return None
    a = amounts[0]
    before = segment[: segment.find(a.text)] if a.text in segment else ""
    if any(before.endswith(w) for w in _BELOW_WORDS) or (a.low is None and a.high is not None):
        return BaseThreshold(base, None, a.high if a.high is not None else a.low)
    if a.low is not None and a.high is None:
        return BaseThreshold(base, a.low, None)
    return None


def _conditions(pre: str) -> tuple[tuple[str, ...], tuple[BaseThreshold, ...]]:
    """Conduct alternatives and base thresholds of the `…的，` segments before a range."""
    conds: list[str] = []
    thresholds: list[BaseThreshold] = []
    for seg in re.split(r"[，：:]", pre):
        seg = seg.strip()
        if not seg.endswith("的"):
            continue
        th = _threshold(seg)
        if th is not None:
            thresholds.append(th)
            continue
        if any(w in seg for w in _REF_WORDS):
            continue
        core = seg.removesuffix("的").removeprefix("对")
        conds.extend(a for a in _ALTERNATIVES_RE.split(core) if len(a) >= 2)
    return tuple(conds), tuple(thresholds)


def _addressee(lead_in: str) -> str | None:
    if any(m in lead_in for m in _RESPONSIBLE):
        return "responsible"
    person = bool(_PERSON_RE.search(lead_in))
    unit = bool(_UNIT_RE.search(lead_in))
    if person and not unit:
        return "person"
    if unit and not person:
        return "unit"
    return None


def ranges_in_text(text: str, paragraph: int | None = None) -> list[StatutoryRange]:
    """Every fine range of a provision text, with the sentence's references and the clause's conditions."""
    out: list[StatutoryRange] = []
    for sentence in re.split(r"[。\n]", text):
        if not sentence.strip():
            continue
        found = find_amount_ranges(sentence)
        first = sentence.find(found[0].text) if found else len(sentence)
        refs = _sentence_refs(sentence[: max(first, 0)])
        sentence_addressee: str | None = None
        for clause in sentence.split("；"):
            cursor = 0
            for r in find_amount_ranges(clause):
                start = clause.find(r.text, cursor)
                if start < 0:
                    continue
                end = start + len(r.text)
                lead_in = clause[cursor:start]
                cursor = end
                pre = clause[:start]
                per_m = _PER_RE.search(pre)
                pre_core = pre[: per_m.start()] if per_m else pre
                if not (_FINE_AFTER_RE.match(clause[end:]) or _FINE_BEFORE_RE.search(pre_core)):
                    continue  # an amount in a condition (货值金额不足一万元的), not a fine
                addressee = _addressee(lead_in)
                if addressee is None and lead_in == clause[:start]:
                    # the subject of a sentence (单位违反本法规定…) governs its later clauses too
                    addressee = sentence_addressee
                elif addressee in ("unit", "person") and lead_in == clause[:start]:
                    sentence_addressee = addressee
                conds, thresholds = _conditions(pre_core)
                out.append(
                    StatutoryRange(
                        unit=r.unit,
                        low=r.low,
                        high=r.high,
                        base=r.base,
                        per=per_m.group("per") if per_m else None,
                        addressee=addressee,
                        paragraph=paragraph,
                        clause=clause.strip(),
                        text=r.text,
                        refs=refs,
                        conditions=conds,
                        thresholds=thresholds,
                    )
                )
    return out


def statutory_ranges(article: Article, paragraph: int | None, item: int | None) -> list[StatutoryRange]:
    """Fine ranges of the cited 条/款/项, read from its verbatim text."""
    out: list[StatutoryRange] = []
    for para_no, text in provision_scopes(article, paragraph, item):
        out.extend(ranges_in_text(text, para_no))
    return out


def party_side(kind: PartyKind | None, draft: Draft) -> str | None:
    """'person' or 'unit' when the text of a law distinguishes 个人/单位; None when it cannot be told.

    A 个体工商户 is left open: statutes treat it as 个人 in some places and as 单位 in others.
    """
    if kind == PartyKind.NATURAL_PERSON:
        return "person"
    if kind in (PartyKind.LEGAL_PERSON, PartyKind.OTHER_ORG):
        return "unit"
    if kind is None:
        if draft.party_id_kind == "id_card":
            return "person"
        if draft.party_id_kind == "uscc" and draft.party_id and not draft.party_id.startswith("92"):
            return "unit"  # 统一社会信用代码 of an organisation (92… is 个体工商户, GB 32100)
    return None


def _compatible(ref: ProvisionRef, penalty_article: int, v: CitedProvision) -> bool:
    article = ref.article if ref.article is not None else penalty_article
    return (
        v.article_no == article
        and (ref.paragraph is None or v.paragraph is None or ref.paragraph == v.paragraph)
        and (ref.item is None or v.item is None or ref.item == v.item)
    )


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def select_ranges(
    ranges: Sequence[StatutoryRange],
    *,
    penalty_article: int,
    violated: Sequence[CitedProvision],
    side: str | None,
    draft_text: str,
    base_amounts: dict[str, float] | None = None,
) -> list[StatutoryRange]:
    """The ranges that may apply to this case; a filter that would leave nothing is not applied.

    - responsible persons' fines (双罚制) never apply to the party itself;
    - 个人/单位 ranges follow the kind of party;
    - a sentence that punishes the breach of a named provision (违反第三款规定的…) applies when the draft
      cites that provision as violated;
    - when ranges differ by conduct (擅自占用或者据为专用的 / 擅自设置、撤除…的 / 情节严重的), the ones
      whose conduct the draft names;
    - base-amount branches (货值金额不足一万元的) when the base amount is known.
    """
    rs = [r for r in ranges if r.addressee != "responsible"]
    if side is not None:
        narrowed = [r for r in rs if r.addressee in (None, side)]
        rs = narrowed or rs
    if violated:
        matching = [
            r
            for r in rs
            if r.refs and any(_compatible(x, penalty_article, v) for x in r.refs for v in violated)
        ]
        if matching:
            rs = [r for r in rs if not r.refs or r in matching]
    text = _norm(draft_text)
    # A range for 情节较轻 / 情节严重 applies only where the decision finds that circumstance; a draft that says
    # 不属于情节较轻的情形 has found the opposite.
    graded = [r for r in rs if any(_GRADE_RE.fullmatch(c) for c in r.conditions)]
    if graded and len({r.key for r in rs}) > 1:
        kept = [r for r in rs if r not in graded or any(_stated(c, text) for c in r.conditions)]
        rs = kept or rs
    if len({r.key for r in rs}) > 1:
        hit = [r for r in rs if r.conditions and any(_stated(c, text) for c in r.conditions)]
        if hit:
            rs = [r for r in rs if not r.conditions or r in hit]
    if base_amounts and any(r.thresholds for r in rs):
        kept = []
        for r in rs:
            ok = True
            for th in r.thresholds:
                value = base_amount_for(th.base, base_amounts)
                if value is None:
                    continue
                if (th.low is not None and value < th.low) or (th.high is not None and value >= th.high):
                    ok = False
            if ok:
                kept.append(r)
        rs = kept or rs
    return rs


_GRADE_RE = re.compile(r"情节(?:特别)?(?:较轻|轻微|较重|严重|恶劣)")
_NEGATED_BEFORE_RE = re.compile(r"(?:不属于|不是|并非|不构成|不存在|未达到|没有|不|无)[^，。；]{0,4}$")


def _stated(condition: str, text: str) -> bool:
    """The draft states the condition, not merely denies it (不属于情节较轻的情形)."""
    start = 0
    while (i := text.find(condition, start)) >= 0:
        if not _NEGATED_BEFORE_RE.search(text[max(0, i - 8) : i]):
            return True
        start = i + len(condition)
    return False


def base_amount_for(base: str, base_amounts: dict[str, float]) -> float | None:
    """The amount known for a base noun, matching 货值金额 with 货值 and 建设工程造价 with 造价."""
    for name, value in base_amounts.items():
        if name in base or base in name:
            return value
    return None


# ============================================================================ fines in the draft


@dataclass(frozen=True)
class FineItem:
    """One fine the draft imposes, with the provisions named in the same item."""

    amount: float  # total of this item, in yuan
    per_unit: float | None  # 每个泊位1500元 when the draft states it
    text: str  # verbatim item text
    refs: tuple[
        tuple[str | None, int, int | None, int | None], ...
    ]  # (law as written, 条, 款, 项) in the item
    responsible: bool  # imposed on a responsible person (双罚制), not the party


@dataclass(frozen=True)
class _Money:
    start: int
    end: int
    value: float
    kind: str  # fine | per_unit | total | confiscation | other


_CONFISCATION_WORDS = (
    "没收",
    "违法所得",
    "罚没款",
    "退还",
    "赔偿",
    "货值",
    "造价",
    "经营额",
    "销售额",
    "收入",
)


# An amount written right after the name of a base (计罚基数) is that base, not a fine.
_BASE_AMOUNT_RE = re.compile(
    r"(?:广告费用|货值金额|货值|违法经营额|销售金额|销售额|营业额|经营额|建设工程造价|工程造价|造价|总投资额|投资额|"
    r"违法收入|收入|价款|费用)(?:为|计|共计|合计|是)?(?:人民币)?\s*$"
)


def _money(segment: str) -> list[_Money]:
    """Yuan amounts of a penalty clause, each classified by the words just before and after it."""
    out: list[_Money] = []
    cursor = 0
    for r in find_amount_ranges(segment):
        start = segment.find(r.text, cursor)
        if start < 0 or r.unit != "yuan" or r.low is None or r.low != r.high:
            continue
        end = start + len(r.text)
        cursor = end
        # an amount repeated in brackets: 罚款人民币伍仟元整（¥5,000.00）
        if (
            out
            and abs(out[-1].value - r.low) < 0.005
            and re.fullmatch(r"[圆元]?整?\s*[（(][^）)]*", segment[out[-1].end : start])
        ):
            continue
        before = re.split(r"[，；。\n]", segment[max(0, start - 16) : start])[-1]
        after = segment[end : end + 6]
        inner = re.split(r"[（(、]", before)[-1]
        if "罚没" in before or ("合计" in before and "罚款" not in before):
            kind = "other"
        elif _BASE_AMOUNT_RE.search(inner) and "没收" not in inner:
            kind = "other"  # 罚款壹万贰仟元（广告费用6000元的二倍）: the base of the fine, not a second fine
        elif re.search(r"共计|合计|总计", before):
            kind = "total"
        elif "每" in before:
            kind = "per_unit"
        elif any(w in before for w in _CONFISCATION_WORDS) and "罚款" not in before:
            kind = "confiscation"
        elif "罚" in before or re.match(r"(?:整)?(?:的)?罚款", after):
            kind = "fine"
        elif re.search(r"即|计|为", before) and "罚款" in segment[:start]:
            kind = "fine"  # 处建设工程造价百分之七的罚款，即人民币壹万叁仟贰佰叁拾元
        else:
            kind = "other"
        out.append(_Money(start, end, r.low, kind))
    return out


def _segments(text: str) -> list[str]:
    return [s for s in re.split(r"[；\n]", text) if s.strip()]


def _refs_in(text: str) -> tuple[tuple[str | None, int, int | None, int | None], ...]:
    return tuple((r.law_name, r.article_no, r.paragraph, r.item) for r in find_citations(text))


def fine_items(penalty_text: str | None, fallback: Amount | None = None) -> list[FineItem]:
    """The fines of the operative part, one per item; the parsed total when the items can't be read."""
    items: list[FineItem] = []
    if penalty_text:
        for seg in _segments(penalty_text):
            money = _money(seg)
            totals = [m for m in money if m.kind == "total"]
            per = next((m.value for m in money if m.kind == "per_unit"), None)
            responsible = any(w in seg for w in _RESPONSIBLE)
            if totals:
                items.append(FineItem(totals[0].value, per, seg.strip(), _refs_in(seg), responsible))
                continue
            fines: list[_Money] = []
            for m in money:  # 罚款5000元（大写伍仟元）: one fine written twice
                if m.kind == "fine" and all(abs(m.value - f.value) >= 0.005 for f in fines):
                    fines.append(m)
            for m in fines:
                lead = seg[: m.start]
                is_resp = any(w in lead[-30:] for w in _RESPONSIBLE)
                items.append(FineItem(m.value, per, seg.strip(), _refs_in(seg), is_resp))
            if not fines and per is not None:
                items.append(FineItem(per, per, seg.strip(), _refs_in(seg), responsible))
    if not items and fallback is not None:
        items.append(FineItem(fallback.yuan, None, fallback.text, (), False))
    return items


def proposed_fine_total(text: str) -> float | None:
    """The fine a 告知书 proposes (per-unit amounts and confiscations left out); None when it names none."""
    total: float | None = None
    fines = 0.0
    found = False
    for seg in _segments(text):
        for m in _money(seg):
            if m.kind == "total":
                total = m.value if total is None else max(total, m.value)
            elif m.kind == "fine":
                fines += m.value
                found = True
    if total is not None:
        return total
    return fines if found else None


_COUNT_NUM = r"(?P<n>[0-9]+|[一二两三四五六七八九十百]+)"
_MEASURE = r"(?:个|辆|台|只|件|处|块|名|户)"
# 两个道路停车泊位 (a measure word before any modifier) or 泊位2个; 3号泊位 is a number, not a count.
_COUNT_RE_TMPLS = (
    _COUNT_NUM + r"(?:" + _MEASURE + r"[\u4e00-\u9fff]{{0,8}}?)?{noun}",
    r"{noun}(?:共|计|合计|共计)?" + _COUNT_NUM + _MEASURE,
)


def per_unit_amount(draft_text: str, per: str) -> float | None:
    """每个泊位…1500元 as the draft states it."""
    noun = per.lstrip("个辆台只件处块次名人户头株棵")
    for m in re.finditer(r"每[^，。；\n]{0,30}", draft_text):
        chunk = m.group(0)
        if noun and noun in chunk:
            money = [x for x in _money("罚款" + chunk) if x.kind in ("fine", "per_unit", "other")]
            if money:
                return money[0].value
    return None


def unit_count(text: str, per: str) -> int | None:
    """How many units the draft names (两个道路停车泊位 → 2); None when none or when counts disagree."""
    noun = per.lstrip("个辆台只件处块次名人户头株棵")
    if not noun:
        return None
    counts = set()
    for tmpl in _COUNT_RE_TMPLS:
        for m in re.finditer(tmpl.format(noun=re.escape(noun)), text):
            try:
                counts.add(cn_to_int(m.group("n")))
            except ValueError:
                continue
    return counts.pop() if len(counts) == 1 else None


def base_amounts(draft: Draft, bases: Iterable[str]) -> dict[str, float]:
    """Base amounts stated in the draft for the given base nouns (违法所得 from the 没收 item too)."""
    out: dict[str, float] = {}
    text = draft.text
    for base in set(bases):
        if "违法所得" in base and draft.confiscation is not None:
            out[base] = draft.confiscation.yuan
            continue
        names = [base] + [n for n in _BASE_NOUNS if n in base and n != base]
        for name in names:
            value = _amount_after(text, name)
            if value is not None:
                out[base] = value
                break
    return out


def _amount_after(text: str, name: str) -> float | None:
    for m in re.finditer(re.escape(name), text):
        window = re.split(r"[。；\n]", text[m.end() : m.end() + 30])[0]
        if re.match(r"\s*(?:的)?(?:百分之|[0-9一二两三四五六七八九十]+倍)", window):
            continue  # 建设工程造价百分之七: the ratio, not the base
        for r in find_amount_ranges(window):
            if r.unit == "yuan" and r.low is not None and r.low == r.high:
                return r.low
    return None


def stated_ratio(text: str) -> float | None:
    """A multiple or percentage the penalty text states (处建设工程造价百分之七的罚款 → 0.07)."""
    for r in find_amount_ranges(text):
        if r.unit in ("multiple", "percent") and r.low is not None and r.low == r.high:
            return r.low / 100 if r.unit == "percent" else r.low
    return None


def yuan(value: float) -> str:
    """5000 → 5,000元; 594.9 → 594.9元."""
    return f"{value:,.2f}".rstrip("0").rstrip(".") + "元"


@dataclass(frozen=True)
class Measured:
    """A fine measured against one range: the value compared and how it was obtained."""

    value: float | None
    how: str


def measure(r: StatutoryRange, item: FineItem, draft: Draft, bases: dict[str, float]) -> Measured:
    """The value of the fine in the units of `r` (yuan, yuan per unit, or a multiple of its base)."""
    if r.unit == "yuan" and r.per is None:
        return Measured(item.amount, f"罚款{yuan(item.amount)}")
    if r.unit == "yuan":
        per = item.per_unit if item.per_unit is not None else per_unit_amount(draft.text, r.per or "")
        if per is not None:
            return Measured(per, f"每{r.per}{yuan(per)}")
        count = unit_count(draft.facts or draft.text, r.per or "")
        if count:
            return Measured(
                item.amount / count,
                f"罚款{yuan(item.amount)}÷{count}（{r.per}数）＝{yuan(item.amount / count)}",
            )
        return Measured(None, f"决定书未写明{r.per}数量或每{r.per}罚款额")
    ratio = stated_ratio(item.text) or (
        stated_ratio(draft.penalty_text or "") if draft.penalty_text else None
    )
    if ratio is not None:
        return Measured(ratio, f"决定书所定比例{_ratio_text(ratio)}")
    base = base_amount_for(r.base or "", bases) if r.base else None
    if base:
        return Measured(
            item.amount / base,
            f"罚款{yuan(item.amount)}÷{r.base}{yuan(base)}＝{_ratio_text(item.amount / base)}",
        )
    return Measured(None, f"决定书未写明{r.base or '计罚基数'}的数额")


def _ratio_text(value: float) -> str:
    return f"{value:g}倍" if value >= 1 else f"{value * 100:g}%"


# ============================================================================ benchmark tiers


@dataclass(frozen=True)
class CaseCircumstances:
    """What the record and draft say that a benchmark tier may turn on."""

    text: str  # facts, evidence and harm, with the draft's own benchmark quotations removed
    occurrence: int | None  # this is the N-th violation (prior_violations + 1)


_EIA_KINDS = ("登记表", "报告表", "报告书")
_SEVERE_RE = re.compile(r"突发环境事件|严重后果|严重情节|情节严重|重大影响|恶劣影响")
_NEGATION_RE = re.compile(r"(?:未|没有|无|不属于|未发生|不构成|不存在)[^，。；]{0,6}$")
_OCCURRENCE_RES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"第(?P<n>\d+)次以上"), "ge"),
    (re.compile(r"超过(?P<n>\d+)次"), "gt"),
    (re.compile(r"第(?P<n>\d+)次"), "eq"),
)
_NONCOMPLIANCE_RE = re.compile(
    r"未(?:按照规定|按规定|依法)?(?:安装|使用|建设|配套建设|采取|配备|设置)[^，。；]{0,20}?(?:设施|措施|装置)"
)
_QUANTITY_RE = re.compile(r"(?P<v>[0-9]+(?:\.[0-9]+)?)\s*(?P<u>平方米|立方米|吨|千克|公斤|小时)")
_INEQ_RE = re.compile(
    r"(?:(?P<lo>[0-9]+(?:\.[0-9]+)?)(?P<lu>平方米|立方米|吨|千克|公斤|小时)?\s*(?P<lop>≤|<|＜)\s*)?"
    r"[\u4e00-\u9fff]{0,12}?\s*(?P<hop>≤|<|＜)\s*(?P<hi>[0-9]+(?:\.[0-9]+)?)(?P<hu>平方米|立方米|吨|千克|公斤|小时)"
)


def circumstance_fits(circumstance: str, facts: CaseCircumstances) -> bool | None:
    """Whether a benchmark circumstance (裁量情节) fits the case: False on any contradicted feature,
    True when some feature is confirmed and none contradicted, None when nothing can be told."""
    verdicts: list[bool] = []
    text = facts.text
    kinds = [k for k in _EIA_KINDS if k in circumstance]
    case_kinds = {k for k in _EIA_KINDS if k in text}
    if len(kinds) == 1 and len(case_kinds) == 1:
        verdicts.append(kinds[0] in case_kinds)
    if facts.occurrence is not None and "次" in circumstance:
        for pattern, op in _OCCURRENCE_RES:
            m = pattern.search(circumstance)
            if m:
                n = int(m.group("n"))
                occ = facts.occurrence
                verdicts.append(occ >= n if op == "ge" else occ > n if op == "gt" else occ == n)
                break
    if _SEVERE_RE.search(circumstance):
        verdicts.append(_states_severity(text))
    partial_or_full = "且未" in circumstance or (
        "但" in circumstance and ("了" in circumstance or "已" in circumstance)
    )
    if partial_or_full and _NONCOMPLIANCE_RE.search(text):
        verdicts.append("且未" in circumstance)
    m = _INEQ_RE.search(circumstance)
    if m:
        unit = m.group("hu")
        values = {float(q.group("v")) for q in _QUANTITY_RE.finditer(text) if q.group("u") == unit}
        if len(values) == 1:
            v = values.pop()
            lo_ok = m.group("lo") is None or (
                v >= float(m.group("lo")) if m.group("lop") == "≤" else v > float(m.group("lo"))
            )
            hi_ok = v <= float(m.group("hi")) if m.group("hop") == "≤" else v < float(m.group("hi"))
            verdicts.append(lo_ok and hi_ok)
    if not verdicts:
        return None
    return all(verdicts)


def _states_severity(text: str) -> bool:
    """The facts find a serious consequence (not merely deny one: 未造成突发环境事件)."""
    for m in _SEVERE_RE.finditer(text):
        if not _NEGATION_RE.search(text[max(0, m.start() - 12) : m.start()]):
            return True
    return False


def tier_label(rows: Sequence[DiscretionRow]) -> str:
    """第2档（三万元以上八万元以下）; several tiers joined with 、."""
    seen: dict[int, str] = {}
    for r in rows:
        if r.tier is not None and r.tier not in seen:
            seen[r.tier] = r.fine.text if r.fine else r.standard
    return "、".join(f"第{t}档（{seen[t]}）" for t in sorted(seen))


def row_fine_contains(row: DiscretionRow, amount: float) -> bool | None:
    """Whether a benchmark row's fine range holds the amount; None when the row's fine isn't in yuan."""
    if row.fine is None or row.fine.unit != "yuan":
        return None
    low = row.fine.low or 0.0
    high = row.fine.high
    return amount >= low - 1e-6 and (high is None or amount <= high + 1e-6)


# ============================================================================ the draft's penalty provisions


@dataclass(frozen=True)
class PenaltyProvision:
    """A provision the draft names as the basis of the penalty, resolved against the store."""

    cited: CitedProvision
    resolution: Resolution
    article: Article | None  # None when the provision could not be resolved

    @property
    def label(self) -> str:
        r = self.resolution
        if r.citation:
            return r.citation
        return self.cited.text

    @property
    def law_key(self) -> str | None:
        return self.resolution.law_key


def _article_of(ctx: ReviewContext, res: Resolution) -> Article | None:
    if res.law_key is None or res.version_effective is None or res.text is None:
        return None
    for v in ctx.store.versions(res.law_key):
        if v.effective == res.version_effective:
            ref = res.ref
            return next(
                (a for a in v.articles if a.no == ref.article_no and a.suffix == ref.article_suffix), None
            )
    return None


def penalty_provisions(ctx: ReviewContext) -> list[PenaltyProvision]:
    """The draft's penalty provisions (role 'penalty'), one per distinct 条/款/项, in order."""
    out: list[PenaltyProvision] = []
    seen: set[tuple[str, int, int, int | None, int | None]] = set()
    for cp, res in ctx.resolved_citations:
        if cp.role != "penalty" or cp.article_no is None:
            continue
        key = (res.law_key or cp.law_name or "", cp.article_no, cp.article_suffix, cp.paragraph, cp.item)
        if key in seen:
            continue
        seen.add(key)
        out.append(PenaltyProvision(cp, res, _article_of(ctx, res)))
    return out


def violated_of_same_law(ctx: ReviewContext, prov: PenaltyProvision) -> list[CitedProvision]:
    """Provisions the draft says were violated, of the same law as the penalty provision."""
    out = []
    for cp, res in ctx.resolved_citations:
        if cp.role != "violated":
            continue
        same_key = prov.law_key is not None and res.law_key == prov.law_key
        same_name = prov.law_key is None and bool(cp.law_name) and cp.law_name == prov.cited.law_name
        if same_key or same_name:
            out.append(cp)
    return out


def provisions_for_item(
    ctx: ReviewContext, item: FineItem, provisions: Sequence[PenaltyProvision]
) -> list[PenaltyProvision]:
    """The provisions named in the fine's own item (一、依据《…》第…条，…罚款…); all of them otherwise."""
    if not item.refs:
        return list(provisions)
    picked = []
    for prov in provisions:
        for law, art, para, it in item.refs:
            if art != prov.cited.article_no:
                continue
            if para is not None and prov.cited.paragraph is not None and para != prov.cited.paragraph:
                continue
            if it is not None and prov.cited.item is not None and it != prov.cited.item:
                continue
            if law is not None and prov.law_key is not None and ctx.store.find_law(law) != prov.law_key:
                continue
            picked.append(prov)
            break
    return picked or list(provisions)
