"""Reference for onnx-dropout-seed.test.ts (python3-onnx).
make OUT: writes a model with a Dropout carrying seed=99 in the main graph and an unseeded Dropout
inside an If branch.  check ORIG EDITED SEED: prints JSON with the seeds of every Dropout node in the
edited file and whether the models are otherwise identical (seed attributes removed on both sides)."""
import json
import sys

import onnx
from onnx import TensorProto, helper


def make(out):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])
    c = helper.make_tensor_value_info("c", TensorProto.BOOL, [])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])
    ratio = helper.make_tensor("ratio", TensorProto.FLOAT, [], [0.5])
    train = helper.make_tensor("train", TensorProto.BOOL, [], [True])
    d1 = helper.make_node("Dropout", ["x", "ratio", "train"], ["h"], name="top", seed=99)
    then_out = helper.make_tensor_value_info("t", TensorProto.FLOAT, [2, 3])
    then_g = helper.make_graph(
        [helper.make_node("Dropout", ["h", "ratio", "train"], ["t"], name="inner")], "then", [], [then_out])
    else_out = helper.make_tensor_value_info("e", TensorProto.FLOAT, [2, 3])
    else_g = helper.make_graph([helper.make_node("Identity", ["h"], ["e"], name="id")], "else", [], [else_out])
    iff = helper.make_node("If", ["c"], ["y"], name="branch", then_branch=then_g, else_branch=else_g)
    g = helper.make_graph([d1, iff], "g", [x, c], [y], initializer=[ratio, train])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="ai4eo-test")
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, out)


def dropouts(graph, acc):
    for n in graph.node:
        if n.op_type == "Dropout":
            acc.append({"name": n.name, "seeds": [a.i for a in n.attribute if a.name == "seed"]})
        for a in n.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                dropouts(a.g, acc)
    return acc


def strip(graph):
    for n in graph.node:
        keep = [a for a in n.attribute if not (n.op_type == "Dropout" and a.name == "seed")]
        del n.attribute[:]
        n.attribute.extend(keep)
        for a in n.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                strip(a.g)


def check(orig, edited):
    a = onnx.load(orig)
    b = onnx.load(edited)
    onnx.checker.check_model(b)
    found = dropouts(b.graph, [])
    strip(a.graph)
    strip(b.graph)
    print(json.dumps({"dropouts": found, "sameOtherwise": a.SerializeToString() == b.SerializeToString()}))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        check(sys.argv[2], sys.argv[3])
