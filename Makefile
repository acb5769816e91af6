# fashen — `make demo` and `make test` each create/refresh .venv and install what they need.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
CASES ?= ../shared/cases/examples

.PHONY: install demo test lint unit bench eval clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# CPU build of torch first, so that nothing later pulls a CUDA build.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/fashen corpus build
	$(VENV)/bin/fashen article 行政处罚法 63 -p 1
	$(VENV)/bin/fashen article 行政复议法 9 --date 2023-06-01
	$(VENV)/bin/fashen cite "依据《中华人民共和国行政处罚法》第六十三条第一款第（一）项、第六十四条，以及《北京市生活垃圾管理条例》第九十九条" --date 2025-06-01
	$(VENV)/bin/fashen search "饭店把泔水交给没有资质的个人拉走" -k 3 --mode bm25
	$(VENV)/bin/fashen selfcheck $(CASES)/ex07-yejianshigong.yaml
	$(VENV)/bin/fashen review $(CASES)/ex07-yejianshigong.yaml --format md -o out/ex07.法制审核意见书.md
	$(VENV)/bin/fashen review $(CASES)/ex07-yejianshigong.yaml --format docx -o out/ex07.法制审核意见书.docx
	$(VENV)/bin/fashen review $(CASES)
	@echo "意见书草稿已写入 out/（须经审核人核对、修改并签署）。"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy corpus review

unit: install
	$(VENV)/bin/pytest -q

test: lint unit

bench: install
	$(VENV)/bin/fashen bench

eval: install
	$(VENV)/bin/fashen eval retrieval

clean:
	rm -rf .fashen .pytest_cache .mypy_cache .ruff_cache
