"""fashen: prompts — Jinja2 templates (opinion documents, LLM prompts) and their environment."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATES_DIR: Path = Path(__file__).resolve().parent


def _autoescape(template_name: str | None) -> bool:
    """Escape only HTML templates (`x.html.j2`, `x.html`): Markdown and prompt text must stay verbatim."""
    if template_name is None:
        return False
    return template_name.removesuffix(".j2").endswith((".html", ".htm"))


def jinja_env(templates_dir: Path | None = None) -> Environment:
    """Environment for the templates in `templates_dir` (default: this package).

    StrictUndefined: a misspelt or missing variable raises instead of rendering an empty string, which in
    a legal document would silently drop a fact. Blocks are trimmed so templates can be laid out readably.
    """
    return Environment(
        loader=FileSystemLoader(str(templates_dir or TEMPLATES_DIR)),
        undefined=StrictUndefined,
        autoescape=_autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
