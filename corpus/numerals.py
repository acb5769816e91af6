"""Chinese numerals, money amounts and fine ranges as written in statutes, benchmark tables and decisions.

Pure functions, no I/O. Number conversion is delegated to cn2an; this module only finds the numbers in
running text and decides what unit (yuan, multiple, percent) and which bounds a fine phrase states.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import cn2an

from corpus.models import AmountRange

# Arabic digits, half or full width, with optional thousands separators and decimals (¥5,000.00).
_DIGITS = r"[0-9０-９]+(?:,[0-9０-９]{3})*(?:[.．][0-9０-９]+)?"
# A Chinese numeral starts with a digit or 十, so 万/百 inside words (数万元, 百分之) never start one.
_CN_START = "一二两三四五六七八九十壹贰貳叁參肆伍陆陸柒捌玖拾"
_CN_BODY = _CN_START + "零〇百千万亿萬億佰仟"
_CN_NUM = rf"[{_CN_START}][{_CN_BODY}]*(?:点[零〇一二三四五六七八九]+[万亿萬億]?)?"
_NUM = rf"(?:{_DIGITS}[万亿萬億]?|{_CN_NUM})"

_TOKEN_RE = re.compile(
    rf"百分之(?P<pct>{_NUM})"
    r"|(?P<eq>等值|等额)"
    rf"|(?P<cur>人民币|[¥￥])?[ ]*(?P<num>{_NUM})[ ]*(?P<unit>元|倍|%|％)?"
)
# Between the two ends of a range: 五千元以上五万元以下, 一千元至五千元, 1000元—5000元, 1000-5000元, 3至5倍.
_RANGE_CONNECTOR_RE = re.compile(r"[ ]*(?:以上、?|至|到|－|-|—{1,2}|~|～)[ ]*")
_UPPER_MARK_RE = re.compile(r"[ ]*(?:以下|以内)")
_LOWER_MARK_RE = re.compile(r"[ ]*以上")
_UPPER_WORDS = ("不超过", "不高于", "最高")
_LOWER_WORDS = ("不低于", "不少于", "最低")
_MONEY_MULTIPLIERS = ("万", "亿", "萬", "億")

_CJK_RE = re.compile(r"[\u4e00-\u9fff、]+\Z")
# Words that end the clause before the base of a multiple/percentage: 处违法所得一倍 → 违法所得.
_BASE_CUT_RE = re.compile(r"^.*?(?:处以|并处|处|按照|依照|按)")


def _normalise(text: str) -> str:
    """Full-width digits and signs to ASCII, thousands separators dropped, blanks removed."""
    norm = unicodedata.normalize("NFKC", text)
    norm = re.sub(r"(?<=\d),(?=\d{3})", "", norm)
    return re.sub(r"\s+", "", norm)


def _to_number(text: str) -> float:
    """Any numeral cn2an understands, as float; ValueError with a Chinese message otherwise."""
    norm = _normalise(text)
    if not norm:
        raise ValueError(f"无法识别数字：文本“{text}”为空，请提供阿拉伯数字或中文数字。")
    try:
        value = cn2an.cn2an(norm, "smart")
    # cn2an documents no exception types; any failure of it means "not a numeral".
    except Exception as exc:
        # cn2an rejects a decimal before 万/亿 written in Chinese (一点五万); scale the part before it.
        scale = {"万": 1e4, "亿": 1e8}.get(norm[-1:])
        if scale is not None and len(norm) > 1 and norm[-2:-1] not in ("万", "亿"):
            try:
                return _to_number(norm[:-1]) * scale
            except ValueError:
                pass
        raise ValueError(
            f"无法把“{text}”识别为数字（{exc}），请检查是否为规范的阿拉伯数字或中文数字。"
        ) from exc
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"无法把“{text}”识别为数字，请检查是否为规范的阿拉伯数字或中文数字。")
    return float(value)


def cn_to_int(text: str) -> int:
    """一百零三 → 103, 两千 → 2000, 伍仟 → 5000, "63"/"６３" → 63; ValueError (in Chinese) otherwise."""
    value = _to_number(text)
    if not value.is_integer():
        raise ValueError(f"“{text}”不是整数（识别为{value:g}），此处需要整数，请检查条文或金额写法。")
    return int(value)


@dataclass(frozen=True)
class _Token:
    """One number found in text with what it counts: yuan, multiple, percent, or bare (unit unknown)."""

    start: int
    end: int
    value: float
    unit: str  # yuan | multiple | percent | bare
    money_sized: bool  # bare number written with 万/亿: money when a range or 以上/以下 makes it one


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    for m in _TOKEN_RE.finditer(text):
        try:
            if m.group("pct") is not None:
                tokens.append(_Token(m.start(), m.end(), _to_number(m.group("pct")), "percent", False))
            elif m.group("eq") is not None:
                tokens.append(_Token(m.start(), m.end(), 1.0, "multiple", False))
            else:
                num = m.group("num")
                value = _to_number(num)
                unit = {"元": "yuan", "倍": "multiple", "%": "percent", "％": "percent"}.get(
                    m.group("unit") or "", "bare"
                )
                if unit == "bare" and m.group("cur"):
                    unit = "yuan"
                start = m.start() if m.group("cur") else m.start("num")
                end = m.end() if m.group("unit") else m.end("num")
                tokens.append(_Token(start, end, value, unit, any(c in num for c in _MONEY_MULTIPLIERS)))
        except ValueError:
            continue  # looked like a numeral but cn2an rejects it (e.g. 二百万千): not a number
    return tokens


def parse_amount(text: str) -> float | None:
    """The first money amount in yuan: 五千元, 3万, ¥5,000.00, 人民币伍仟元整, 1.5万元; None if none."""
    tokens = _tokens(text)
    for tok in tokens:
        if tok.unit == "yuan" or (tok.unit == "bare" and tok.money_sized):
            return tok.value
    # A form field holding only a number ("5000") is an amount in yuan.
    if (
        len(tokens) == 1
        and tokens[0].unit == "bare"
        and text[: tokens[0].start].strip() == ""
        and (text[tokens[0].end :].strip() in ("", "整"))
    ):
        return tokens[0].value
    return None


def _pair_units(low: _Token, high: _Token) -> tuple[str, float, float] | None:
    """Unit and bounds of 'low … high', borrowing a missing unit from the other end (二百以上五百元以下)."""
    lu, hu = low.unit, high.unit
    lv, hv = low.value, high.value
    if lu == "bare" and hu == "bare":
        if low.money_sized or high.money_sized:
            return "yuan", lv, hv
        return None
    if lu == "bare":
        return hu, lv, hv
    if hu == "bare":
        return lu, lv, hv
    if lu == hu:
        return lu, lv, hv
    # 货值金额百分之五十以上三倍以下: both are shares of the same base; state it in multiples.
    if lu == "percent" and hu == "multiple":
        return "multiple", lv / 100, hv
    if lu == "multiple" and hu == "percent":
        return "multiple", lv, hv / 100
    return None


def _base_before(text: str, start: int, lower: int) -> tuple[str | None, int]:
    """The noun right before a multiple/percentage (违法所得, 建设项目总投资额) and where it starts.

    Looks back no further than `lower` (the end of the previous range), so one range never eats another.
    """
    m = _CJK_RE.search(text, max(lower, start - 60), start)
    if not m:
        return None, start
    run = m.group(0)
    run_start = start - len(run)
    cut = _BASE_CUT_RE.match(run)
    offset = cut.end() if cut else 0
    base = run[offset:]
    base_start = run_start + offset
    base = base.removesuffix("的")
    if not base:
        return None, start
    return base, base_start


def find_amount_ranges(text: str) -> list[AmountRange]:
    """Every fine range in `text`, in text order: yuan ranges, 倍/百分之 of a base, single amounts."""
    tokens = _tokens(text)
    ranges: list[AmountRange] = []
    ranges_end = 0
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        unit: str | None = None
        low: float | None = None
        high: float | None = None
        start, end = tok.start, tok.end
        consumed = 1
        conn = _RANGE_CONNECTOR_RE.match(text, tok.end)
        paired = None
        if conn and i + 1 < len(tokens) and tokens[i + 1].start == conn.end():
            paired = _pair_units(tok, tokens[i + 1])
        if paired is not None:
            unit, low, high = paired
            end = tokens[i + 1].end
            upper = _UPPER_MARK_RE.match(text, end)
            if upper:
                end = upper.end()
            consumed = 2
        elif tok.unit != "bare" or tok.money_sized:
            before = text[max(0, tok.start - 4) : tok.start]
            upper = _UPPER_MARK_RE.match(text, tok.end)
            lower = _LOWER_MARK_RE.match(text, tok.end)
            unit = "yuan" if tok.unit == "bare" else tok.unit
            if upper or any(before.endswith(w) for w in _UPPER_WORDS):
                high = tok.value
                end = upper.end() if upper else tok.end
            elif lower or any(before.endswith(w) for w in _LOWER_WORDS):
                low = tok.value
                end = lower.end() if lower else tok.end
            elif tok.unit != "bare":
                low = high = tok.value  # a fixed amount: 处五十元罚款, 违法所得一倍的罚款
            else:
                unit = None  # 十万 with no unit and no bound word: not an amount
        if unit is None:
            i += 1
            continue
        base: str | None = None
        if unit in ("multiple", "percent"):
            base, base_start = _base_before(text, start, ranges_end)
            if base is not None:
                start = base_start
        ranges.append(AmountRange(unit=unit, low=low, high=high, base=base, text=text[start:end]))
        ranges_end = end
        i += consumed
    return ranges


def parse_amount_range(text: str) -> AmountRange | None:
    """The first fine range in `text` (see `find_amount_ranges`), or None."""
    found = find_amount_ranges(text)
    return found[0] if found else None
