"""The package's shape: the library never imports the command line, modules stay small."""

import ast
import functools
import os

import rojas

PACKAGE = os.path.dirname(rojas.__file__)


def _modules():
    for root, _, files in os.walk(PACKAGE):
        for f in files:
            if f.endswith(".py"):
                path = os.path.join(root, f)
                rel = os.path.relpath(path, os.path.dirname(PACKAGE))
                yield rel[:-3].replace(os.sep, ".").removesuffix(".__init__"), path


@functools.lru_cache(maxsize=None)
def _tree(path):
    """The module's syntax tree, parsed once for all the checks below."""
    with open(path, encoding="utf-8") as fh:
        return ast.parse(fh.read())


def _imports(module, path):
    """Every module `module` imports, at the top or inside a function, as absolute names."""
    tree = _tree(path)
    package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            yield target
            yield from (f"{target}.{a.name}" for a in node.names)


def test_no_library_module_imports_the_command_line():
    offenders = []
    for module, path in _modules():
        if module == "rojas.cli" or module.startswith("rojas.cli.") or module == "rojas.__main__":
            continue
        for target in _imports(module, path):
            if target == "rojas.cli" or target.startswith("rojas.cli."):
                offenders.append(f"{module} imports {target}")
    assert offenders == []


def test_the_walker_sees_function_local_imports(tmp_path):
    # The test above is only as good as its walker: a function-local relative import must be found.
    path = tmp_path / "mod.py"
    path.write_text("def f():\n    from ..cli import main\n")
    assert "rojas.cli.main" in set(_imports("rojas.sub.mod", str(path)))


def test_the_package_has_no_import_circle():
    # Every import counts, function-local ones too: a module that reaches back to one that
    # (indirectly) imports it is a circle, even when Python tolerates it at run time.
    import networkx as nx

    modules = dict(_modules())
    G = nx.DiGraph()
    for module, path in modules.items():
        for target in _imports(module, path):
            parts = target.split(".")
            while parts and ".".join(parts) not in modules:
                parts.pop()
            name = ".".join(parts)
            # a package's __init__ reaching into its own modules is how packages re-export
            if parts and name != module and not name.startswith(module + ".") and not module.startswith(name + "."):
                G.add_edge(module, name)
    circles = [sorted(c) for c in nx.strongly_connected_components(G) if len(c) > 1]
    assert circles == []


def _lines(path):
    with open(path, encoding="utf-8") as fh:
        return sum(1 for _ in fh)


def test_no_module_is_over_400_lines():
    long = {m: n for m, path in _modules() if (n := _lines(path)) > 400}
    assert long == {}


def _other_sources():
    """The package's scripts, styles and pages, and the benchmark scripts: one idea a file too."""
    for root, _, files in os.walk(PACKAGE):
        for f in files:
            if f.endswith((".js", ".css", ".html")):
                yield os.path.join(root, f)
    bench = os.path.join(os.path.dirname(PACKAGE), "benchmarks")
    if os.path.isdir(bench):
        yield from (os.path.join(bench, f) for f in os.listdir(bench) if f.endswith(".py"))


def test_no_script_style_page_or_benchmark_is_over_400_lines():
    root = os.path.dirname(PACKAGE)
    sources = list(_other_sources())
    # the walk must see the explorer's assets, or the check below passes vacuously
    assert {"page.html", "explorer.css"} <= {os.path.basename(p) for p in sources}
    long = {os.path.relpath(p, root): n for p in sources if (n := _lines(p)) > 400}
    assert long == {}


# The domains, lowest first: a module may import its own subpackage and the ones below it, never one
# beside or above it. The README's architecture section draws the same order.
LAYERS = [
    ("errors",),
    ("utils",),
    ("network",),
    ("engine",),
    ("proof", "checking", "importers"),
    ("learning", "architectures"),
    ("drawing",),
    ("explorer",),
    ("cli",),
    ("__main__",),
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def _domain(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def test_every_domain_has_a_rank():
    domains = {_domain(m) for m, _ in _modules()} - {None}
    assert domains <= set(RANK), domains - set(RANK)


def test_no_import_runs_back_up_the_layers():
    offenders = []
    for module, path in _modules():
        here = _domain(module)
        if here is None:  # rojas/__init__.py re-exports the public API from every domain
            continue
        for target in _imports(module, path):
            if not target.startswith("rojas."):
                continue
            there = _domain(target)
            if there in RANK and there != here and RANK[there] >= RANK[here]:
                offenders.append(f"{module} imports {target}")
    assert sorted(set(offenders)) == []


def test_the_top_level_holds_the_domains_only():
    entries = sorted(e for e in os.listdir(PACKAGE) if e != "__pycache__" and not e.startswith("."))
    files = [e for e in entries if e.endswith(".py")]
    assert files == ["__init__.py", "__main__.py", "errors.py"]
    assert len(entries) <= 14


# --------------------------------------------------------------------------- private attributes
def _private(names):
    return {n for n in names if n.startswith("_") and not n.startswith("__") and not n.startswith("_repr_")}


def _networkx_private_names():
    """Every private attribute of a DiGraph and of the views it hands out, as NetworkX itself has them."""
    import networkx as nx

    G = nx.DiGraph([(0, 1)])
    objects = [G, G.nodes, G.edges, G.adj, G.succ, G.pred, G.adj[0], G.in_edges, G.out_edges, G.degree,
               nx.subgraph_view(G), nx.reverse_view(G)]
    return set().union(*(_private(dir(o)) for o in objects))


def _network_private_names():
    from rojas.network.model import Network

    net = Network().add_input("x").add_unit("y", "tanh").add_edge("x", "y", weight=0.5)
    net.graph, net.validate()  # the lazily made attributes too
    return _private(set(dir(Network)) | set(vars(net)))


def _private_uses(tree, names):
    """``(line, text)`` of every ``obj._name`` (obj not self or cls) and ``getattr(obj, "_name")`` in `tree`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in names:
            if not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                yield node.lineno, ast.unparse(node)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in ("getattr", "setattr", "hasattr", "delattr") and len(node.args) >= 2
              and isinstance(node.args[1], ast.Constant) and node.args[1].value in names):
            yield node.lineno, ast.unparse(node)


def test_no_module_touches_networkx_or_network_internals():
    nx_names, net_names = _networkx_private_names(), _network_private_names()
    assert {"_node", "_adj", "_succ", "_pred"} <= nx_names and {"_ids", "_w", "_take"} <= net_names
    owner = os.path.join(PACKAGE, "network", "model.py")
    offenders = []
    for module, path in _modules():
        tree = _tree(path)
        names = nx_names if path == owner else nx_names | net_names
        offenders += [f"{module}:{line}: {text}" for line, text in _private_uses(tree, names)]
    assert offenders == []


def test_the_private_attribute_walker_sees_assignments_reads_and_getattr():
    tree = ast.parse("G._succ = {}\nx = net._plan\ny = getattr(net, '_w')\nself._own = 1\n")
    found = [text for _, text in _private_uses(tree, {"_succ", "_plan", "_w", "_own"})]
    assert found == ["G._succ", "net._plan", "getattr(net, '_w')"]


def test_the_one_formatter_is_not_copied_under_another_name():
    """Review fault: ``checking.report.text_table`` was ``utils.formatting.table`` under a second name, a
    second spelling of the one table writer.  No module binds a formatter function to another name
    (``x = table``, ``from ..utils.formatting import table as x``)."""
    from rojas.utils import formatting

    names = {n for n in formatting.__all__ if callable(getattr(formatting, n))}
    assert {"fmt", "table", "factor"} <= names
    copies = []
    for module, path in _modules():
        if module == "rojas.utils.formatting":
            continue
        tree = _tree(path)
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id in names:
                copies += [f"{module}: {t.id} = {node.value.id}" for t in node.targets if isinstance(t, ast.Name)]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").endswith("formatting"):
                copies += [f"{module}: {a.name} as {a.asname}" for a in node.names
                           if a.name in names and a.asname and a.asname != a.name]
    assert copies == []


def _formats_one_number(expr):
    """Whether `expr` is a number put to text by a format spec of its own, and nothing else:
    ``f"{v:.9f}"``, ``f"{v:.9f}".replace("-", "−")``, ``format(v, ".3g")``, ``"%.4f" % v``."""
    while (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute)
           and expr.func.attr in ("replace", "strip", "rstrip", "lstrip")):
        expr = expr.func.value  # a minus sign swapped in afterwards is still the same copy
    if isinstance(expr, ast.JoinedStr):
        return (len(expr.values) == 1 and isinstance(expr.values[0], ast.FormattedValue)
                and expr.values[0].format_spec is not None)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "format":
        return len(expr.args) == 2
    return (isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod) and isinstance(expr.left, ast.Constant)
            and isinstance(expr.left.value, str) and expr.left.value.startswith("%"))


def test_no_module_writes_a_number_formatter_of_its_own():
    """Review fault: ``learning.explain.number`` returned ``f"{value:.9f}".replace("-", "−")``, a second number
    formatter beside ``fmt`` that the name check above cannot see.  No function outside
    ``utils.formatting`` returns a number formatted by its own spec (``fmt(value, decimals=9)`` does that)."""
    found = []
    for module, path in _modules():
        if module == "rojas.utils.formatting":
            continue
        tree = _tree(path)
        for fn in ast.walk(tree):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                body = [fn.body] if isinstance(fn, ast.Lambda) else [r.value for r in ast.walk(fn)
                                                                     if isinstance(r, ast.Return) and r.value]
                found += [f"{module}: {getattr(fn, 'name', 'lambda')}" for e in body if _formats_one_number(e)]
    assert found == []
