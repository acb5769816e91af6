"""Pure core, thin shells: corpus/ and review/ import no web framework, vector store, LLM client or torch."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("fastapi", "starlette", "chromadb", "langchain", "langchain_core", "torch", "sentence_transformers",
             "transformers", "openai", "httpx", "requests", "uvicorn", "retrieval", "api")
CORE_PACKAGES = ("corpus", "review")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", CORE_PACKAGES)
def test_core_packages_import_no_adapters(package: str) -> None:
    offenders = {
        str(p.relative_to(ROOT)): sorted(_imports(p) & set(FORBIDDEN)) for p in (ROOT / package).rglob("*.py")
    }
    offenders = {k: v for k, v in offenders.items() if v}
    assert offenders == {}, f"core modules import adapters: {offenders}"


def test_forbidden_list_catches_an_adapter_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import chromadb\nfrom langchain_core.retrievers import BaseRetriever\n", encoding="utf-8")
    assert _imports(bad) & set(FORBIDDEN) == {"chromadb", "langchain_core"}


def test_importing_the_core_does_not_load_torch() -> None:
    code = (
        "import sys, importlib, pkgutil\n"
        "for pkg in ('corpus', 'review'):\n"
        "    m = importlib.import_module(pkg)\n"
        "    for info in pkgutil.walk_packages(m.__path__, pkg + '.'):\n"
        "        importlib.import_module(info.name)\n"
        "bad = [m for m in ('torch', 'chromadb', 'sentence_transformers', 'fastapi') if m in sys.modules]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
