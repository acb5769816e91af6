"""Legal citations in free text: 《中华人民共和国行政处罚法》第六十三条第一款第（一）项 and its variants.

Pure parsing, no store: `find_citations` says what the text cites (law as written, article, 款, 项) and
where; resolving a law name to a version in the corpus is the store's job (`law_name_variants` helps it).

Rules of the grammar, each taken from how decisions and statutes write citations:
- a law is named in 《》 (outer brackets win when nested, 〈〉 inside is kept verbatim) or as a bare run of
  Chinese characters ending in 法/条例/规定/办法/细则/解释/决定/规则 right before 第…条;
- 本法/本条例/… is a self reference (law_name None); 该法/该条例/… takes the latest law of that kind named
  earlier in the text;
- a law carries to the following members of one list (、 和 及 以及 与 或者 ， 至), never past other text;
- 第三十二条至第三十四条 expands to every article in between (at most 50).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import cn2an
from pydantic import BaseModel, ConfigDict, Field

from corpus.numerals import cn_to_int


class CitationRef(BaseModel):
    """One cited provision (article, optionally 款 and 项) as found in a text."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    law_name: str | None = Field(
        description="Law as written without 《》 (中华人民共和国行政处罚法, 行政处罚法); "
        "None for 本法/本条例 or when the text names no law."
    )
    self_reference: bool = Field(description="True when written 本法/本条例/本规定/本办法 (the quoted law).")
    article_no: int = Field(description="Article number: 第六十三条 → 63.")
    article_suffix: int = Field(description="之N suffix: 第二十条之一 → 1; 0 when absent.")
    paragraph: int | None = Field(description="款 number, 1-based; None when not cited.")
    item: int | None = Field(description="项 number, 1-based: 第（一）项 → 1; None when not cited.")
    text: str = Field(
        description="Exact span of this citation in the input; for later list members their own span "
        "(the law name is not repeated)."
    )
    start: int = Field(description="Offset of the span in the input (inclusive).")
    end: int = Field(description="Offset of the span in the input (exclusive): input[start:end] == text.")


_SP = r"[ \u3000]*"
_N = r"(?:[0-9０-９]+|[零〇一二两三四五六七八九十百千]+)"
_ART = rf"第{_SP}(?P<art>{_N}){_SP}[条條](?:之(?P<suf>[一二三四五六七八九十]+|[0-9]+))?"
_PARA = rf"第{_SP}(?P<para>{_N}){_SP}款"
_ITEM = rf"第{_SP}(?:[（(]{_SP}(?P<item>{_N}){_SP}[）)]|(?P<item_bare>{_N})){_SP}[项項]"

_ARTICLE_RE = re.compile(rf"{_ART}(?:{_SP}{_PARA})?(?:{_SP}{_ITEM})?")
# In a range the second 第 is often dropped: 第三十二条至三十四条.
_RANGE_ARTICLE_RE = re.compile(
    rf"第?{_SP}(?P<art>{_N}){_SP}[条條](?:之(?P<suf>[一二三四五六七八九十]+|[0-9]+))?"
    rf"(?:{_SP}{_PARA})?(?:{_SP}{_ITEM})?"
)
_PARA_RE = re.compile(rf"{_PARA}(?:{_SP}{_ITEM})?")
_ITEM_RE = re.compile(_ITEM)
_SEP_RE = re.compile(rf"{_SP}(?P<sep>、|，|,|以及|及|和|与|或者|或|至|到|～|~|－|—{{1,2}}|-){_SP}")
_RANGE_SEPS = frozenset({"至", "到", "～", "~", "－", "—", "——", "-"})
_MAX_RANGE = 50

# Between a law name and 第…条: （2023年修订）, (试行), 第五章 …
_GAP_RE = re.compile(rf"(?:[（(][^（）()\n]{{1,30}}[）)])?{_SP}(?:第{_SP}{_N}{_SP}[编章节]{_SP})*\Z")
_CJK_RUN_RE = re.compile(r"[\u4e00-\u9fff〇]+\Z")
_KINDS = "法|条例|條例|规定|規定|办法|辦法|细则|細則|解释|解釋|决定|決定|规则|規則"
_LAW_SUFFIX_RE = re.compile(rf"(?:{_KINDS})$")
_SELF_RE = re.compile(rf"本(?:{_KINDS})$")
_ANAPHOR_RE = re.compile(rf"(?:该|該|此|上述|前述)(?P<kind>{_KINDS})$")
# Verbs that introduce a citation; everything up to their last occurrence is not part of the law name.
_LEAD_VERB_RE = re.compile(
    r"^.*(?:依据|根据|依照|按照|遵照|参照|违反了|违反|违背|触犯|(?<!关于)适用|援引|引用|对应|从事|符合|属于"
    r"|应当|遵守|执行|履行|认定为|视为|提交|审理|审查|请求|办理|超过|不受|可以|必须|构成)"
)
# Connectives and prepositions that may precede a bare law name; longer ones first.
_LEAD_PARTICLES = (
    *("以及", "或者", "并且", "而且", "同时", "了", "和", "及", "与", "且", "并", "或", "按", "依", "据"),
    *("由", "在", "于", "为", "是", "系", "即", "也", "将", "又", "还", "而", "但", "除", "有"),
)
_MAX_LAW_NAME = 60


@dataclass(frozen=True)
class _Law:
    name: str | None
    self_reference: bool
    start: int


def _bracket_pairs(text: str) -> dict[int, int]:
    """End offset (after 》) → start offset (of 《) for every balanced 《…》; nesting keeps the outer pair."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch == "《":
            stack.append(i)
        elif ch == "\n":
            stack.clear()  # a title never spans lines; an unclosed 《 must not swallow the next line
        elif ch == "》" and stack:
            pairs[i + 1] = stack.pop()
    return pairs


def _clean_bare_name(run: str) -> tuple[str, int] | None:
    """Law name inside a run of Chinese characters ending in a law kind, and its offset in the run."""
    offset = 0
    verb = _LEAD_VERB_RE.match(run)
    if verb:
        offset = verb.end()
    de = run.rfind("的", offset)
    # 当时有效的行政复议法 → 行政复议法; but …若干问题的规定 keeps its 的 (nothing but the kind follows it).
    if de >= 0 and not _LAW_SUFFIX_RE.fullmatch(run[de + 1 :]):
        offset = de + 1
    stripped = True
    while stripped:
        stripped = False
        for particle in _LEAD_PARTICLES:
            if run.startswith(particle, offset) and len(run) - offset > len(particle):
                offset += len(particle)
                stripped = True
                break
    name = run[offset:]
    if len(name) < 2 or _LAW_SUFFIX_RE.fullmatch(name):
        return None
    return name, offset


class _Mentions:
    """Laws named so far, to resolve 该法/该条例 to the latest one of that kind."""

    def __init__(self, text: str, brackets: dict[int, int]) -> None:
        self._named: list[tuple[int, str]] = sorted(
            (end, text[start + 1 : end - 1]) for end, start in brackets.items()
        )

    def add(self, end: int, name: str) -> None:
        self._named.append((end, name))
        self._named.sort()

    def latest(self, before: int, kind: str) -> str | None:
        for end, name in reversed(self._named):
            kind_of_name = _LAW_SUFFIX_RE.search(name)
            if end <= before and kind_of_name and kind_of_name.group(0) == kind:
                return name
        return None


def _law_before(
    text: str, head: int, lower: int, brackets: dict[int, int], mentions: _Mentions, known: tuple[str, ...]
) -> _Law:
    """The law an article head at `head` is cited from, looking back no further than `lower`."""
    window_start = max(lower, head - 200)
    gap = _GAP_RE.search(text, window_start, head)
    j = gap.start() if gap else head
    if j > lower and text[j - 1] == "》" and j in brackets and brackets[j] >= lower:
        start = brackets[j]
        return _Law(text[start + 1 : j - 1], False, start)
    run_match = _CJK_RUN_RE.search(text, max(lower, j - _MAX_LAW_NAME), j)
    if not run_match:
        return _Law(None, False, head)
    run = run_match.group(0)
    run_start = run_match.start()
    self_match = _SELF_RE.search(run)
    if self_match:
        return _Law(None, True, run_start + self_match.start())
    anaphor = _ANAPHOR_RE.search(run)
    if anaphor:
        return _Law(mentions.latest(run_start, anaphor.group("kind")), False, run_start + anaphor.start())
    for name in known:  # longest first: a name the caller knows beats the heuristics
        if run.endswith(name):
            mentions.add(j, name)
            return _Law(name, False, j - len(name))
    if not _LAW_SUFFIX_RE.search(run):
        return _Law(None, False, head)
    cleaned = _clean_bare_name(run)
    if cleaned is None:
        return _Law(None, False, head)
    name, offset = cleaned
    mentions.add(j, name)
    return _Law(name, False, run_start + offset)


def _int(numeral: str | None) -> int | None:
    return None if numeral is None else cn_to_int(numeral)


def _ref(
    law: _Law, art: int, suf: int, para: int | None, item: int | None, text: str, s: int, e: int
) -> CitationRef:
    return CitationRef(
        law_name=law.name,
        self_reference=law.self_reference,
        article_no=art,
        article_suffix=suf,
        paragraph=para,
        item=item,
        text=text[s:e],
        start=s,
        end=e,
    )


def _expand(prev: CitationRef, new: CitationRef, law: _Law, text: str) -> list[CitationRef]:
    """Members strictly between the two ends of 第三十二条至第三十四条 (or of 款/项 ranges)."""
    s, e = prev.start, new.end
    if (prev.article_no, prev.article_suffix) != (new.article_no, new.article_suffix):
        lo, hi = prev.article_no, new.article_no
        if prev.article_suffix or new.article_suffix or not 0 < hi - lo <= _MAX_RANGE:
            return []
        return [_ref(law, n, 0, None, None, text, s, e) for n in range(lo + 1, hi)]
    if prev.paragraph != new.paragraph:
        if (
            prev.paragraph is None
            or new.paragraph is None
            or not 0 < new.paragraph - prev.paragraph <= _MAX_RANGE
        ):
            return []
        return [
            _ref(law, new.article_no, new.article_suffix, n, None, text, s, e)
            for n in range(prev.paragraph + 1, new.paragraph)
        ]
    if prev.item is None or new.item is None or not 0 < new.item - prev.item <= _MAX_RANGE:
        return []
    return [
        _ref(law, new.article_no, new.article_suffix, new.paragraph, n, text, s, e)
        for n in range(prev.item + 1, new.item)
    ]


def _chain(text: str, first: CitationRef, law: _Law) -> list[CitationRef]:
    """The list members following `first`: 、第四十五条 / 和第二款 / 、第（二）项 / 至第三十四条."""
    refs = [first]
    pos = first.end
    while True:
        sep = _SEP_RE.match(text, pos)
        if not sep:
            break
        prev = refs[-1]
        is_range = sep.group("sep") in _RANGE_SEPS
        at = sep.end()
        try:
            art = (_RANGE_ARTICLE_RE if is_range else _ARTICLE_RE).match(text, at)
            para = None if art else _PARA_RE.match(text, at)
            item = None if art or para else _ITEM_RE.match(text, at)
            if art:
                new = _ref(
                    law,
                    cn_to_int(art.group("art")),
                    _int(art.group("suf")) or 0,
                    _int(art.group("para")),
                    _int(art.group("item") or art.group("item_bare")),
                    text,
                    at,
                    art.end(),
                )
            elif para:
                new = _ref(
                    law,
                    prev.article_no,
                    prev.article_suffix,
                    cn_to_int(para.group("para")),
                    _int(para.group("item") or para.group("item_bare")),
                    text,
                    at,
                    para.end(),
                )
            elif item:
                new = _ref(
                    law,
                    prev.article_no,
                    prev.article_suffix,
                    prev.paragraph,
                    cn_to_int(item.group("item") or item.group("item_bare")),
                    text,
                    at,
                    item.end(),
                )
            else:
                break
        except ValueError:
            break
        if is_range:
            refs.extend(_expand(prev, new, law, text))
        refs.append(new)
        pos = new.end
    return refs


def find_citations(text: str, *, known_laws: Iterable[str] = ()) -> list[CitationRef]:
    """Every cited provision in `text`, in text order; list members and ranges become one ref each.

    `known_laws` (titles and aliases the caller's store knows) makes bare names exact: in
    应当遵守食品安全法第三十四条 the longest known name ending the run wins over the heuristics.
    """
    known = tuple(sorted({k for k in known_laws if k}, key=len, reverse=True))
    brackets = _bracket_pairs(text)
    mentions = _Mentions(text, brackets)
    refs: list[CitationRef] = []
    consumed = 0
    for m in _ARTICLE_RE.finditer(text):
        if m.start() < consumed:
            continue
        try:
            article = cn_to_int(m.group("art"))
            suffix = _int(m.group("suf")) or 0
            paragraph = _int(m.group("para"))
            item = _int(m.group("item") or m.group("item_bare"))
        except ValueError:
            continue  # 第十百条: looks like an article but is no number
        law = _law_before(text, m.start(), consumed, brackets, mentions, known)
        first = _ref(law, article, suffix, paragraph, item, text, law.start, m.end())
        chain = _chain(text, first, law)
        refs.extend(chain)
        consumed = chain[-1].end
    return refs


def law_name_variants(name: str) -> list[str]:
    """Spellings a store may know the law by: as given, without 中华人民共和国, brackets normalised …"""
    base = name.strip().removeprefix("《").removesuffix("》").strip()
    candidates = [base]
    candidates.append(base.replace("〈", "《").replace("〉", "》"))
    candidates.append(base.replace("《", "〈").replace("》", "〉"))
    candidates.append(re.sub(r"[《》〈〉]", "", base))
    candidates.append(re.sub(r"[（(][^（）()]*[）)]", "", base))
    for cand in list(candidates):
        # 关于适用《中华人民共和国行政诉讼法》的解释 is also titled 关于适用《行政诉讼法》的解释.
        inner_short = re.sub(r"([《〈])中华人民共和国", r"\1", cand)
        short = inner_short.removeprefix("中华人民共和国")
        candidates.extend((inner_short, short))
        # National laws are cited both ways; regional ones (北京市…) never carry the national prefix.
        if short.endswith("法") and not re.search(r"[省市县区]|自治", short) and not short.startswith("最高"):
            candidates.append("中华人民共和国" + short)
    seen: list[str] = []
    for cand in candidates:
        if cand and cand not in seen:
            seen.append(cand)
    return seen


def _cn(n: int) -> str:
    return str(cn2an.an2cn(n, "low"))


def format_citation(
    law_title: str | None,
    article_no: int,
    suffix: int = 0,
    paragraph: int | None = None,
    item: int | None = None,
) -> str:
    """《中华人民共和国行政处罚法》第六十三条第一款第（一）项 — the form decisions should use."""
    numbers = {"条": article_no, "之": suffix, "款": paragraph, "项": item}
    for what, value in numbers.items():
        if value is not None and (value < 0 or (value == 0 and what != "之")):
            raise ValueError(f"无法生成引用：{what}的序号 {value} 无效，序号必须是正整数。")
    out = f"《{law_title}》" if law_title else ""
    out += f"第{_cn(article_no)}条"
    if suffix:
        out += f"之{_cn(suffix)}"
    if paragraph is not None:
        out += f"第{_cn(paragraph)}款"
    if item is not None:
        out += f"第（{_cn(item)}）项"
    return out
