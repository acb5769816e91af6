"""Which agency may impose which penalty: agency kinds, the department a penalty provision names, and
documented transfers of competence (相对集中行政处罚权, 下放街道/乡镇, renamed departments).

《中华人民共和国行政处罚法》第十七条: a penalty is imposed by the agency that holds the power, within it;
第十八条第二款 and 第二十四条 allow a province to concentrate powers in one agency or hand county powers
to 街道办事处/乡镇人民政府 — so "the statute names another department" is a defect only when no such
transfer can apply. Transfers and renamings are data (review/data/delegations.yaml) with their sources.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from corpus.models import Article, LawVersion

DELEGATIONS_FILE = Path(__file__).resolve().parents[1] / "data" / "delegations.yaml"


class Kind(StrEnum):
    """Kinds of enforcement body, by the field of administration they hold."""

    STREET = "street"
    TOWN = "town"
    CITY_ENFORCEMENT = "city_enforcement"
    CITY_ADMIN = "city_admin"
    MARKET = "market"
    ECOLOGY = "ecology"
    HEALTH = "health"
    PLANNING = "planning"
    HOUSING = "housing"
    TRANSPORT = "transport"
    EMERGENCY = "emergency"
    WATER = "water"
    GREENING = "greening"
    AGRICULTURE = "agriculture"
    CULTURE = "culture"
    EDUCATION = "education"
    COMMERCE = "commerce"
    PUBLIC_SECURITY = "public_security"
    TRAFFIC_POLICE = "traffic_police"
    FIRE = "fire"
    GOVERNMENT = "government"


KIND_TITLES: dict[Kind, str] = {
    Kind.STREET: "街道办事处",
    Kind.TOWN: "乡镇人民政府",
    Kind.CITY_ENFORCEMENT: "城市管理综合执法部门",
    Kind.CITY_ADMIN: "城市管理（市容环卫）主管部门",
    Kind.MARKET: "市场监督管理部门",
    Kind.ECOLOGY: "生态环境主管部门",
    Kind.HEALTH: "卫生健康主管部门",
    Kind.PLANNING: "规划自然资源主管部门",
    Kind.HOUSING: "住房和城乡建设主管部门",
    Kind.TRANSPORT: "交通运输主管部门",
    Kind.EMERGENCY: "应急管理部门",
    Kind.WATER: "水行政主管部门",
    Kind.GREENING: "园林绿化（林业）主管部门",
    Kind.AGRICULTURE: "农业农村主管部门",
    Kind.CULTURE: "文化和旅游主管部门",
    Kind.EDUCATION: "教育行政部门",
    Kind.COMMERCE: "商务主管部门",
    Kind.PUBLIC_SECURITY: "公安机关",
    Kind.TRAFFIC_POLICE: "公安机关交通管理部门",
    Kind.FIRE: "消防救援机构",
    Kind.GOVERNMENT: "人民政府",
}

# Keyword → kind, most specific first: a matched span is blanked so that 公安机关交通管理部门 is not also
# read as 公安机关, nor 市容环境卫生行政主管部门 as 卫生行政.
_KIND_PATTERNS: tuple[tuple[Kind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        (Kind.TRAFFIC_POLICE, r"公安机关交通管理|公安交通管理|交通管理(?:部门|局|支队|大队)|交警"),
        (Kind.FIRE, r"消防救援|消防机构"),
        (Kind.PUBLIC_SECURITY, r"公安|派出所"),
        (Kind.CITY_ENFORCEMENT, r"城市管理(?:综合)?(?:行政)?执法|城管(?:行政)?执法|城市执法"),
        (Kind.CITY_ADMIN, r"城市管理(?:部门|主管部门|委员会|局)|(?:市容)?环境卫生(?:行政)?主管部门"),
        (Kind.STREET, r"街道办事处|街道"),
        (Kind.TOWN, r"乡、(?:民族乡、)?镇人民政府|乡镇人民政府|[乡镇]人民政府|乡镇"),
        (Kind.MARKET, r"市场监督管理|市场监管|食品安全监督管理|产品质量监督|价格主管|标准化(?:行政)?主管"),
        (Kind.ECOLOGY, r"生态环境|环境保护部门|环保"),
        (Kind.HEALTH, r"卫生健康|卫生行政|卫生主管|卫生部门|卫健"),
        (Kind.PLANNING, r"城乡规划|规划自然资源|规划和自然资源|自然资源|规划主管|规划部门|土地(?:行政)?主管"),
        (Kind.HOUSING, r"住房和?城乡建设|(?:建设|房屋|房地产)(?:行政)?主管|住建"),
        (Kind.TRANSPORT, r"交通运输|道路运输管理|交通(?:行政)?主管"),
        (Kind.EMERGENCY, r"应急管理"),
        (Kind.WATER, r"水行政|水务|水利"),
        (Kind.GREENING, r"园林绿化|绿化(?:行政)?主管|林业"),
        (Kind.AGRICULTURE, r"农业农村|农业(?:行政)?主管|畜牧|渔业"),
        (Kind.CULTURE, r"文化和旅游|文化旅游|文化市场|旅游主管|新闻出版|广播电视"),
        (Kind.EDUCATION, r"教育(?:行政)?(?:部门|主管)|教育委员会|教育局"),
        (Kind.COMMERCE, r"商务(?:主管)?(?:部门|局|委员会)"),
    )
)
_GOVERNMENT_RE = re.compile(r"人民政府")
# A department the provision leaves to be fixed elsewhere: 县级以上地方人民政府确定的监督管理部门,
# 工程所在地人民政府指定的部门, 有关部门 — competence then rests on a decision the corpus does not hold.
_VAGUE_RE = re.compile(
    r"确定的|指定的|有关部门|相关部门|负有[^，。；]{0,30}职责的部门|其他[^，。；]{0,10}部门"
)

# Bodies that may hold concentrated or delegated powers of other fields
# (行政处罚法 第十八条第二款、第二十四条).
COMPREHENSIVE: frozenset[Kind] = frozenset({Kind.STREET, Kind.TOWN, Kind.CITY_ENFORCEMENT})
# Powers no such transfer gives a 街道/乡镇: police, traffic police and fire service act under their own laws
# (行政处罚法 第十八条第三款 for 限制人身自由; 道路交通安全法、消防法 for the rest).
_EXCLUSIVE_FOR: dict[Kind, frozenset[Kind]] = {
    Kind.STREET: frozenset({Kind.PUBLIC_SECURITY, Kind.TRAFFIC_POLICE, Kind.FIRE}),
    Kind.TOWN: frozenset({Kind.PUBLIC_SECURITY, Kind.TRAFFIC_POLICE, Kind.FIRE}),
    Kind.CITY_ENFORCEMENT: frozenset({Kind.PUBLIC_SECURITY, Kind.FIRE}),
}


# ---------------------------------------------------------------- documented data


class Source(BaseModel):
    """A source of a renaming or delegation outside the corpus (or named without article)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str = Field(description="Title of the document.")
    document_number: str | None = Field(default=None, description="文号.")
    note: str = Field(description="What it says; 语料库未收录 when the corpus lacks it.")
    in_corpus: bool = Field(description="Whether the corpus holds the document.")


class Provision(BaseModel):
    """A provision in the corpus, quoted from the store when cited."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    law: str
    article: int
    paragraph: int | None = None
    item: int | None = None


class Renamed(BaseModel):
    """A department statutes still name by its pre-reform title."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pattern: str = Field(description="Regex matched against the department named by a provision.")
    old: str = Field(description="Old title.")
    kind: Kind = Field(description="Kind that carries the competence today.")
    source: Source

    @property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern)


class Delegation(BaseModel):
    """A competence of one kind of department exercised by another kind of agency."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    jurisdiction: str = Field(description="Region where it applies, e.g. 北京市.")
    agency_kinds: tuple[Kind, ...] = Field(min_length=1, description="Agencies that receive the power.")
    gains: tuple[Kind, ...] = Field(min_length=1, description="Departments whose power they receive.")
    laws: tuple[str, ...] = Field(default=(), description="Only penalties under these laws; empty = any.")
    scope: str = Field(description="What is transferred, in Chinese.")
    provisions: tuple[Provision, ...] = Field(default=(), description="Corpus provisions that ground it.")
    documents: tuple[Source, ...] = Field(default=(), description="Sources outside the corpus.")

    def applies(self, agency: frozenset[Kind], dept: Kind, region: str, law_title: str) -> bool:
        return (
            bool(agency & set(self.agency_kinds))
            and dept in self.gains
            and self.jurisdiction in region
            and (not self.laws or law_title in self.laws)
        )


class AuthorityData(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    renamed: tuple[Renamed, ...] = ()
    delegations: tuple[Delegation, ...] = ()


class AuthorityDataError(Exception):
    """delegations.yaml is malformed."""


def load_authority_data(path: Path = DELEGATIONS_FILE) -> AuthorityData:
    """Strict loader: a malformed entry fails naming the file and the problem."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        data = AuthorityData.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as e:
        raise AuthorityDataError(
            f"{path.name}：职权数据无法读取或格式错误（{e}）；请按文件头部说明修正。"
        ) from e
    for r in data.renamed:
        try:
            re.compile(r.pattern)
        except re.error as e:
            raise AuthorityDataError(
                f"{path.name}：renamed 条目“{r.old}”的 pattern 不是有效正则（{e}）；请修正该正则。"
            ) from e
    return data


@cache
def authority_data() -> AuthorityData:
    return load_authority_data()


# ---------------------------------------------------------------- classifying names


@dataclass(frozen=True)
class KindReading:
    """Kinds read from a text and the renamings used to read them."""

    kinds: frozenset[Kind]
    renamed: tuple[Renamed, ...] = ()


def kinds_in(text: str, data: AuthorityData | None = None) -> KindReading:
    """Department kinds named in `text` (renamed departments mapped to their successor)."""
    data = data or authority_data()
    rest = text
    kinds: set[Kind] = set()
    used: list[Renamed] = []
    for r in data.renamed:
        if r.regex.search(rest):
            kinds.add(r.kind)
            used.append(r)
            rest = r.regex.sub(lambda m: "　" * len(m.group()), rest)
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(rest):
            kinds.add(kind)
            rest = pattern.sub(lambda m: "　" * len(m.group()), rest)
    if not kinds and _GOVERNMENT_RE.search(rest) and not _VAGUE_RE.search(rest):
        kinds.add(Kind.GOVERNMENT)
    return KindReading(frozenset(kinds), tuple(used))


_SPACE_RE = re.compile(r"\s+")
# Internal units of an agency: they cannot impose penalties in their own name (行政处罚法 第十七条).
_INTERNAL_SUFFIX_RE = re.compile(
    r"(?:(?:综合)?(?:行政)?执法(?:大|中|分|支)?队|执法(?:组|站)|监察(?:大|中|支)?队|中队|分队|[科股室]|办公室|"
    r"执法处|法制处)$"
)
# Units that ARE agencies (or authorised bodies) although their names end like internal units.
# 消防救援支队/大队 are 消防救援机构 (消防法 第七十条); traffic 支队/大队 are 公安机关交通管理部门 (道路交通安全法
# 第五条); a 公安派出所 decides what 治安管理处罚法 第九十一条 leaves to it. Other 队 of a 公安局 are internal.
_OWN_AGENCY_UNIT_RE = re.compile(r"消防救援|交通管理|交通支队|交通大队|交警|派出所|出入境")
_REGION_RE = re.compile(
    r"^(?P<prov>[\u4e00-\u9fff]{2,7}?(?:省|自治区))?(?P<city>[^\s区县市]{2,6}?市)?"
    r"(?P<district>[\u4e00-\u9fff]{1,8}?(?:区|县|旗))?"
)


@dataclass(frozen=True)
class AgencyProfile:
    """An issuing agency as read from its name."""

    name: str
    kinds: frozenset[Kind]
    internal_unit: bool
    parent: str | None
    city: str | None
    district: str | None
    renamed: tuple[Renamed, ...] = ()

    @property
    def title(self) -> str:
        return "、".join(KIND_TITLES[k] for k in sorted(self.kinds)) if self.kinds else "（无法判断）"


def normalise_name(name: str) -> str:
    return _SPACE_RE.sub("", name).strip("（）()【】[]")


def internal_unit_parent(name: str) -> str | None:
    """The agency an internal unit belongs to (北京市某街道综合行政执法队 → 北京市某街道办事处), or None
    when the name is not an internal unit."""
    name = normalise_name(name)
    if _OWN_AGENCY_UNIT_RE.search(name):
        return None
    bureau_end = name.rfind("局") + 1
    if "公安" in name and 0 < bureau_end < len(name) and re.search(r"(?:支队|大队|中队)$", name):
        return name[:bureau_end]  # 某公安分局治安支队 is a unit of the 分局
    m = _INTERNAL_SUFFIX_RE.search(name)
    if m is None or m.start() == 0:
        return None
    head = re.sub(r"第[一二三四五六七八九十百0-9]+$", "", name[: m.start()])
    bureau = head.rfind("局")
    if bureau >= 0:
        return head[: bureau + 1]  # 某区城市管理综合行政执法局某街道执法队 belongs to the 局
    if head.endswith("街道"):
        return head + "办事处"
    if head.endswith(("乡", "镇")):
        return head + "人民政府"
    if re.search(r"(?:局|委员会|委|办事处|人民政府|分局|支队|大队)$", head):
        return head
    # 某局执法大队 / 某街道综合执法队 without the parent's suffix still names a unit of a body.
    if m.group().endswith(("队", "组", "站", "科", "股", "室")) and len(head) >= 2:
        return head
    return None


def classify_agency(name: str, data: AuthorityData | None = None) -> AgencyProfile:
    """Kinds, internal-unit status and region of an agency named in a case or draft."""
    clean = normalise_name(name)
    parent = internal_unit_parent(clean)
    reading = kinds_in(parent or clean, data)
    kinds = set(reading.kinds)
    base = parent or clean
    if re.search(r"[乡镇]人民政府$|[乡镇]政府$", base):
        kinds.discard(Kind.GOVERNMENT)
        kinds.add(Kind.TOWN)
    if "城市管理局" in base:
        kinds.add(Kind.CITY_ENFORCEMENT)  # a 城市管理局 outside Beijing usually holds both roles
    region = _REGION_RE.match(base)
    city = region.group("city") if region else None
    district = region.group("district") if region else None
    return AgencyProfile(
        name=clean, kinds=frozenset(kinds), internal_unit=parent is not None, parent=parent, city=city,
        district=district, renamed=reading.renamed,
    )




# ---------------------------------------------------------------- departments named by a provision


@dataclass(frozen=True)
class NamedDepartments:
    """The department(s) a provision (or its law) makes competent."""

    phrases: tuple[str, ...]
    kinds: frozenset[Kind]
    vague: bool
    where: str  # 'provision' | 'article' | 'law'
    renamed: tuple[Renamed, ...] = ()
    law_article: Article | None = None
    alias: str | None = None  # a term the law defines for the list (执法机关)

    @property
    def text(self) -> str:
        return "、".join(dict.fromkeys(self.phrases))


# The verb after the department ends it; 处 inside a name (街道办事处, 管理处) is not the verb 处.
_ACTOR_RE = re.compile(
    r"由(?P<who>[^。；：“”《》]{2,60}?)"
    r"(?=按照|依照|依据|根据|责令|处以|(?<!办事)(?<!管理)处|给予|没收|吊销|暂扣|予以|决定|实施|进行|依法|报经|报请|会同"
    r"|对其|对当事人|对)"
)
_DEPT_END_RE = re.compile(r"(?:部门|机关|机构|人民政府|办事处|委员会|局)")
# Sentences of a law that say who imposes the penalties of the whole law (消防法 第七十条, 市容条例 第十条).
_LABEL = r"^\s*(?:第[一二三四五六七八九十百千零〇]+条(?:之[一二三四五六七八九十]+)?\s*)?"
_LAW_CLAUSE_RE = re.compile(
    r"本(?:法|条例|办法|规定|细则|决定)(?:规定)?的(?:行政)?处罚[^。]{0,80}?由"
    r"|对本(?:法|条例|办法|规定|细则)规定的[^。]{0,40}?(?:实施|给予|作出)(?:行政)?处罚"
    # 治安管理处罚法 第九十一条: “治安管理处罚由县级以上人民政府公安机关决定”, a sentence that opens the article.
    + "|" + _LABEL + r"[\u4e00-\u9fff]{0,8}处罚由[^。；]{2,40}?决定"
)
# The department as the subject of a sentence that punishes under the whole law (道路交通安全法 第八十七条第二款:
# “公安机关交通管理部门及其交通警察应当依据事实和本法的有关规定对道路交通安全违法行为予以处罚”).
_SUBJECT_CLAUSE_RE = re.compile(
    _LABEL + r"(?P<who>[^，。；]{2,30}(?:部门|机关|机构))(?:及其[^，。；]{1,10})?(?:应当)?(?:依据|依照)"
    r"[^。；]{0,10}本(?:法|条例)[^。；]{0,24}?(?:予以处罚|给予处罚|实施处罚|给予行政处罚)"
)
_DEFINED_ALIAS_RE = re.compile(r"(?P<list>[^。；：]{2,120}?)（以下(?:统称|简称)(?P<alias>[^）]{2,12})）")
# A provision that hands the matter to another law (按照《北京市市容环境卫生条例》的规定处理).
REFERRAL_RE = re.compile(r"(?:按照|依照|依据)《[^》]+》(?:的)?(?:有关)?(?:规定)?(?:处理|处罚|执行|予以处罚)")


def _reading(phrases: list[str], where: str, article: Article | None = None,
             data: AuthorityData | None = None) -> NamedDepartments | None:
    kinds: set[Kind] = set()
    renamed: list[Renamed] = []
    vague = False
    for p in phrases:
        r = kinds_in(p, data)
        kinds |= r.kinds
        renamed.extend(r.renamed)
        if _VAGUE_RE.search(p):
            vague = True
    if not kinds and not vague:
        return None
    return NamedDepartments(tuple(phrases), frozenset(kinds), vague, where, tuple(renamed), article)


# Sentences that hand a conduct over to the police or the courts (构成违反治安管理行为的，由公安机关…；
# 构成犯罪的…) name who deals with that consequence, not who imposes the provision's penalty.
_HANDOVER_RE = re.compile(r"治安管理|犯罪|刑事责任")


def actors_in(text: str) -> list[str]:
    """Department phrases after 由 in `text` (由城市管理综合执法部门责令… → 城市管理综合执法部门)."""
    out = []
    for sentence in re.split(r"[。；;\n]", text):
        if _HANDOVER_RE.search(sentence):
            continue
        for m in _ACTOR_RE.finditer(sentence):
            who = m.group("who")
            if _DEPT_END_RE.search(who):
                out.append(who.strip("，、 "))
    return out


def defined_aliases(version: LawVersion) -> dict[str, str]:
    """Terms a law defines for a list of departments: 执法机关 → 规划自然资源主管部门、…、乡镇人民政府."""
    out: dict[str, str] = {}
    for art in version.articles:
        for m in _DEFINED_ALIAS_RE.finditer(art.text):
            lst = m.group("list")
            lst = re.split(r"[，,]|向|由", lst)[-1]
            if _DEPT_END_RE.search(lst):
                out[m.group("alias")] = lst
    return out


_EXCEPTION_RE = re.compile(r"除[^，。；]*?外")
_ARTICLE_LABEL_RE = re.compile(r"^第[一二三四五六七八九十百千零〇]+条(?:之[一二三四五六七八九十]+)?\s*")
_SUBJECT_DEPT_RE = re.compile(r"^(?:本市|本省|本自治区)?(?P<who>[^，。；]{2,40}?(?:部门|机关|机构))")


def law_clause(version: LawVersion, data: AuthorityData | None = None) -> NamedDepartments | None:
    """The law's own general clause on who imposes its penalties, if it has one (exceptions such as
    消防法 第七十条's “除应当由公安机关…决定的外” are left out)."""
    for art in version.articles:
        for sentence in re.split(r"[。\n]", art.text):
            by_subject = _SUBJECT_CLAUSE_RE.match(sentence)
            if by_subject is not None:
                found = _reading([by_subject.group("who")], "law", art, data)
                if found is not None:
                    return found
            if _LAW_CLAUSE_RE.search(sentence):
                sentence = _EXCEPTION_RE.sub("", _ARTICLE_LABEL_RE.sub("", sentence.strip()))
                subject = _SUBJECT_DEPT_RE.match(sentence)
                # The clause itself says who decides, even where it names 治安管理 (actors_in skips those
                # sentences as hand-overs to the police).
                direct = [
                    m.group("who").strip("，、 ") for m in _ACTOR_RE.finditer(sentence)
                    if _DEPT_END_RE.search(m.group("who"))
                ]
                phrases = (actors_in(sentence) or direct
                           or ([subject.group("who")] if subject else [sentence]))
                found = _reading(phrases, "law", art, data)
                if found is not None:
                    return found
    return None


def named_departments(
    unit_text: str | None, article_text: str | None, version: LawVersion | None,
    data: AuthorityData | None = None,
) -> NamedDepartments | None:
    """Who the penalty provision makes competent: the cited unit (款/项 lead-in included through the
    article text), else a term the law defines, else the law's general clause."""
    aliases = defined_aliases(version) if version is not None else {}
    for text, where in ((unit_text, "provision"), (article_text, "article")):
        if not text:
            continue
        found = _reading(actors_in(text), where, None, data)
        if found is not None:
            return found
        # 执法机关责令限期改正… where the law defines 执法机关 as a list of departments.
        for alias, lst in aliases.items():
            if re.search(re.escape(alias) + r"(?:应当|可以)?(?:责令|处|给予|没收|吊销)", text):
                found = _reading([lst], where, None, data)
                if found is not None:
                    return replace(found, alias=alias)
    return law_clause(version, data) if version is not None else None


# ---------------------------------------------------------------- matching


class Match(StrEnum):
    MATCH = "match"
    DELEGATED = "delegated"
    UNCLEAR = "unclear"
    MISMATCH = "mismatch"


@dataclass(frozen=True)
class Competence:
    status: Match
    reason: str
    delegations: tuple[Delegation, ...] = ()


def competence(
    agency: AgencyProfile, named: NamedDepartments, region: str, law_title: str,
    data: AuthorityData | None = None,
) -> Competence:
    """Does the agency hold the competence the provision gives to `named`?"""
    data = data or authority_data()
    depts = named.kinds - {Kind.GOVERNMENT} if named.kinds - {Kind.GOVERNMENT} else named.kinds
    if not agency.kinds:
        return Competence(Match.UNCLEAR, f"无法从机关名称“{agency.name}”判断其职能类别")
    if agency.kinds & depts:
        return Competence(Match.MATCH, "本机关属于条文规定的处罚机关")
    found = tuple(
        d for d in data.delegations for k in depts if d.applies(agency.kinds, k, region, law_title)
    )
    if found:
        return Competence(
            Match.DELEGATED, "条文规定的部门职权已依法交由本类机关行使", tuple(dict.fromkeys(found))
        )
    if named.vague or Kind.GOVERNMENT in named.kinds:
        return Competence(Match.UNCLEAR, "条文未直接写明具体部门，由人民政府确定或指定")
    comprehensive = agency.kinds & COMPREHENSIVE
    if comprehensive:
        exclusive: set[Kind] = set()
        for k in comprehensive:
            exclusive |= _EXCLUSIVE_FOR[k]
        if depts and depts <= exclusive:
            return Competence(Match.MISMATCH, "该职权专属于条文规定的部门，不属于可下放或相对集中的范围")
        return Competence(
            Match.UNCLEAR, "本机关可能经相对集中行政处罚权或下放行使该职权，但案卷和语料库未显示授权依据"
        )
    if agency.kinds == {Kind.GOVERNMENT}:
        return Competence(Match.UNCLEAR, "人民政府通常不直接实施该项处罚，需核实法定依据")
    return Competence(Match.MISMATCH, "本机关的职能类别与条文规定的处罚机关不同")


def kinds_title(kinds: Iterable[Kind]) -> str:
    return "、".join(KIND_TITLES[k] for k in sorted(kinds))


# ---------------------------------------------------------------- place


def districts_after_city(text: str, city: str) -> list[str]:
    """Districts written after the city name in `text` (北京市朝阳区… → 朝阳区)."""
    pattern = re.compile(re.escape(city) + r"(?P<d>[\u4e00-\u9fff]{1,6}?(?:区|县))(?![域内])")
    return list(dict.fromkeys(m.group("d") for m in pattern.finditer(text)))
