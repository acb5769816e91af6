"""Read a draft 行政处罚决定书 the way a reviewer does: who decides, against whom, on what facts and
evidence, under which provisions, what penalty, how to pay, how to seek remedy, and when.

`parse_draft` never raises on odd input: whatever it cannot find is None (or empty), so the checks can say
需核实 instead of guessing. The text is matched on a copy whose half-width punctuation ( ) : , ; is
replaced one-for-one by the full-width form — real published decisions mix both — and every extracted
string is cut from the original text at the same offsets, so it stays verbatim.

Elements looked for follow 《中华人民共和国行政处罚法》第五十九条 (what a decision must state) and
第九条 (the kinds of penalty).
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from corpus.citations import CitationRef, find_citations
from corpus.numerals import cn_to_int, parse_amount
from review.models import Amount, CitedProvision, Draft

_HALF_TO_FULL = str.maketrans({"(": "（", ")": "）", ":": "：", ",": "，", ";": "；", "\u3000": " "})

_CJK = "\u4e00-\u9fff"
_CN_DIGITS = "零〇一二两三四五六七八九十百千"
_NUMBER = rf"(?:[0-9０-９]+|[{_CN_DIGITS}]+)"

# ---------------------------------------------------------------- heading, agency, 文号

_TITLE_RE = re.compile(r"(?<!《)(?:当场)?行政处罚决定书(?!》)")
_AGENCY_SUFFIXES = (
    "人民政府|办事处|委员会|管理局|执法局|执法队|执法大队|支队|大队|中队|分局|局|委|厅|署|中心|所|站|队|办"
)
_AGENCY_RE = re.compile(rf"[{_CJK}（）]{{2,40}}(?:{_AGENCY_SUFFIXES})")
# A year bracket and serial: 〔2025〕第041号, (2022)262021011147号, [2021]5号.
_DOC_SERIAL_RE = re.compile(r"[〔\[【（［]\s*(?:19|20)\d{2}\s*[〕\]】）］]\s*第?\s*[0-9０-９]+\s*号")
# Prefix words that belong to the sentence, not to the 文号: 作出惠市环（龙门）罚〔2021〕5号.
_DOC_PREFIX_CUT_RE = re.compile(r"^.*(?:作出|下发|送达|出具|文号|编号|决定书|号为|字号)了?")
# Numbers of other documents (告知书, 责令改正通知书, 强制措施, 询问通知书): never the decision's own 文号.
_OTHER_DOC_RE = re.compile(r"告|责改|责停|通知|强制|询通|检")

# ---------------------------------------------------------------- party

_PARTY_LABELS = (
    "当事人名称",
    "当事人姓名",
    "当事人",
    "被处罚单位名称",
    "被处罚单位",
    "被处罚人",
    "行政相对人名称",
    "违法行为人",
    "名称",
    "统一社会信用代码",
    "社会信用代码",
    "住所",
    "住址",
    "地址",
    "经营场所",
    "经营地址",
    "注册地址",
    "法定代表人",
    "负责人",
    "经营者",
    "投资人",
    "性别",
    "民族",
    "出生日期",
    "出生年月",
    "年龄",
    "身份证件号码",
    "身份证号码",
    "身份证号",
    "公民身份号码",
    "证件号码",
    "主体资格证照名称",
    "类型",
    "成立日期",
    "联系电话",
    "联系方式",
    "职务",
    "工作单位",
    "行政相对人类别",
    "行政相对人代码",
)
_PARTY_LINE_RE = re.compile(
    rf"^\s*(?:{'|'.join(sorted(_PARTY_LABELS, key=len, reverse=True))})(?:（[^\n：]{{0,30}}?）)?\s*[：]"
)
_PARTY_NAME_RE = re.compile(
    # 违法行为人 is the label 公安 and 当场处罚 forms use for the party.
    r"^\s*(?:当事人(?:名称|姓名)?|被处罚(?:单位|人)(?:名称)?|行政相对人名称|违法行为人|名称)\s*[：]\s*(?P<value>[^\n]*)",
    re.MULTILINE,
)
_PARTY_KIND_NOTE_RE = re.compile(r"（(?:个体工商户|个人|自然人|单位|法人|其他组织)）$")
_USCC_RE = re.compile(r"统一社会信用代码[^：\n]{0,12}[：]?[\s|｜]*(?P<id>[0-9A-Z*]{18})(?![0-9A-Z*])")
_ID_CARD_RE = re.compile(
    r"(?:公民身份号码|身份证(?:件)?号(?:码)?|证件号码)[：]?\s*(?P<id>[0-9]{6}[0-9*]{8}[0-9]{3}[0-9Xx*])(?![0-9Xx*])"
)

# ---------------------------------------------------------------- facts and evidence

_FACTS_START_RE = re.compile(r"^\s*(?:经查明|现查明|经调查|经核查|经查|查明)\s*[：，]?")
_FACTS_END_RE = re.compile(
    r"(?:认定)?(?:上述|以上)(?:违法)?事实"
    rf"|(?:本|我)[{_CJK}]{{0,4}}(?:（单位）)?认为"
    r"|违反了?《"
    r"|事先告知"
)
_HEADING_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]+、[^。\n]{0,60}|#+\s.*)$")
_DATE_START_RE = re.compile(r"^\s*(?:[0-9]{4}|[〇零一二三四五六七八九]{4})\s*年")
_CASE_INTRO_RE = re.compile(r"一案.*(?:调查终结|立案)")
_EVIDENCE_ANCHOR_RE = re.compile(r"(?:认定)?(?:上述|以上)(?:违法)?事实")
_EVIDENCE_COLON_RE = re.compile(r"[^。\n：]{0,30}：")
_EVIDENCE_INLINE_RE = re.compile(
    r"[，]?\s*(?:主要)?有(?P<list>[^。\n]{2,600}?)(?:等(?:相关)?证据)?(?:材料)?"
    r"(?:为证|证明|证实|佐证|予以证明|予以证实|在案佐证)"
)
_ITEM_MARK_RE = re.compile(
    r"\s*(?:[0-9]{1,2}\s*[.．、]\s*"
    r"|（[0-9]{1,2}）|（[一二三四五六七八九十]+）|证据[一二三四五六七八九十0-9]+\s*[：、.．]?|[一二三四五六七八九十]+、)"
)
_ITEM_LINE_RE = re.compile(
    r"^\s*(?:[0-9]{1,2}\s*[.．、]|（[0-9]{1,2}）|（[一二三四五六七八九十]+）|证据[一二三四五六七八九十0-9]+)"
)
_NUMBERED_INLINE_RE = re.compile(r"(?:^|[；;。])\s*[0-9]{1,2}[.．、]")

# ---------------------------------------------------------------- citations

_VIOLATION_RE = re.compile(r"违反了?|违法了(?=《)")
_BASIS_RE = re.compile(r"依据|根据|依照|按照|参照")
# 罚则 quoted or paraphrased after 规定：/规定，
_QUOTED_RULE_RE = re.compile(r"\s*(?:的|之)?规定\s*[：，]?\s*[“\"「]?")
_PENALTY_WORDS_RE = re.compile(r"罚款|处罚|警告|没收|吊销|暂扣|责令停产|责令停业|责令关闭|拘留|处以|并处")
# Procedural laws: their provisions govern how the decision is made, paid and challenged.
_PROCEDURAL_LAW_RE = re.compile(r"行政处罚法|行政复议法|行政诉讼法|行政强制法")
_SELF_KIND_RE = re.compile(r"^本(法|条例|规定|办法|细则|解释|决定|规则)")

# ---------------------------------------------------------------- penalty, payment, remedy

_PENALTY_COLON_RE = re.compile(
    r"决定[^：。\n]{0,40}?(?:如下|以下)(?:行政)?(?:处罚|处理)?(?:决定)?\s*："
    r"|决定如下\s*："
    rf"|(?:本|我)[{_CJK}]{{0,4}}(?:（单位）)?决定\s*："
    r"|给予(?:如下|以下)(?:行政)?处罚\s*："
)
_PENALTY_SENTENCE_RE = re.compile(r"(?:决定|依法)(?:对|给予)[^。\n]*?(?:。|$)", re.MULTILINE)
_PAYMENT_OR_REMEDY_RE = re.compile(r"缴纳|缴至|缴款|缴交|不服|复议|诉讼|逾期")
_PAYMENT_SENTENCE_START_RE = re.compile(
    r"(?:当事人|你单位|你公司|你|被处罚单位|被处罚人)?(?:应当|应|须|请)(?:在|于|自)?(?:收到|接到)|逾期|如不服|执行方式"
)
_PAYMENT_RE = re.compile(r"缴纳|缴至|缴款|缴交")
_REMEDY_START_RE = re.compile(
    r"(?:当事人|你单位|你公司|你|被处罚单位|被处罚人)?(?:如|若)?(?:对本[^。\n]{0,6})?不服"
)
_REMEDY_RE = re.compile(r"复议|行政诉讼|起诉")
_REVIEW_DAYS_RE = re.compile(rf"(?P<n>{_NUMBER})\s*(?:个)?(?:日|天)内[^。；]{{0,60}}?复议")
_REVIEW_BODY_RE = re.compile(r"向(?P<body>[^，。；、\n]{2,40}?)(?:依法)?(?:提出|申请)(?:行政)?复议")
_LITIGATION_RE = re.compile(rf"(?P<n>{_NUMBER})\s*个月内")

# Penalty kinds of 《中华人民共和国行政处罚法》第九条, in the order of that article.
# 责令改正 is not one of them (第二十八条: it accompanies a penalty).
PENALTY_KINDS: tuple[str, ...] = (
    "警告",
    "通报批评",
    "罚款",
    "没收违法所得",
    "没收非法财物",
    "暂扣许可证件",
    "降低资质等级",
    "吊销许可证件",
    "限制开展生产经营活动",
    "责令停产停业",
    "责令关闭",
    "限制从业",
    "行政拘留",
)
_KIND_PATTERNS: dict[str, re.Pattern[str]] = {
    "警告": re.compile(r"警告"),
    "通报批评": re.compile(r"通报批评"),
    "罚款": re.compile(r"(?<!加处)(?<!加)罚款|处以罚|罚金额"),
    "没收违法所得": re.compile(r"没收[^，。；\n]{0,4}违法所得"),
    "暂扣许可证件": re.compile(r"暂扣[^，。；\n]{0,12}(?:许可证|执照|证件|证书)"),
    "降低资质等级": re.compile(r"降低资质等级"),
    "吊销许可证件": re.compile(r"吊销[^，。；\n]{0,12}(?:许可证|执照|证件|证书)"),
    "限制开展生产经营活动": re.compile(r"限制开展生产经营活动"),
    "责令停产停业": re.compile(r"责令(?:停产停业|停产|停业)"),
    "责令关闭": re.compile(r"责令关闭"),
    "限制从业": re.compile(r"限制从业"),
    "行政拘留": re.compile(r"拘留"),
}
# 没收 of anything but 违法所得 (烧烤炉一台, 非法财物, the goods) is 没收非法财物.
_CONFISCATE_RE = re.compile(r"没收(?P<what>[^，。；、\n]{0,12})")

_CN_MONEY = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億"
_AMOUNT = (
    rf"(?:人民币)?\s*[：]?\s*(?:[¥￥]\s*)?(?:[0-9０-９][0-9０-９，.．]*|[{_CN_MONEY}]+)\s*万?\s*[元圆](?:整)?"
    r"(?:\s*[（]\s*[^（）\n]{1,24}[）])?"
)
_FINE_AFTER_RE = re.compile(rf"罚款(?:数额|金额)?[，]?(?:为|计|即|共计|合计|总计)?\s*(?P<amt>{_AMOUNT})")
_FINE_BEFORE_RE = re.compile(rf"(?P<amt>{_AMOUNT})(?:的)?罚款")
_FINE_TOTAL_RE = re.compile(rf"(?:(?:共计|合计|总计)罚款|罚款(?:共计|合计|总计))\s*(?P<amt>{_AMOUNT})")
_CONFISCATION_RE = re.compile(rf"没收违法所得\s*(?P<amt>{_AMOUNT})")
_HAS_CN_NUMERAL_RE = re.compile(r"[壹贰叁肆伍陆柒捌玖拾佰仟一二两三四五六七八九十百千万]")
_RANGE_AFTER_RE = re.compile(r"\s*(?:以上|以下|至|到|—|-)")

# ---------------------------------------------------------------- end of the document

_DATE_RE = re.compile(
    r"(?P<y>[0-9]{4}|[〇零一二三四五六七八九]{4})\s*年\s*(?P<m>[0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*月"
    r"\s*(?P<d>[0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*日"
)
_SEAL_RE = re.compile(r"^[（【\[]?(?!第)[^（）【】\[\]\n]{0,40}?(?:印章|公章|盖章|章)[）】\]]?$")
_TAIL_LINES = 12
_YEAR_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str  # normalised text of the line


class _Doc:
    """The draft with its normalised twin and line table; offsets are shared by both."""

    def __init__(self, text: str) -> None:
        self.base = text.replace("\r\n", "\n").replace("\r", "\n")
        self.norm = self.base.translate(_HALF_TO_FULL)
        self.lines: list[_Line] = []
        pos = 0
        for raw in self.base.split("\n"):
            self.lines.append(_Line(pos, pos + len(raw), self.norm[pos : pos + len(raw)]))
            pos += len(raw) + 1
        self.line_starts = [line.start for line in self.lines]
        self.quotes = _quote_spans(self.norm)
        self.quote_starts = [s for s, _ in self.quotes]
        self.quote_end_at = dict(self.quotes)

    def raw(self, start: int, end: int) -> str:
        return self.base[start:end].strip()

    def line_index(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.line_starts, offset) - 1)

    def nonblank_from(self, index: int) -> Iterator[tuple[int, _Line]]:
        for i in range(index, len(self.lines)):
            if self.lines[i].text.strip():
                yield i, self.lines[i]

    def in_quote(self, offset: int) -> bool:
        k = bisect.bisect_left(self.quote_starts, offset) - 1  # quotations never overlap
        return k >= 0 and offset < self.quotes[k][1]


def _quote_spans(norm: str) -> list[tuple[int, int]]:
    """(open, close) offsets of “…”, 「…」 and "…" quotations, in order (unclosed ones are ignored)."""
    spans: list[tuple[int, int]] = []
    i = 0
    closers = {"“": "”", "「": "」", '"': '"'}
    while i < len(norm):
        ch = norm[i]
        if ch in closers:
            close = norm.find(closers[ch], i + 1)
            line_end = norm.find("\n", i + 1)
            if close < 0 or (0 <= line_end < close):
                i += 1
                continue
            spans.append((i, close))
            i = close + 1
        else:
            i += 1
    return spans


def _clause_end(doc: _Doc, start: int, stops: str = "。；\n，") -> int:
    """End of the clause from `start`: the first 规定 (included) or stop mark outside quotations."""
    norm = doc.norm
    i = start
    while i < len(norm):
        i = doc.quote_end_at.get(i, i)
        ch = norm[i]
        if ch in stops:
            return i
        if norm.startswith("规定", i):
            return i + 2
        i += 1
    return len(norm)


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


# ---------------------------------------------------------------- heading


def _title(doc: _Doc) -> re.Match[str] | None:
    return _TITLE_RE.search(doc.norm)


def _agency_of(candidate: str) -> str | None:
    name = re.sub(r"\s+", "", candidate).lstrip("#").strip()
    if _AGENCY_RE.fullmatch(name) and not name.startswith(("关于", "对")):
        return name
    return None


def _heading_agency(doc: _Doc, title: re.Match[str] | None) -> str | None:
    if title is None:
        return None
    index = doc.line_index(title.start())
    line = doc.lines[index]
    before = doc.norm[line.start : title.start()]
    if before.strip():
        return _agency_of(before)
    for i in range(index - 1, max(-1, index - 3), -1):
        if doc.lines[i].text.strip():
            return _agency_of(doc.lines[i].text)
    return None


def _doc_no_start(norm: str, pos: int) -> int:
    """Start of the 文号 prefix that ends at `pos` (the year bracket): CJK characters and （蓬） groups."""
    i = pos
    while i > 0 and pos - i < 24:
        ch = norm[i - 1]
        if _is_cjk(ch):
            i -= 1
        elif ch == "）":
            j = norm.rfind("（", max(0, i - 7), i - 1)
            if j < 0 or j == i - 2 or not all(_is_cjk(c) for c in norm[j + 1 : i - 1]):
                break
            i = j
        elif ch == " " and 0 < pos - i <= 2 and i >= 2 and _is_cjk(norm[i - 2]):
            i -= 1  # OCR splits 合市监 处〔2021〕1号
        else:
            break
    return i


def _doc_numbers(doc: _Doc, start: int = 0, end: int | None = None) -> Iterator[str]:
    for m in _DOC_SERIAL_RE.finditer(doc.norm, start, len(doc.norm) if end is None else end):
        begin = _doc_no_start(doc.norm, m.start())
        prefix = doc.norm[begin : m.start()]
        cut = _DOC_PREFIX_CUT_RE.match(prefix)
        if cut:
            begin += cut.end()
            prefix = prefix[cut.end() :]
        prefix = prefix.replace(" ", "")
        if not prefix or _OTHER_DOC_RE.search(prefix):
            continue
        yield re.sub(r"\s+", "", doc.base[begin : m.end()])


def _doc_no(doc: _Doc, header_end: int) -> str | None:
    for number in _doc_numbers(doc, 0, header_end):
        return number
    for number in _doc_numbers(doc):
        return number
    return None


def _header_end(doc: _Doc, title: re.Match[str] | None) -> int:
    """Offset where the heading block ends: the first party label line or 经查 line, else the title line."""
    for line in doc.lines:
        if _PARTY_LINE_RE.match(line.text) or _FACTS_START_RE.match(line.text):
            return line.start
    return min(len(doc.norm), doc.lines[doc.line_index(title.end())].end + 1) if title else 0


# ---------------------------------------------------------------- party


def _party_name(doc: _Doc) -> str | None:
    for m in _PARTY_NAME_RE.finditer(doc.norm):
        start = m.start("value")
        value = m.group("value")
        if not value.strip():
            index = doc.line_index(m.end())
            following = next(doc.nonblank_from(index + 1), None)
            if following is None:
                continue
            start, value = following[1].start, following[1].text
        cut = re.search(r"[，。；\s]|(?<=.)(?:统一社会信用代码|身份证|公民身份)", value.strip())
        lead = len(value) - len(value.lstrip())
        length = cut.start() if cut else len(value.strip())
        name = doc.base[start + lead : start + lead + length].strip(" |｜")
        name = _PARTY_KIND_NOTE_RE.sub("", name.translate(_HALF_TO_FULL))
        if name:
            return name
    return None


def _party_id(doc: _Doc) -> tuple[str | None, str | None]:
    uscc = _USCC_RE.search(doc.norm)
    if uscc:
        return doc.base[uscc.start("id") : uscc.end("id")], "uscc"
    card = _ID_CARD_RE.search(doc.norm)
    if card:
        return doc.base[card.start("id") : card.end("id")], "id_card"
    return None, None


def _body_start(doc: _Doc, header_end: int) -> int:
    """Index of the first line after the party block (or after the heading when there is none)."""
    skip_value = False
    for i, line in doc.nonblank_from(doc.line_index(header_end)):
        if _PARTY_LINE_RE.match(line.text):
            # A label with its value on the next line (名称:\n某某店) owns that line too.
            skip_value = not line.text.split("：", 1)[1].strip()
            continue
        if skip_value:
            skip_value = False
            continue
        return i
    return len(doc.lines)


# ---------------------------------------------------------------- facts and evidence


def _facts(doc: _Doc, body: int, limit: int) -> tuple[str | None, int]:
    """The facts found (经查 …) and the offset they end at; they never run past `limit` (the penalty)."""
    paragraphs = [(i, line) for i, line in doc.nonblank_from(body) if line.start < limit]
    if not paragraphs:
        return None, limit
    anchor = next((k for k, (_, line) in enumerate(paragraphs) if _FACTS_START_RE.match(line.text)), None)
    first: int | None = None
    if anchor is not None:
        first = anchor
        # The inspection narrative often comes first, dated, before 经查 (e.g. 2025年3月20日，本局执法人员…).
        while first > 0 and _DATE_START_RE.match(paragraphs[first - 1][1].text):
            first -= 1
    else:
        for k, (_, line) in enumerate(paragraphs):
            if _HEADING_RE.match(line.text) or _CASE_INTRO_RE.search(line.text):
                continue
            first = k
            break
    if first is None:
        return None, limit
    start = paragraphs[first][1].start
    end = limit
    end_match = _FACTS_END_RE.search(doc.norm, start + 1, limit)
    if end_match:
        end = end_match.start()
        if end_match.group(0).startswith("违反"):
            # …，当事人的行为涉嫌违反《…》: the legal qualification is not a fact;
            # end at the last full stop or comma.
            end = max(start, *(doc.norm.rfind(mark, start, end) + 1 for mark in "。，；\n"))
    # Never run past a section heading (二、行政处罚告知…).
    for _, line in paragraphs[first + 1 :]:
        if line.start >= end:
            break
        if _HEADING_RE.match(line.text):
            end = line.start
            break
    facts = re.sub(r"\n\s*\n+", "\n", doc.raw(start, end)).strip("，, ")
    return (facts or None), end


def _strip_item(doc: _Doc, s: int, e: int) -> str:
    mark = _ITEM_MARK_RE.match(doc.norm, s, e)
    if mark:
        s = mark.end()
    item = doc.raw(s, e)
    return item.rstrip("；;。，,、. ").strip()


def _split_spans(doc: _Doc, start: int, end: int, separators: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    s = start
    depth = 0
    for i in range(start, end):
        ch = doc.norm[i]
        if ch in "（《“":
            depth += 1
        elif ch in "）》”" and depth:
            depth -= 1
        elif ch in separators and depth == 0:
            spans.append((s, i))
            s = i + 1
    spans.append((s, end))
    return spans


def _numbered_spans(doc: _Doc, start: int, end: int) -> list[tuple[int, int]]:
    marks = [
        m.end() - len(m.group(0).lstrip("；;。 ")) for m in _NUMBERED_INLINE_RE.finditer(doc.norm, start, end)
    ]
    if not marks or marks[0] > start + 2:
        marks = [start, *marks]
    bounds = [*marks, end]
    return [(bounds[k], bounds[k + 1]) for k in range(len(bounds) - 1)]


def _evidence(doc: _Doc, from_offset: int) -> tuple[str, ...]:
    for anchor in _EVIDENCE_ANCHOR_RE.finditer(doc.norm, from_offset):
        colon = _EVIDENCE_COLON_RE.match(doc.norm, anchor.end())
        if colon and "证" in doc.norm[anchor.start() : colon.end()]:
            items = _evidence_after_colon(doc, colon.end())
            if items:
                return items
            continue
        inline = _EVIDENCE_INLINE_RE.match(doc.norm, anchor.end())
        if inline:
            spans = _split_spans(doc, inline.start("list"), inline.end("list"), "、，")
            items = tuple(item for s, e in spans if (item := _strip_item(doc, s, e)))
            if items:
                return items
    return ()


def _evidence_after_colon(doc: _Doc, start: int) -> tuple[str, ...]:
    index = doc.line_index(start)
    line = doc.lines[index]
    rest = doc.norm[start : line.end]
    if rest.strip():
        stop = rest.find("。")
        end = start + stop if stop >= 0 else line.end
        if len(_NUMBERED_INLINE_RE.findall(doc.norm, start, end)) >= 2:
            spans = _numbered_spans(doc, start, end)
        elif "；" in doc.norm[start:end]:
            spans = _split_spans(doc, start, end, "；")
        else:
            spans = _split_spans(doc, start, end, "，")
        return tuple(item for s, e in spans if (item := _strip_item(doc, s, e)))
    items: list[str] = []
    for _, following in doc.nonblank_from(index + 1):
        if not _ITEM_LINE_RE.match(following.text):
            break
        item = _strip_item(doc, following.start, following.end)
        if item:
            items.append(item)
    return tuple(items)


# ---------------------------------------------------------------- citations


def _sentence_bounds(doc: _Doc, offset: int) -> tuple[int, int]:
    """The sentence around `offset`; stops inside quotations (a quoted 罚则 has its own ；) do not count."""
    norm = doc.norm
    left = offset
    while left > 0 and not (norm[left - 1] in "。；\n" and not doc.in_quote(left - 1)):
        left -= 1
    right = offset
    while right < len(norm) and not (norm[right] in "。；\n" and not doc.in_quote(right)):
        right += 1
    return left, right


class _Spans:
    """Union of [start, end) intervals with a logarithmic membership test."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        merged: list[tuple[int, int]] = []
        for s, e in sorted(spans):
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], e))
            else:
                merged.append((s, e))
        self._spans = merged
        self._starts = [s for s, _ in merged]

    def __contains__(self, offset: int) -> bool:
        k = bisect.bisect_right(self._starts, offset) - 1
        return k >= 0 and offset < self._spans[k][1]


def _clause_spans(doc: _Doc, pattern: re.Pattern[str]) -> _Spans:
    starts = [m for m in pattern.finditer(doc.norm) if not doc.in_quote(m.start())]
    return _Spans([(m.start(), _clause_end(doc, m.end())) for m in starts])


def _quotes_penalty_rule(doc: _Doc, ref: CitationRef) -> bool:
    """True for 《…》第六十八条第一款规定：“…处…罚款” — the citation introduces the text of a 罚则."""
    lead = _QUOTED_RULE_RE.match(doc.norm, ref.end)
    if not lead or "规定" not in lead.group(0):
        return False
    quote_end = doc.quote_end_at.get(lead.end() - 1)
    if quote_end is not None:
        body = doc.norm[lead.end() : quote_end]
    else:
        _, sentence_end = _sentence_bounds(doc, lead.end())
        body = doc.norm[lead.end() : sentence_end]
    return bool(_PENALTY_WORDS_RE.search(body))


def _role(doc: _Doc, ref: CitationRef, law: str | None, violated: _Spans, basis: _Spans) -> str:
    if ref.start in violated:
        return "violated"
    if law and _PROCEDURAL_LAW_RE.search(law):
        return "procedure"
    if ref.start in basis or _quotes_penalty_rule(doc, ref):
        return "penalty"
    return "other"


def _citations(doc: _Doc) -> tuple[CitedProvision, ...]:
    try:
        refs = find_citations(doc.norm)
    except ValueError:  # a numeral the citation grammar rejects must not sink the whole parse
        return ()
    violated = _clause_spans(doc, _VIOLATION_RE)
    basis = _clause_spans(doc, _BASIS_RE)
    out: list[CitedProvision] = []
    resolved: list[tuple[int, str]] = []  # (offset, law) of every citation with a known law, in order
    self_kind: str | None = None
    for ref in refs:
        if doc.in_quote(ref.start):
            continue  # provisions named inside a quoted statute are the statute's words, not the draft's
        law = ref.law_name
        if ref.self_reference:
            kind = _SELF_KIND_RE.match(ref.text)
            self_kind = kind.group(1) if kind else self_kind
            # 本条例 outside a quotation: the draft means the last law of that kind it named.
            named = [name for _, name in resolved if self_kind and name.endswith(self_kind)]
            law = named[-1] if named else None
        elif law is None:
            left, _ = _sentence_bounds(doc, ref.start)
            law = next((name for pos, name in reversed(resolved) if pos >= left), None)
        if law is not None:
            resolved.append((ref.start, law))
        out.append(
            CitedProvision(
                text=doc.base[ref.start : ref.end],
                role=_role(doc, ref, law, violated, basis),
                law_name=law,
                article_no=ref.article_no,
                article_suffix=ref.article_suffix,
                paragraph=ref.paragraph,
                item=ref.item,
            )
        )
    return tuple(out)


# ---------------------------------------------------------------- penalty


def _cut_payment(doc: _Doc, start: int, end: int) -> int:
    """End of the penalty text on a line that goes on with the payment sentence."""
    m = _PAYMENT_SENTENCE_START_RE.search(doc.norm, start, end)
    return m.start() if m else end


def _ends_operative_part(text: str) -> bool:
    """A line after the penalty items that is no longer part of them: payment, remedy, signature, date."""
    stripped = text.strip()
    if _PAYMENT_OR_REMEDY_RE.search(stripped) and not _ITEM_MARK_RE.match(stripped):
        return True
    return bool(_DATE_RE.fullmatch(stripped) or _SEAL_RE.match(stripped) or _agency_of(stripped))


def _penalty_span(doc: _Doc) -> tuple[int, int, int] | None:
    """(anchor, start, end) of the operative penalty.

    That is the text after 作出如下行政处罚：, or else the 决定给予… sentence.
    """
    for m in _PENALTY_COLON_RE.finditer(doc.norm):
        if "拟" in m.group(0) or doc.in_quote(m.start()):
            continue
        index = doc.line_index(m.end())
        line = doc.lines[index]
        start = end = m.end()
        if doc.norm[start : line.end].strip():
            end = _cut_payment(doc, start, line.end)
            if not doc.norm[start:end].strip():
                continue
            if end < line.end:
                return m.start(), start, end
        previous = index
        for i, following in doc.nonblank_from(index + 1):
            if i > previous + 1 or _ends_operative_part(following.text):
                break  # a blank line, the payment paragraph or the signature ends the operative part
            end = _cut_payment(doc, following.start, following.end)
            previous = i
            if end < following.end:
                break
        if doc.norm[start:end].strip():
            return m.start(), start, end
    for m in _PENALTY_SENTENCE_RE.finditer(doc.norm):
        sentence = m.group(0)
        if "拟" in doc.norm[max(0, m.start() - 2) : m.start()] or doc.in_quote(m.start()):
            continue
        if not any(p.search(sentence) for p in _KIND_PATTERNS.values()) and "没收" not in sentence:
            continue
        line = doc.lines[doc.line_index(m.start())]
        marks = (doc.norm.rfind(mark, line.start, m.start()) + 1 for mark in "，。；")
        clause_start = max(line.start, *marks)
        return clause_start, clause_start, m.end()
    return None


def _penalty_kinds(text: str) -> tuple[str, ...]:
    found = {kind for kind, pattern in _KIND_PATTERNS.items() if pattern.search(text)}
    for m in _CONFISCATE_RE.finditer(text):
        what = m.group("what")
        what = what.lstrip("了其")
        if not what.startswith("违法所得") or re.match(r"违法所得(?:和|、|及|以及)非法财物", what):
            found.add("没收非法财物")
    return tuple(kind for kind in PENALTY_KINDS if kind in found)


def _amount_value(text: str) -> float | None:
    """Yuan of one amount phrase; the words win over the figures (人民币伍仟元整（¥5,000.00））."""
    outside = re.sub(r"[（(][^（）()]*[）)]", "", text)
    inside = "".join(re.findall(r"[（(]([^（）()]*)[）)]", text))
    if _HAS_CN_NUMERAL_RE.search(outside):
        return parse_amount(outside)
    if _HAS_CN_NUMERAL_RE.search(inside) and "元" in inside:
        return parse_amount(inside)
    return parse_amount(outside) or parse_amount(text)


def _amounts(doc: _Doc, pattern: re.Pattern[str], start: int, end: int) -> list[tuple[int, int, float]]:
    found: list[tuple[int, int, float]] = []
    for m in pattern.finditer(doc.norm, start, end):
        s, e = m.span("amt")
        if doc.norm[max(start, m.start() - 2) : m.start()].endswith("加处") or "加处罚款" in m.group(0):
            continue
        if _RANGE_AFTER_RE.match(doc.norm, e) or "每" in doc.norm[max(start, m.start() - 8) : m.start()]:
            continue
        value = _amount_value(doc.base[s:e])
        if value is not None:
            found.append((m.start(), m.end(), value))
    return found


def _fine(doc: _Doc, span: tuple[int, int]) -> Amount | None:
    start, end = span
    totals = _amounts(doc, _FINE_TOTAL_RE, start, end)
    if totals:
        s, e, value = totals[-1]
        return Amount(yuan=value, text=doc.raw(s, e))
    found = _amounts(doc, _FINE_AFTER_RE, start, end) + _amounts(doc, _FINE_BEFORE_RE, start, end)
    distinct: list[tuple[int, int, float]] = []
    for item in sorted(found):
        if not any(s < item[1] and item[0] < e for s, e, _ in distinct):
            distinct.append(item)
    if not distinct:
        return None
    # Several fines in one decision (one per provision applied) are imposed together: report their sum.
    return Amount(yuan=sum(v for _, _, v in distinct), text="；".join(doc.raw(s, e) for s, e, _ in distinct))


def _confiscation(doc: _Doc, span: tuple[int, int]) -> Amount | None:
    found = _amounts(doc, _CONFISCATION_RE, *span)
    if not found:
        return None
    s, e, value = found[0]
    return Amount(yuan=value, text=doc.raw(s, e))


# ---------------------------------------------------------------- payment and remedy


def _payment_text(doc: _Doc, after: int) -> str | None:
    """How and by when to pay (行政处罚法 第五十九条第一款第（四）项), cut before the remedy."""
    for _, line in doc.nonblank_from(doc.line_index(after)):
        start = max(line.start, after)
        remedy = _REMEDY_START_RE.search(doc.norm, start, line.end)
        end = remedy.start() if remedy and remedy.start() > start else line.end
        if _PAYMENT_RE.search(doc.norm, start, end):
            return doc.raw(start, end) or None
    return None


def _remedy_text(doc: _Doc, after: int) -> str | None:
    for _, line in doc.nonblank_from(doc.line_index(after)):
        start = max(line.start, after)
        m = _REMEDY_START_RE.search(doc.norm, start, line.end)
        if not m or not _REMEDY_RE.search(doc.norm, m.start(), line.end):
            continue
        sentence_start = max(doc.norm.rfind(mark, start, m.start()) for mark in ("。", ". ", "．"))
        begin = sentence_start + 1 if sentence_start >= start else start
        return doc.raw(begin, line.end) or None
    return None


def _to_int(numeral: str) -> int | None:
    try:
        return cn_to_int(numeral)
    except ValueError:
        return None


def _review_days(remedy: str | None) -> int | None:
    if remedy is None:
        return None
    m = _REVIEW_DAYS_RE.search(remedy.translate(_HALF_TO_FULL))
    return _to_int(m.group("n")) if m else None


def _review_body(remedy: str | None) -> str | None:
    if remedy is None:
        return None
    m = _REVIEW_BODY_RE.search(remedy.translate(_HALF_TO_FULL))
    return m.group("body").strip() if m else None


def _litigation_months(remedy: str | None) -> int | None:
    if remedy is None:
        return None
    for m in _LITIGATION_RE.finditer(remedy):
        tail = remedy[m.end() : m.end() + 40]
        if re.search(r"诉讼|起诉", tail):
            return _to_int(m.group("n"))
    return None


# ---------------------------------------------------------------- end of the document


def _to_date(m: re.Match[str]) -> dt.date | None:
    year_text = m.group("y")
    year = int(year_text.translate(_YEAR_DIGITS))
    month = _to_int(m.group("m"))
    day = _to_int(m.group("d"))
    if month is None or day is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _tail(doc: _Doc) -> list[tuple[int, _Line]]:
    lines = [(i, line) for i, line in doc.nonblank_from(0)]
    return lines[-_TAIL_LINES:]


def _decision_date(doc: _Doc) -> tuple[dt.date | None, int | None]:
    """The date at the end and the index of its line (None when the date closes a longer line)."""
    tail = _tail(doc)
    for i, line in reversed(tail):
        m = _DATE_RE.fullmatch(line.text.strip())
        if m:
            return _to_date(m), i
    if tail:
        last = tail[-1][1].text.rstrip(" 。.")
        m = _DATE_RE.search(last, max(0, len(last) - 16))
        if m and m.end() == len(last):
            return _to_date(m), None
    return None, None


def _seal(doc: _Doc) -> str | None:
    for _, line in reversed(_tail(doc)):
        if _SEAL_RE.match(line.text.strip()):
            return doc.raw(line.start, line.end)
    return None


def _signature_agency(doc: _Doc, date_line: int | None) -> str | None:
    if date_line is None:
        return None
    for i in range(date_line - 1, max(-1, date_line - 4), -1):
        text = doc.lines[i].text.strip()
        if not text or _SEAL_RE.match(text):
            continue
        return _agency_of(text)
    return None


# ---------------------------------------------------------------- entry point


def parse_draft(text: str) -> Draft:
    """Everything a reviewer reads out of a draft 行政处罚决定书; None/empty where the draft is silent."""
    doc = _Doc(text)
    title = _title(doc)
    header_end = _header_end(doc, title)
    body = _body_start(doc, header_end)
    found = _penalty_span(doc)
    penalty = (found[1], found[2]) if found else None
    facts, facts_end = _facts(doc, body, found[0] if found else len(doc.norm))
    penalty_text = doc.raw(*penalty) if penalty else None
    after_penalty = penalty[0] if penalty else (doc.lines[body].start if body < len(doc.lines) else 0)
    remedy = _remedy_text(doc, after_penalty)
    decision_date, date_line = _decision_date(doc)
    signature = _signature_agency(doc, date_line)
    party_id, party_id_kind = _party_id(doc)
    body_offset = doc.lines[body].start if body < len(doc.lines) else len(doc.norm)
    return Draft(
        text=doc.base,
        agency=_heading_agency(doc, title) or signature,
        doc_no=_doc_no(doc, max(header_end, title.end() if title else 0)),
        party_name=_party_name(doc),
        party_id=party_id,
        party_id_kind=party_id_kind,
        facts=facts,
        evidence=_evidence(doc, min(body_offset, facts_end)),
        citations=_citations(doc),
        penalty_text=penalty_text or None,
        penalty_kinds=_penalty_kinds(penalty_text) if penalty_text else (),
        fine=_fine(doc, penalty) if penalty else None,
        confiscation=_confiscation(doc, penalty) if penalty else None,
        payment_text=_payment_text(doc, after_penalty),
        remedy_text=remedy,
        review_days=_review_days(remedy),
        review_body=_review_body(remedy),
        litigation_months=_litigation_months(remedy),
        decision_date=decision_date,
        seal=_seal(doc),
        signature_agency=signature,
    )
