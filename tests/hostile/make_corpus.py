"""Write the hostile-input corpus of tests/test_hostile.py into this folder (run from anywhere).

Every file is small and deterministic; rerun after changing a case and commit the output.
Files too large to keep (a 200,000-step sequence, a file over the size limit) are made
by the tests themselves.
"""

import copy
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def base():
    """The small network of these cases and tests/test_errors.py: x1, x2 -> h -> y, one tied param."""
    return {"directed": True, "multigraph": False,
            "graph": {"name": "small", "params": {"p": 0.5}},
            "nodes": [{"id": "x1", "fn": "input"}, {"id": "x2", "fn": "input"},
                      {"id": "h", "fn": "sigmoid", "bias": 0.1}, {"id": "y", "fn": "sigmoid"}],
            "edges": [{"source": "x1", "target": "h", "weight": 0.3, "name": "w1"},
                      {"source": "x2", "target": "h", "param": "p", "name": "w2"},
                      {"source": "h", "target": "y", "weight": -0.7, "name": "w3"}]}


def edited(change):
    d = copy.deepcopy(base())
    change(d)
    return d


def with_fn(fn, primitives):
    def change(d):
        d["graph"]["primitives"] = primitives
        d["nodes"][2]["fn"] = fn
    return edited(change)


def chain_net(n, fn="tanh", complete=False):
    """x -> u1 -> u2 -> ... -> un (complete: every earlier unit feeds every later one)."""
    nodes = [{"id": "x", "fn": "input"}] + [{"id": f"u{i}", "fn": fn} for i in range(1, n + 1)]
    edges = [{"source": "x", "target": "u1", "weight": 0.9, "name": "w0"}]
    for j in range(2, n + 1):
        sources = range(1, j) if complete else [j - 1]
        edges += [{"source": f"u{i}", "target": f"u{j}", "weight": 0.9 / (j - i), "name": f"w{i}_{j}"}
                  for i in sources]
    return {"directed": True, "multigraph": False, "graph": {"name": f"{n} {fn} units"},
            "nodes": nodes, "edges": edges}


def files():
    out = {}
    out["base.json"] = base()
    out["base.data.json"] = {"inputs": {"x1": 0.5, "x2": -1.0}, "targets": {"y": 0.2}}
    out["rnn.json"] = {"directed": True, "multigraph": False, "graph": {"name": "one recurrent unit"},
                       "nodes": [{"id": "x", "fn": "input"}, {"id": "h", "fn": "tanh", "bias": 0.1}],
                       "edges": [{"source": "x", "target": "h", "weight": 0.8, "name": "u"},
                                 {"source": "h", "target": "h", "weight": 0.5, "name": "w", "delay": 1}]}
    # A linear unit: E = ½(3w)², so gradient descent with γ = 10 multiplies w by −89 each epoch.
    out["linear.json"] = {"directed": True, "multigraph": False, "graph": {"name": "one linear unit"},
                          "nodes": [{"id": "x", "fn": "input"}, {"id": "y", "fn": "identity"}],
                          "edges": [{"source": "x", "target": "y", "weight": 1.0, "name": "w"}]}
    out["linear.data.json"] = {"inputs": {"x": 3.0}, "targets": {"y": 0.0}}
    out["seq.data.json"] = {"inputs": {"x": [1.0, 0.5, -0.5]}, "initial": {"h": 0.0},
                            "targets": {"h": [0.5, 0.5, 0.0]}}
    # p_k = p_{k-1}(s) + p_{k-1}(s): 2^39 evaluations unless equal calls are evaluated once
    prims = {"p0": {"f": "sin(s)", "df": "cos(s)"}}
    for k in range(1, 40):
        prims[f"p{k}"] = {"f": f"p{k - 1}(s)+p{k - 1}(s)", "df": f"2*p{k - 1}(s)/sin(s)*cos(s)"}
    out["prim_doubling.json"] = with_fn("p39", prims)
    # the same with different arguments: genuinely exponential, refused at load
    prims = {"p0": {"f": "sin(s)", "df": "cos(s)"}}
    for k in range(1, 40):
        prims[f"p{k}"] = {"f": f"p{k - 1}(s)+p{k - 1}(2*s)", "df": "1"}
    out["prim_exponential.json"] = with_fn("p39", prims)
    # 30 primitives, each nesting sin( 60 deep around the previous one
    prims = {"p0": {"f": "s", "df": "1"}}
    for k in range(1, 31):
        prims[f"p{k}"] = {"f": "sin(" * 60 + f"p{k - 1}(s)" + ")" * 60, "df": "1"}
    out["prim_nest60.json"] = with_fn("p30", prims)
    for n in (1100, 3000):  # plain chains of primitives
        prims = {"p0": {"f": "tanh(s)", "df": "1-tanh(s)**2"}}
        for k in range(1, n):
            prims[f"p{k}"] = {"f": f"p{k - 1}(s)", "df": f"1-p{k - 1}(s)**2"}
        out[f"prim_chain{n}.json"] = with_fn(f"p{n - 1}", prims)
    out["prim_bigint.json"] = with_fn("m", {"m": {"f": "s + " + "7" * 400, "df": "1"}})
    out["prim_rational_power.json"] = with_fn("m", {"m": {"f": "s + (1/10)**(10**9)", "df": "1"}})
    # exact integers past a float64's range: the SymPy backend takes them as Floats, so no printer meets
    # a 125,000-digit rational (a plain ValueError from Python's integer-to-text limit, until it did)
    out["prim_power_tower.json"] = with_fn("m", {"m": {"f": "s + 1/((((3**64)**64)**64)**64)", "df": "1"}})
    out["prim_big_product.json"] = with_fn("m", {"m": {"f": "s + 1/((3**64)**64 * (3**64)**64 * (3**64)**64)",
                                                       "df": "1"}})
    out["param_list.json"] = edited(lambda d: d["edges"][1].update(param=["p"]))
    out["param_dict.json"] = edited(lambda d: d["edges"][1].update(param={"p": 1}))
    out["surrogate_id.json"] = edited(lambda d: (d["nodes"][2].update(id="h\ud800"),
                                                 d["edges"][0].update(target="h\ud800"),
                                                 d["edges"][1].update(target="h\ud800"),
                                                 d["edges"][2].update(source="h\ud800")))
    out["control_id.json"] = edited(lambda d: (d["nodes"][2].update(id="h\nrojas: error: fake\x1b[31m"),
                                               [e.update({k: "h\nrojas: error: fake\x1b[31m"})
                                                for e in d["edges"] for k in ("source", "target")
                                                if e[k] == "h"]))
    out["int_and_str_ids.json"] = edited(lambda d: (d["nodes"].append({"id": 1, "fn": "sigmoid"}),
                                                    d["nodes"].append({"id": "1", "fn": "sigmoid"}),
                                                    d["edges"].append({"source": "h", "target": 1, "weight": 1}),
                                                    d["edges"].append({"source": "h", "target": "1",
                                                                       "weight": 1}),
                                                    d["edges"].append({"source": 1, "target": "y", "weight": 1}),
                                                    d["edges"].append({"source": "1", "target": "y",
                                                                       "weight": 1})))
    out["list_id.json"] = edited(lambda d: (d["nodes"].append({"id": [1, 2], "fn": "sigmoid"}),
                                            d["edges"].append({"source": "h", "target": [1, 2], "weight": 1})))
    out["param_named_like_node.json"] = edited(lambda d: (d["graph"]["params"].update(h=0.2),
                                                          d["edges"][0].pop("weight"),
                                                          d["edges"][0].update(param="h")))
    out["node_named_E.json"] = edited(lambda d: (d["nodes"][2].update(id="E"),
                                                 [e.update({k: "E"}) for e in d["edges"]
                                                  for k in ("source", "target") if e[k] == "h"]))
    out["name_not_string.json"] = edited(lambda d: d["graph"].update(name={"a": 5}))
    out["mathtext_id.json"] = edited(lambda d: (d["nodes"][2].update(id="$\\frac{h$"),
                                                [e.update({k: "$\\frac{h$"}) for e in d["edges"]
                                                 for k in ("source", "target") if e[k] == "h"],
                                                d["edges"][2].update(name="$w_3^{$")))
    out["tex_injection.json"] = edited(lambda d: (
        d["nodes"][2].update(id="h}\\immediate\\write18{touch pwned}%"),
        [e.update({k: "h}\\immediate\\write18{touch pwned}%"}) for e in d["edges"]
         for k in ("source", "target") if e[k] == "h"],
        d["edges"][0].update(name="w_1^\\input{/etc/hostname}")))
    out["product_overflow.json"] = {
        "directed": True, "multigraph": False, "graph": {"name": "product near overflow"},
        "nodes": [{"id": "a", "fn": "input"}, {"id": "b", "fn": "input"}, {"id": "c", "fn": "input"},
                  {"id": "p", "fn": "identity", "combine": "product"}],
        "edges": [{"source": "a", "target": "p", "weight": 1.0}, {"source": "b", "target": "p", "weight": 1.0},
                  {"source": "c", "target": "p", "weight": 1.0}]}
    out["product_overflow.data.json"] = {"inputs": {"a": 1e200, "b": 1e200, "c": 1e-300}}
    out["near_overflow.json"] = {
        "directed": True, "multigraph": False, "graph": {"name": "exp near overflow"},
        "nodes": [{"id": "x", "fn": "input"}, {"id": "g", "fn": "exp"}, {"id": "y", "fn": "identity"}],
        "edges": [{"source": "x", "target": "g", "weight": 1.0, "name": "a"},
                  {"source": "g", "target": "y", "weight": 1e-3, "name": "b"}]}
    # e^709.7 ≈ 1.65e308, a hair below the float64 maximum: every label and gradient is finite
    out["near_overflow.data.json"] = {"inputs": {"x": 709.7}}
    out["chain38_tanh.json"] = chain_net(38)
    out["dag20_tanh.json"] = chain_net(20, complete=True)
    out["chain_data.json"] = {"inputs": {"x": 0.5}}
    out.update(round_two())
    return out


def renamed(d, old, new):
    """`d` with node `old` called `new` everywhere."""
    for n in d["nodes"]:
        if n["id"] == old:
            n["id"] = new
    for e in d["edges"]:
        for k in ("source", "target"):
            if e[k] == old:
                e[k] = new
    return d


def round_two():
    """The cases of issue 23 (robustness, round two)."""
    out = {}
    # 1: a tied edge listed before an edge from an earlier node (file order ≠ NetworkX adjacency order)
    out["tied_out_of_order.json"] = {
        "directed": True, "multigraph": False, "graph": {"name": "tied edge out of adjacency order",
                                                          "params": {"p": 0.5}},
        "nodes": [{"id": "x1", "fn": "input"}, {"id": "x2", "fn": "input"}, {"id": "y", "fn": "tanh"}],
        "edges": [{"source": "x2", "target": "y", "weight": 3.0, "name": "b"},
                  {"source": "x1", "target": "y", "param": "p", "name": "a"}]}
    out["tied_out_of_order.data.json"] = {"inputs": {"x1": 0.7, "x2": -0.2}, "targets": {"y": 0.1}}
    # 2: a bias tied to a param, on a unit whose primitive uses abs (not complex-safe)
    out["tied_bias_abs.json"] = {
        "directed": True, "multigraph": False,
        "graph": {"name": "tied bias on abs", "params": {"q": 0.3},
                  "primitives": {"vabs": {"f": "abs(s)", "df": "s/abs(s)"}}},
        "nodes": [{"id": "x", "fn": "input"}, {"id": "h", "fn": "vabs", "bias_param": "q"},
                  {"id": "y", "fn": "identity", "bias_param": "q"}],
        "edges": [{"source": "x", "target": "h", "weight": 0.8, "name": "a"},
                  {"source": "h", "target": "y", "weight": 1.0, "name": "b"}]}
    out["tied_bias_abs.data.json"] = {"inputs": {"x": 0.5}, "targets": {"y": 0.0}}
    # 3: sin at s = 300,000, where the step ∛ε·|s| ≈ 1.8 is larger than sin's curvature scale
    out["sin_far.json"] = {
        "directed": True, "multigraph": False, "graph": {"name": "sin far from 0"},
        "nodes": [{"id": "x", "fn": "input"}, {"id": "h", "fn": "sin"}, {"id": "y", "fn": "identity"}],
        "edges": [{"source": "x", "target": "h", "weight": 1.0, "name": "a"},
                  {"source": "h", "target": "y", "weight": 1.0, "name": "b"}]}
    out["sin_far.data.json"] = {"inputs": {"x": 300000}, "targets": {"y": 0.0}}
    # 5: every label finite, ∂z/∂w1 = 1e150, but o_x·w2 = 1e200·1e200 overflows on the way
    out["path_overflow.json"] = {
        "directed": True, "multigraph": False, "graph": {"name": "finite labels, overflowing partial products"},
        "nodes": [{"id": "x", "fn": "input"}, {"id": "a", "fn": "identity"}, {"id": "b", "fn": "identity"},
                  {"id": "z", "fn": "identity"}],
        "edges": [{"source": "x", "target": "a", "weight": 1e-250, "name": "w1"},
                  {"source": "a", "target": "b", "weight": 1e200, "name": "w2"},
                  {"source": "b", "target": "z", "weight": 1e-250, "name": "w3"}]}
    out["path_overflow.data.json"] = {"inputs": {"x": 1e200}}
    # 8: a plain number beside a batch list
    out["mixed_batch.data.json"] = {"inputs": {"x1": [1, 2], "x2": 3}, "targets": {"y": [0.2, 0.3]}}
    # 9: a batch whose o_i·∂s/∂t·δ_j overflows left to right (1e200·1e150 before 1e-100), finite in truth
    out["product_term_overflow.json"] = {
        "directed": True, "multigraph": False, "graph": {"name": "a product term that overflows on the way"},
        "nodes": [{"id": "a", "fn": "input"}, {"id": "b", "fn": "input"},
                  {"id": "p", "fn": "identity", "combine": "product"}, {"id": "z", "fn": "identity"}],
        "edges": [{"source": "a", "target": "p", "weight": 1e-300, "name": "wa"},
                  {"source": "b", "target": "p", "weight": 1.0, "name": "wb"},
                  {"source": "p", "target": "z", "weight": 1e-100, "name": "wz"}]}
    out["product_term_overflow.data.json"] = {"inputs": {"a": [1e200, 1.0], "b": [1e150, 1.0]}}
    # 10, 11: a 4,817-digit hexadecimal literal; a constant derivative
    out["prim_hex_bigint.json"] = with_fn("m", {"m": {"f": "s + 0x" + "f" * 4000, "df": "1"}})
    out["prim_constant_df.json"] = with_fn("m", {"m": {"f": "s", "df": "1"}})
    # 16: ids and names the reference syntax reads another way
    out["id_arrow.json"] = renamed(base(), "h", "a->b")
    out["id_prefix.json"] = edited(lambda d: (d["nodes"].append({"id": "b:h", "fn": "sigmoid"}),
                                              d["edges"].append({"source": "b:h", "target": "y", "weight": 1.0}),
                                              d["edges"].append({"source": "x1", "target": "b:h", "weight": 1.0})))
    out["edge_name_arrow.json"] = edited(lambda d: d["edges"][0].update(name="h->y"))
    out["param_prefix.json"] = edited(lambda d: (d["graph"]["params"].update({"b:h": 0.2}),
                                                 d["edges"][0].pop("weight"), d["edges"][0].update(param="b:h")))
    # 17: an OSC that sets the terminal's title, and a forged line, in the name and an id
    osc = "h\nrojas: error: fake\x1b]0;pwned\x07"
    out["osc_id.json"] = renamed(edited(lambda d: d["graph"].update(name="small\nrojas: error: fake\x1b]2;x\x07")),
                                 "h", osc)
    rnn = files_rnn()
    rnn["graph"]["name"] = "one recurrent unit\nrojas: error: fake\x1b]2;x\x07"
    out["osc_rnn.json"] = renamed(rnn, "h", osc)
    out["osc_seq.data.json"] = {"inputs": {"x": [1.0, 0.5, -0.5]}, "initial": {osc: 0.0},
                                "targets": {osc: [0.5, 0.5, 0.0]}}
    # 18: a non-ASCII id for pdflatex; "links" beside a different "edges"; 5,000 nested unary minuses
    out["unicode_id.json"] = renamed(edited(lambda d: d["graph"].update(name="Größe σ")), "h", "hé_σ→中")
    out["links_and_edges.json"] = edited(lambda d: d.update(links=d["edges"][:2]))
    out["prim_unary_5000.json"] = with_fn("m", {"m": {"f": "-" * 5000 + "s", "df": "1"}})
    return out


def files_rnn():
    return {"directed": True, "multigraph": False, "graph": {"name": "one recurrent unit"},
            "nodes": [{"id": "x", "fn": "input"}, {"id": "h", "fn": "tanh", "bias": 0.1}],
            "edges": [{"source": "x", "target": "h", "weight": 0.8, "name": "u"},
                      {"source": "h", "target": "h", "weight": 0.5, "name": "w", "delay": 1}]}


RAW = {
    # Files whose point is text json.dumps cannot write: huge integers, NaN in an extra attribute.
    "bigint_weight.json": json.dumps(base()).replace('"weight": -0.7', '"weight": ' + "9" * 5000),
    "bigint_data.json": json.dumps({"inputs": {"x1": "@", "x2": 1}, "targets": {"y": 0.2}})
        .replace('"@"', "1" * 5000),
    "nan_extra.json": json.dumps(edited(lambda d: d["edges"][0].update(color="@"))).replace('"@"', "NaN"),
}


def main():
    for name, obj in files().items():
        with open(os.path.join(HERE, name), "w", encoding="utf-8") as fh:
            json.dump(obj, fh, indent=None if name.startswith("prim_chain") else 1)
            fh.write("\n")
    for name, text in RAW.items():
        with open(os.path.join(HERE, name), "w", encoding="utf-8") as fh:
            fh.write(text + "\n")


if __name__ == "__main__":
    main()
