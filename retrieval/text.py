"""Tokenisation of Chinese legal text for BM25: jieba words (search mode) plus character bigrams.

Words give precise matches on terms jieba knows (and on the legal terms added below); bigrams make
recall independent of jieba's segmentation, which often splits or glues legal compounds differently in a
query than in the article (e.g. 餐厨垃圾收集 vs 餐厨 垃圾 收集). Citations such as 第六十三条 are left
as written (Chinese numerals are not converted): resolving citations is the resolver's job, not BM25's.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable

import jieba

# Bumped whenever the tokenisation code changes; the term lists below are fingerprinted automatically.
TOKENIZER_VERSION = "2"

# Terms of administrative enforcement that jieba's general dictionary splits; keeping them whole gives
# the BM25 word channel exact matches on the phrases reviewers actually type. No entry contains another
# 4+ character entry: search mode only re-emits 2- and 3-character sub-words, so 没收违法所得 as one word
# would hide 违法所得.
LEGAL_TERMS: tuple[str, ...] = (
    "行政处罚",
    "行政强制",
    "行政许可",
    "行政复议",
    "行政诉讼",
    "行政机关",
    "执法人员",
    "责令改正",
    "限期改正",
    "责令停产停业",
    "责令关闭",
    "违法所得",
    "非法财物",
    "罚款",
    "警告",
    "通报批评",
    "吊销许可证件",
    "暂扣许可证件",
    "降低资质等级",
    "陈述申辩",
    "陈述权",
    "申辩权",
    "听证",
    "法制审核",
    "重大执法决定",
    "执法全过程记录",
    "行政执法公示",
    "裁量基准",
    "自由裁量权",
    "从轻处罚",
    "减轻处罚",
    "从重处罚",
    "不予处罚",
    "首违不罚",
    "追责时效",
    "厨余垃圾",
    "餐厨垃圾",
    "生活垃圾",
    "可回收物",
    "有害垃圾",
    "其他垃圾",
    "建筑垃圾",
    "排污许可证",
    "环境影响评价",
    "按日连续处罚",
    "查封扣押",
    "当场收缴",
    "简易程序",
    "普通程序",
    "立案",
    "送达",
)

# Function words that carry no retrieval signal; multi-character ones matter most because single CJK
# characters are dropped from the word channel anyway (the bigram channel covers them).
STOPWORDS: frozenset[str] = frozenset(
    {
        "的", "了", "和", "或", "或者", "及", "以及", "与", "并", "并且", "而", "其", "之", "于", "在",
        "是", "为", "对", "由", "将", "被", "把", "从", "向", "等", "该", "这", "那", "此", "所", "如",
        "若", "则", "即", "也", "都", "又", "着", "个", "者", "但", "但是", "而且", "因此", "所以", "如果",
        "这个", "那个", "一个", "什么", "怎么", "如何", "哪些", "吗", "呢", "吧", "啊",
    }
)  # fmt: skip

# Characters whose bigrams are noise: a bigram such as "的行" never names anything.
_BIGRAM_SKIP_CHARS = frozenset("的了着吗呢吧啊")

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_CJK_CHAR = re.compile(f"^[{_CJK}]$")
_HAS_WORD_CHAR = re.compile(f"[{_CJK}0-9a-z]")

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def _jieba() -> jieba.Tokenizer:
    """The shared jieba tokenizer, initialised on first use (loading its dictionary takes ~1 s)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                tk = jieba.Tokenizer()
                tk.initialize()
                for term in LEGAL_TERMS:
                    tk.add_word(term)
                _tokenizer = tk
    return _tokenizer


def tokenizer_fingerprint() -> str:
    """Identifies the tokenisation rules (code version, term lists, jieba), for keying saved indexes."""
    h = hashlib.sha256(f"{TOKENIZER_VERSION}|jieba={jieba.__version__}".encode())
    for part in (LEGAL_TERMS, sorted(STOPWORDS), sorted(_BIGRAM_SKIP_CHARS)):
        h.update("\x1f".join(part).encode())
        h.update(b"\x1e")
    return h.hexdigest()[:16]


def normalize(text: str) -> str:
    """NFKC (full-width letters/digits/punctuation → half-width) and case-folded.

    NFKC leaves CJK characters, including Chinese numerals in 第六十三条, untouched.
    """
    return unicodedata.normalize("NFKC", text).casefold()


def _bigrams(text: str) -> Iterable[str]:
    for run in _CJK_RUN.findall(text):
        for i in range(len(run) - 1):
            pair = run[i : i + 2]
            if pair[0] in _BIGRAM_SKIP_CHARS or pair[1] in _BIGRAM_SKIP_CHARS or pair in STOPWORDS:
                continue
            yield pair


def tokenize(text: str) -> list[str]:
    """Tokens of `text` for BM25: jieba search-mode words (no stopwords, no lone CJK characters) + bigrams.

    A two-character word and the identical bigram both appear, which deliberately weights whole words a
    little higher than bigrams that straddle word boundaries.
    """
    norm = normalize(text)
    words = [
        w
        for w in (t.strip() for t in _jieba().lcut_for_search(norm))
        if w and w not in STOPWORDS and _HAS_WORD_CHAR.search(w)
    ]
    tokens = [w for w in words if not _CJK_CHAR.match(w)]
    tokens.extend(_bigrams(norm))
    if not tokens:
        # A one-character query (e.g. 罚) would otherwise find nothing at all.
        tokens = words
    return tokens
