#!/usr/bin/env python3
"""make_corpus.py - fuzzing seeds from the test models.

    make_corpus.py OUT_DIR FILE...

Each FILE is an .onnxtxt test (split-file parts "#--- NAME.onnxtxt" are
models of their own) or a binary .onnx. Every model that ONNX's parser
accepts is written to OUT_DIR as binary protobuf (NAME.onnx) and, for text
models, also as text (NAME.onnxtxt); models that do not parse (error tests)
are kept as text only. Names are made unique from the source path (relative
to the repository, so no name starts with a dot).
"""
import os
import re
import sys

import onnx
import onnx.parser


def parts(path):
    """Yields (name, text) for each model in an .onnxtxt test file."""
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    chunks = re.split(r"^#--- (\S+)\n", text, flags=re.M)
    if len(chunks) == 1:
        yield "", text
        return
    for name, body in zip(chunks[1::2], chunks[2::2]):
        if name.endswith(".onnxtxt"):
            yield name[: -len(".onnxtxt")], body


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    out, files = sys.argv[1], sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    written = 0
    for path in files:
        base = re.sub(r"[^A-Za-z0-9_.-]", "_", os.path.relpath(path, ROOT))
        if path.endswith(".onnx"):
            with open(path, "rb") as src, open(
                os.path.join(out, base), "wb"
            ) as dst:
                dst.write(src.read())
            written += 1
            continue
        for name, text in parts(path):
            stem = base + ("-" + name if name else "")
            # Comment and RUN lines are not part of the model.
            model_text = "\n".join(
                line for line in text.splitlines() if not line.startswith("#")
            )
            with open(os.path.join(out, stem + ".onnxtxt"), "w") as f:
                f.write(model_text)
            written += 1
            try:
                model = onnx.parser.parse_model(model_text)
            except Exception:  # an error test: text only
                continue
            with open(os.path.join(out, stem + ".onnx"), "wb") as f:
                f.write(model.SerializeToString())
            written += 1
    print(f"make_corpus.py: {written} seeds in {out}")


if __name__ == "__main__":
    main()
