"""Typed errors of the corpus layer. Messages are in Chinese and say what to do."""

from __future__ import annotations

from datetime import date


class CorpusError(Exception):
    """Base of all corpus errors."""


class CorpusLoadError(CorpusError):
    """A corpus file cannot be loaded: names the file and the line."""

    def __init__(self, file: str, line: int | None, problem: str) -> None:
        self.file = file
        self.line = line
        self.problem = problem
        where = f"{file} 第{line}行" if line else file
        super().__init__(f"语料文件加载失败：{where}：{problem}。请修正该文件后重新执行 `fashen corpus build`。")


class LawNotFoundError(CorpusError):
    """No law of that name is in the corpus."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"语料库中没有《{name}》：该引用无法核验（unverified），请核对法规名称或补充语料。")


class VersionNotInForceError(CorpusError):
    """The law is in the corpus but no version of it is in force on the date."""

    def __init__(self, law_key: str, day: date, versions: list[tuple[date, date | None]]) -> None:
        self.law_key = law_key
        self.day = day
        self.versions = versions
        spans = "；".join(f"{eff.isoformat()}至{exp.isoformat() if exp else '今'}" for eff, exp in versions)
        super().__init__(f"《{law_key}》在{day.isoformat()}没有语料库中的有效版本（已收录版本有效期：{spans}）。")


class StoreNotBuiltError(CorpusError):
    """The SQLite store does not exist yet."""

    def __init__(self, path: str) -> None:
        super().__init__(f"法条库尚未建立（{path}）：请先执行 `fashen corpus build`。")
