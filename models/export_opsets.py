#!/usr/bin/env python3
"""Re-exports zoo models at several ONNX opsets with Debian's torch, for checking the importer's per-node version table
on real exporter output (not part of CI: it needs torch).

Usage: python3 models/export_opsets.py OUT_DIR [model ...]
Then, for each file: ann2snn ann OUT_DIR/<model>_op<N>.onnx --data mnist --json   (the count must equal results.json's)
"""
import pathlib
import sys

import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import train  # noqa: E402

OPSETS = [7, 9, 11, 13, 17]


def main() -> int:
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    names = sys.argv[2:] or [n for n in train.ZOO if train.ZOO[n][1] == "mnist"]
    for name in names:
        model = train.ZOO[name][0]()
        train.load_from_onnx(model, train.MODELS / f"{name}.onnx")
        model.eval()
        shape = train.INPUTS[train.input_kind(name)][1]
        for opset in OPSETS:
            path = out / f"{name}_op{opset}.onnx"
            # BatchNormalization is kept in the graph from opset 9 on; the opset-7 export folds it (eval mode).
            mode = torch.onnx.TrainingMode.PRESERVE if opset >= 9 else torch.onnx.TrainingMode.EVAL
            torch.onnx.export(model, torch.zeros(*shape), str(path), opset_version=opset, input_names=["input"],
                              output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                              training=mode, do_constant_folding=False)
            print(path, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
