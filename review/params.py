"""Legal parameters as dated data, looked up "in force on date D" (the way OpenFisca keeps legislation).

`review/data/parameters.yaml` holds every number the checks use (5 working days, 90 days, 200/3000 yuan,
60 days, 6 months …), each value with the date it took effect and its legal reference. The loader is
strict: an unknown field, a missing reference or unordered dates fail at load time.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

PARAMETERS_FILE = Path(__file__).with_name("data") / "parameters.yaml"


class ParameterError(Exception):
    """Base of parameter errors."""


class ParameterNotFoundError(ParameterError):
    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"没有名为“{key}”的法定参数：请检查 review/data/parameters.yaml。")


class ParameterNotInForceError(ParameterError):
    def __init__(self, key: str, day: date, first: date) -> None:
        self.key, self.day, self.first = key, day, first
        super().__init__(f"法定参数“{key}”在{day.isoformat()}尚无取值（最早自{first.isoformat()}起）：该日的规定未收录，需人工核实。")


class ParameterValue(BaseModel):
    """One dated value of a parameter and where the law says it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    since: date = Field(description="First day the value applies.")
    value: int | float = Field(description="The number.")
    law: str = Field(description="Full title of the law that fixes it.")
    article: int = Field(description="Article number.")
    paragraph: int | None = Field(default=None, description="款, when the value sits in one.")
    item: int | None = Field(default=None, description="项, when the value sits in one.")
    note: str | None = Field(default=None, description="Remark, e.g. that the old text is not in the corpus.")

    @property
    def reference(self) -> str:
        from corpus.citations import format_citation

        return format_citation(self.law, self.article, 0, self.paragraph, self.item)


class Parameter(BaseModel):
    """A parameter with its history."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(description="Parameter key.")
    description: str = Field(description="What the law says, in Chinese.")
    unit: str = Field(description="days | working_days | months | years | yuan | persons.")
    values: tuple[ParameterValue, ...] = Field(min_length=1, description="Values, oldest first.")

    def at(self, day: date) -> ParameterValue:
        current = None
        for v in self.values:
            if v.since <= day:
                current = v
        if current is None:
            raise ParameterNotInForceError(self.key, day, self.values[0].since)
        return current


def load_parameters(path: Path = PARAMETERS_FILE) -> dict[str, Parameter]:
    """Strict loader: any malformed entry fails with the key named."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ParameterError(f"{path.name}：顶层应为映射（参数名: 定义）。")
    out: dict[str, Parameter] = {}
    for key, body in raw.items():
        try:
            param = Parameter.model_validate({"key": key, **body})
        except (ValidationError, TypeError) as e:
            raise ParameterError(f"{path.name}：参数“{key}”格式错误：{e}") from e
        dates = [v.since for v in param.values]
        if dates != sorted(dates) or len(set(dates)) != len(dates):
            raise ParameterError(f"{path.name}：参数“{key}”的 since 日期须严格递增。")
        out[str(key)] = param
    return out


@cache
def _default() -> dict[str, Parameter]:
    return load_parameters()


def param(key: str, day: date) -> ParameterValue:
    """The value of parameter `key` in force on `day`."""
    params = _default()
    if key not in params:
        raise ParameterNotFoundError(key)
    return params[key].at(day)
