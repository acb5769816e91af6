"""One way for every CLI command to fail: a Chinese line naming the problem on stderr, exit code 2."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import typer
from rich.console import Console

F = TypeVar("F", bound=Callable[..., Any])

err_console = Console(stderr=True)


def friendly_errors(fn: F) -> F:
    """Turn known errors into a Chinese one-line message and exit code 2, never a traceback."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from corpus.errors import CorpusError
        from review.intake import IntakeError

        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except (IntakeError, CorpusError, ValueError, FileNotFoundError, PermissionError) as e:
            err_console.print(f"[red]错误：[/red]{e}")
            raise typer.Exit(2) from e

    return wrapper  # type: ignore[return-value]
