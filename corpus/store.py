"""LawStore: every unit of the corpus with verbatim text and version dates, in one SQLite file.

Needs no model. `build_store` is idempotent and incremental: each corpus file is hashed, only new or
changed files are parsed, and the whole update is one transaction, so a file that fails to parse
leaves the previous store untouched (nothing half-loaded is kept).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from corpus.citations import law_name_variants
from corpus.discretion import TableHeader, load_discretion_tables, read_table_header
from corpus.errors import LawNotFoundError, StoreNotBuiltError, VersionNotInForceError
from corpus.models import (
    DiscretionRow,
    DocKind,
    LawVersion,
    PolicyDocument,
    SearchUnit,
    statute_unit_id,
)
from corpus.policy import parse_policy_file, policy_files
from corpus.statutes import link_versions, parse_statute_file

SCHEMA_VERSION = "3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, kind TEXT NOT NULL, sha256 TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS law_versions (
    version_id TEXT PRIMARY KEY, law_key TEXT NOT NULL, title TEXT NOT NULL, effective TEXT NOT NULL,
    expired TEXT, level TEXT NOT NULL, jurisdiction TEXT NOT NULL, source_file TEXT NOT NULL,
    article_count INTEGER NOT NULL, json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS law_versions_key ON law_versions(law_key);
CREATE TABLE IF NOT EXISTS aliases (alias TEXT NOT NULL, law_key TEXT NOT NULL, PRIMARY KEY (alias, law_key));
CREATE TABLE IF NOT EXISTS policies (doc_key TEXT PRIMARY KEY, source_file TEXT NOT NULL, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS discretion_rows (
    row_id TEXT NOT NULL, table_key TEXT NOT NULL, item_no TEXT NOT NULL, source_file TEXT NOT NULL,
    json TEXT NOT NULL, PRIMARY KEY (table_key, row_id));
CREATE TABLE IF NOT EXISTS units (
    unit_id TEXT PRIMARY KEY, kind TEXT NOT NULL, source_file TEXT NOT NULL, law_key TEXT, title TEXT NOT NULL,
    label TEXT NOT NULL, article_no INTEGER, jurisdiction TEXT, effective TEXT, expired TEXT,
    text TEXT NOT NULL, ord INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS units_kind ON units(kind);
"""


@dataclass(frozen=True)
class BuildReport:
    """What `build_store` did."""

    changed: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: int
    seconds: float
    corpus_version: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def nothing_changed(self) -> bool:
        return not self.changed and not self.removed


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _corpus_files(corpus_dir: Path) -> dict[str, str]:
    """Relative path → kind, for every file the store is built from."""
    files: dict[str, str] = {}
    for p in sorted((corpus_dir / "statutes").glob("*.md")):
        files[p.relative_to(corpus_dir).as_posix()] = "statute"
    for p in policy_files(corpus_dir):
        files[p.relative_to(corpus_dir).as_posix()] = "policy"
    for p in sorted((corpus_dir / "discretion").glob("*.csv")):
        files[p.relative_to(corpus_dir).as_posix()] = "discretion"
        twin = p.with_suffix(".md")
        if twin.exists():  # the CSV's header lives in its .md twin: a change there changes the rows
            files[twin.relative_to(corpus_dir).as_posix()] = "discretion"
    return files


def _statute_units(v: LawVersion) -> list[SearchUnit]:
    return [
        SearchUnit(
            unit_id=statute_unit_id(v.law_key, v.effective, a.no, a.suffix),
            kind=DocKind.STATUTE,
            law_key=v.law_key,
            title=v.title,
            label=a.label,
            article_no=a.no,
            jurisdiction=v.jurisdiction,
            effective=v.effective,
            expired=v.expired,
            text=a.text,
        )
        for a in v.articles
    ]


def policy_unit_id(doc_key: str, index: int) -> str:
    """`policy:{doc_key}#s{index:03d}` — sections in document order."""
    return f"policy:{doc_key}#s{index:03d}"


def discretion_unit_id(table_key: str, item_no: str) -> str:
    """`discretion:{table_key}#{item_no}` — one searchable unit per matter (违法行为)."""
    return f"discretion:{table_key}#{item_no}"


def _policy_units(doc: PolicyDocument) -> list[SearchUnit]:
    # Discretion rules and tables kept as text (广东省规定, 裁量表 …) are searched as kind "discretion".
    kind = DocKind.DISCRETION if doc.source_file.startswith("discretion/") else DocKind.POLICY
    return [
        SearchUnit(
            unit_id=policy_unit_id(doc.doc_key, i),
            kind=kind,
            title=doc.title,
            label="".join(s.number_path) or s.heading[:20],
            jurisdiction=doc.jurisdiction,
            effective=doc.effective,
            text=s.text,
        )
        for i, s in enumerate(doc.sections, start=1)
    ]


def _discretion_units(rows: Sequence[DiscretionRow], header: TableHeader) -> list[SearchUnit]:
    """Group the table rows by matter: a search for a violation should find the matter with all tiers."""
    by_item: dict[tuple[str, str], list[DiscretionRow]] = defaultdict(list)
    for r in rows:
        by_item[(r.table_key, r.item_no)].append(r)
    units = []
    for (table_key, item_no), group in by_item.items():
        first = group[0]
        tiers = "\n".join(
            f"第{r.tier if r.tier is not None else '-'}档　情节：{r.circumstance}　标准：{r.standard}"
            for r in group
        )
        units.append(
            SearchUnit(
                unit_id=discretion_unit_id(table_key, item_no),
                kind=DocKind.DISCRETION,
                title=header.title,
                label=item_no,
                jurisdiction=header.jurisdiction,
                effective=first.valid_from,
                expired=first.valid_until,
                text=f"{first.law_group}　{item_no}　违法行为：{first.matter}\n法律依据：{first.legal_basis}\n{tiers}",
            )
        )
    return units


def _unit_row(u: SearchUnit, source_file: str, ord_: int) -> tuple[object, ...]:
    return (
        u.unit_id,
        u.kind.value,
        source_file,
        u.law_key,
        u.title,
        u.label,
        u.article_no,
        u.jurisdiction,
        u.effective.isoformat() if u.effective else None,
        u.expired.isoformat() if u.expired else None,
        u.text,
        ord_,
    )


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path)
    con.executescript(_SCHEMA)
    return con


def build_store(corpus_dir: Path, db_path: Path, *, force: bool = False) -> BuildReport:
    """Build or refresh the store from `corpus_dir`. Parses only new/changed files unless `force`."""
    t0 = time.perf_counter()
    corpus_dir = corpus_dir.resolve()
    if not (corpus_dir / "statutes").is_dir():
        raise StoreNotBuiltError(f"{corpus_dir}（找不到 statutes/ 目录，请检查 FASHEN_CORPUS_DIR）")
    files = _corpus_files(corpus_dir)
    hashes = {rel: _sha256(corpus_dir / rel) for rel in files}
    con = _connect(db_path)
    try:
        old = dict(con.execute("SELECT path, sha256 FROM files").fetchall())
        schema = con.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if force or schema is None or schema[0] != SCHEMA_VERSION:
            old = {}
        changed = sorted(rel for rel, h in hashes.items() if old.get(rel) != h)
        removed = sorted(rel for rel in old if rel not in hashes)
        corpus_version = hashlib.sha256(
            "".join(f"{rel}:{h}\n" for rel, h in sorted(hashes.items())).encode()
        ).hexdigest()[:16]
        if not changed and not removed:
            return BuildReport((), (), len(hashes), time.perf_counter() - t0, corpus_version, _counts(con))

        # Parse everything that changed before touching the database: a parse error aborts the build.
        changed_statutes = [rel for rel in changed if files[rel] == "statute"]
        new_versions = {rel: parse_statute_file(corpus_dir / rel) for rel in changed_statutes}
        new_policies = {
            rel: parse_policy_file(corpus_dir / rel, corpus_dir) for rel in changed if files[rel] == "policy"
        }
        discretion_changed = any(files.get(rel) == "discretion" for rel in changed) or any(
            rel.startswith("discretion/") and rel.endswith(".csv") for rel in removed
        )
        rows = load_discretion_tables(corpus_dir) if discretion_changed else None

        kept_versions = [
            LawVersion.model_validate_json(js)
            for (src, js) in con.execute("SELECT source_file, json FROM law_versions").fetchall()
            if src in hashes and src not in new_versions
        ]
        # Expiry of a version depends on its successors (possibly in other files): relink all versions.
        linked = link_versions([*kept_versions, *new_versions.values()])

        with con:  # one transaction
            for rel in [*changed, *removed]:
                con.execute("DELETE FROM units WHERE source_file=?", (rel,))
                con.execute("DELETE FROM law_versions WHERE source_file=?", (rel,))
                con.execute("DELETE FROM policies WHERE source_file=?", (rel,))
                con.execute("DELETE FROM files WHERE path=?", (rel,))
            # Statute rows are rewritten for every version: expiry dates may have moved.
            con.execute("DELETE FROM law_versions")
            con.execute("DELETE FROM aliases")
            con.execute("DELETE FROM units WHERE kind='statute'")
            for v in linked:
                src = f"statutes/{v.source_file}"
                con.execute(
                    "INSERT INTO law_versions VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (
                        v.version_id,
                        v.law_key,
                        v.title,
                        v.effective.isoformat(),
                        v.expired.isoformat() if v.expired else None,
                        v.level.value,
                        v.jurisdiction,
                        src,
                        len(v.articles),
                        v.model_dump_json(),
                    ),
                )
                for alias in {*v.aliases, v.law_key, v.title}:
                    con.execute("INSERT OR IGNORE INTO aliases VALUES (?,?)", (alias, v.law_key))
                con.executemany(
                    "INSERT INTO units VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    [_unit_row(u, src, i) for i, u in enumerate(_statute_units(v))],
                )
            for rel, doc in new_policies.items():
                con.execute("INSERT INTO policies VALUES (?,?,?)", (doc.doc_key, rel, doc.model_dump_json()))
                con.executemany(
                    "INSERT INTO units VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    [_unit_row(u, rel, i) for i, u in enumerate(_policy_units(doc))],
                )
            if rows is not None:
                con.execute("DELETE FROM discretion_rows")
                # Only the table's own units: discretion *text* documents are policy-parsed units of kind
                # discretion too, and must survive a change of the table.
                con.execute("DELETE FROM units WHERE unit_id LIKE 'discretion:%'")
                csv_files = sorted(
                    rel for rel, k in files.items() if k == "discretion" and rel.endswith(".csv")
                )
                src = csv_files[0] if csv_files else "discretion"
                con.executemany(
                    "INSERT INTO discretion_rows VALUES (?,?,?,?,?)",
                    [(r.row_id, r.table_key, r.item_no, src, r.model_dump_json()) for r in rows],
                )
                headers = _discretion_headers(corpus_dir)
                by_table: dict[str, list[DiscretionRow]] = defaultdict(list)
                for r in rows:
                    by_table[r.table_key].append(r)
                for table_key, trows in by_table.items():
                    con.executemany(
                        "INSERT INTO units VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                        [
                            _unit_row(u, src, i)
                            for i, u in enumerate(_discretion_units(trows, headers[table_key]))
                        ],
                    )
            con.executemany(
                "INSERT OR REPLACE INTO files VALUES (?,?,?)",
                [(rel, files[rel], hashes[rel]) for rel in changed],
            )
            con.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            con.execute("INSERT OR REPLACE INTO meta VALUES ('corpus_version', ?)", (corpus_version,))
            con.execute("INSERT OR REPLACE INTO meta VALUES ('corpus_dir', ?)", (str(corpus_dir),))
        return BuildReport(
            tuple(changed),
            tuple(removed),
            len(hashes) - len(changed),
            time.perf_counter() - t0,
            corpus_version,
            _counts(con),
        )
    finally:
        con.close()


def _discretion_headers(corpus_dir: Path) -> dict[str, TableHeader]:
    """Table key → header (title, jurisdiction) of every benchmark table with a CSV."""
    out: dict[str, TableHeader] = {}
    for csv_path in sorted((corpus_dir / "discretion").glob("*.csv")):
        md = csv_path.with_suffix(".md")
        if md.exists():
            header = read_table_header(md)
            out[header.table_key] = header
    return out


def _counts(con: sqlite3.Connection) -> dict[str, int]:
    out = {kind: n for kind, n in con.execute("SELECT kind, COUNT(*) FROM units GROUP BY kind")}
    out["law_versions"] = con.execute("SELECT COUNT(*) FROM law_versions").fetchone()[0]
    out["laws"] = con.execute("SELECT COUNT(DISTINCT law_key) FROM law_versions").fetchone()[0]
    out["discretion_rows"] = con.execute("SELECT COUNT(*) FROM discretion_rows").fetchone()[0]
    return out


def open_or_build(corpus_dir: Path, db_path: Path) -> LawStore:
    """Open the store at `db_path`, building it from `corpus_dir` first when it does not exist yet."""
    if not db_path.exists():
        build_store(corpus_dir, db_path)
    return LawStore(db_path)


class LawStore:
    """Read side of the store: laws by name and date, units by id, discretion rows, policies."""

    def __init__(self, db_path: Path) -> None:
        if not db_path.exists():
            raise StoreNotBuiltError(str(db_path))
        self.db_path = db_path
        self._con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, check_same_thread=False)
        self._versions: dict[str, list[LawVersion]] = {}

    def close(self) -> None:
        self._con.close()

    # ------------------------------------------------------------------ metadata

    @cached_property
    def corpus_version(self) -> str:
        row = self._con.execute("SELECT value FROM meta WHERE key='corpus_version'").fetchone()
        return str(row[0]) if row else "unknown"

    def stats(self) -> dict[str, object]:
        """Counts per kind, and per law and version."""
        counts = _counts(self._con)
        laws = [
            {"law_key": k, "title": t, "effective": e, "expired": x, "articles": n, "level": lvl}
            for k, t, e, x, n, lvl in self._con.execute(
                "SELECT law_key, title, effective, expired, article_count, level FROM law_versions "
                "ORDER BY law_key, effective"
            )
        ]
        policies = [
            {"doc_key": d, "sections": n}
            for d, n in self._con.execute(
                "SELECT p.doc_key, COUNT(u.unit_id) FROM policies p LEFT JOIN units u ON u.source_file=p.source_file "
                "GROUP BY p.doc_key ORDER BY p.doc_key"
            )
        ]
        return {"corpus_version": self.corpus_version, "counts": counts, "laws": laws, "policies": policies}

    # ------------------------------------------------------------------ laws

    @cached_property
    def _aliases(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for alias, key in self._con.execute("SELECT alias, law_key FROM aliases"):
            out[alias].add(key)
        return out

    def known_law_names(self) -> list[str]:
        """Every title, key and alias in the store: lets the citation parser cut names exactly."""
        return sorted(self._aliases)

    def law_keys(self) -> list[str]:
        return [k for (k,) in self._con.execute("SELECT DISTINCT law_key FROM law_versions ORDER BY law_key")]

    def find_law(self, name: str) -> str | None:
        """Law key for a name as written in a citation (full title, short title, common alias), or None.

        Abbreviations that are not in the alias table (控烟条例, 北京市停车条例, 行罚法) are accepted when
        their characters appear in order in exactly one title of the same kind (法 / 条例 / 规定 …); an
        abbreviation that fits two laws (市容条例) stays unresolved rather than guessed.
        """
        name = name.strip().strip("《》〈〉<>")
        for variant in law_name_variants(name):
            keys = self._aliases.get(variant)
            if keys and len(keys) == 1:
                return next(iter(keys))
        return abbreviation_match(name, self._titles)

    @cached_property
    def _titles(self) -> dict[str, str]:
        return dict(self._con.execute("SELECT DISTINCT title, law_key FROM law_versions").fetchall())

    def versions(self, law_key: str) -> list[LawVersion]:
        """All versions of a law, oldest first."""
        if law_key not in self._versions:
            rows = self._con.execute(
                "SELECT json FROM law_versions WHERE law_key=? ORDER BY effective", (law_key,)
            ).fetchall()
            if not rows:
                raise LawNotFoundError(law_key)
            self._versions[law_key] = [LawVersion.model_validate_json(js) for (js,) in rows]
        return self._versions[law_key]

    def law(self, name: str) -> list[LawVersion]:
        """Versions of the law called `name`; LawNotFoundError when it is not in the corpus."""
        key = self.find_law(name)
        if key is None:
            raise LawNotFoundError(name)
        return self.versions(key)

    def at(self, name: str, day: date) -> LawVersion:
        """The version of the law in force on `day`; typed errors when absent."""
        versions = self.law(name)
        for v in versions:
            if v.in_force_on(day):
                return v
        raise VersionNotInForceError(versions[0].law_key, day, [(v.effective, v.expired) for v in versions])

    # ------------------------------------------------------------------ units

    def units(self, kind: DocKind | None = None) -> list[SearchUnit]:
        """All searchable units (statute articles, policy sections, discretion matters) in corpus order."""
        sql = (
            "SELECT unit_id, kind, law_key, title, label, article_no, jurisdiction, effective, expired, text "
            "FROM units"
        )
        args: tuple[str, ...] = ()
        if kind is not None:
            sql += " WHERE kind=?"
            args = (kind.value,)
        sql += " ORDER BY kind DESC, source_file, ord"
        return [_to_unit(r) for r in self._con.execute(sql, args)]

    def unit(self, unit_id: str) -> SearchUnit | None:
        r = self._con.execute(
            "SELECT unit_id, kind, law_key, title, label, article_no, jurisdiction, effective, expired, text "
            "FROM units WHERE unit_id=?",
            (unit_id,),
        ).fetchone()
        return _to_unit(r) if r else None

    def units_by_ids(self, unit_ids: Iterable[str]) -> list[SearchUnit]:
        return [u for uid in unit_ids if (u := self.unit(uid)) is not None]

    # ------------------------------------------------------------------ policy and discretion

    @cached_property
    def _policies(self) -> tuple[PolicyDocument, ...]:
        return tuple(
            PolicyDocument.model_validate_json(js) for (js,) in self._con.execute("SELECT json FROM policies")
        )

    def policies(self) -> list[PolicyDocument]:
        """Policy documents, parsed once per store (every opinion of a batch asks for them)."""
        return list(self._policies)

    @cached_property
    def _discretion(self) -> list[DiscretionRow]:
        return [
            DiscretionRow.model_validate_json(js)
            for (js,) in self._con.execute("SELECT json FROM discretion_rows ORDER BY rowid")
        ]

    def discretion_rows(self, table_key: str | None = None) -> list[DiscretionRow]:
        rows = self._discretion
        return [r for r in rows if table_key is None or r.table_key == table_key]


# Document-kind endings: an abbreviation keeps the kind of its law (控烟条例 is a 条例, never a 法).
_KIND_ENDINGS = ("实施条例", "条例", "规定", "办法", "细则", "解释", "决定", "法")


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def abbreviation_match(name: str, titles: dict[str, str]) -> str | None:
    """The one law key whose title contains `name`'s characters in order and ends in the same kind."""
    name = name.removeprefix("中华人民共和国")
    ending = next((e for e in _KIND_ENDINGS if name.endswith(e)), None)
    if ending is None or len(name) < 3:
        return None
    keys = set()
    for title, key in titles.items():
        bare = re.sub(r"[（(][^（）()]*[）)]$", "", title).removeprefix("中华人民共和国")  # …规定（试行）
        if bare.endswith(ending) and _is_subsequence(name, bare):
            keys.add(key)
    return next(iter(keys)) if len(keys) == 1 else None


def _to_unit(r: Sequence[object]) -> SearchUnit:
    uid, kind, law_key, title, label, article_no, jur, eff, exp, text = r
    return SearchUnit(
        unit_id=str(uid),
        kind=DocKind(str(kind)),
        law_key=str(law_key) if law_key is not None else None,
        title=str(title),
        label=str(label),
        article_no=int(str(article_no)) if article_no is not None else None,
        jurisdiction=str(jur) if jur is not None else None,
        effective=date.fromisoformat(str(eff)) if eff else None,
        expired=date.fromisoformat(str(exp)) if exp else None,
        text=str(text),
    )
