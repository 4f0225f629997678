#!/usr/bin/env python3
"""Static analysis of Triton python-backend model.py files (stdlib only, never imports them).

Usage: python3 triton_model_check.py FILE [FILE...]
Prints one JSON object: {"version": 1, "files": {FILE: RESULT, ...}}.

RESULT describes what the TypeScript side compares with the model configs:
  syntax_error      {line, col, message} or null (then nothing else is filled in)
  model_class       {line} of class TritonPythonModel, or null
  execute           {line, async} of its execute method, or null
  inputs_read       pb_utils.get_input_tensor_by_name(request, NAME): {name|null, line, col, expr}
  as_numpy          .as_numpy() on a tensor of known origin: {origin: "input"|"output", name, request, line, col}
  tensors           pb_utils.Tensor(NAME, x) / Tensor.from_dlpack(NAME, x):
                    {index, names|null, line, col, via, dtype_hint, request, sources}
                    `request` is the InferenceRequest whose inputs include it (else it is an output
                    of this model); `sources` are BLS outputs its data comes from:
                    {request, output, direct, cast}. direct = only shape-keeping conversions
                    (dlpack, as_numpy, contiguous, device moves); cast = a dtype conversion seen.
  requests          pb_utils.InferenceRequest(...): {index, line, col, model|null, model_expr,
                    requested_outputs|null, inputs_complete}
  response_outputs  pb_utils.get_output_tensor_by_name(resp, NAME): {request|null, name|null, line, col}
  undecidable       names built dynamically: {what, line, col, expr}
A name that cannot be decided is null, never a guess. Names are lists of candidates where a
loop over a constant list makes one call site read several names.
"""
import ast
import json
import sys

PASSTHROUGH_METHODS = {"to_dlpack", "as_numpy", "contiguous", "cpu", "cuda", "detach", "clone", "copy", "numpy"}
CAST_METHODS = {
    "float": "float32", "half": "float16", "bfloat16": "bfloat16", "double": "float64",
    "long": "int64", "int": "int32", "bool": "bool",
}
PASSTHROUGH_FUNCS = {
    "from_dlpack", "to_dlpack", "from_numpy", "asarray", "ascontiguousarray", "array", "as_tensor", "tensor",
}
DTYPE_NAMES = {
    "float32", "float", "float16", "half", "bfloat16", "float64", "double", "int64", "long", "int32", "int",
    "int16", "int8", "uint8", "uint16", "uint32", "uint64", "bool", "bool_", "object_", "bytes_", "object",
}


def dotted(node):
    """`a.b.c` for a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def pos(node):
    return {"line": getattr(node, "lineno", 0), "col": getattr(node, "col_offset", 0) + 1}


def literal_strings(node):
    """A str literal -> [s]; a list/tuple of str literals -> [...]; else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.List, ast.Tuple)):
        out = []
        for elt in node.elts:
            if isinstance(elt, ast.Constant) and isinstance(elt.value, str):
                out.append(elt.value)
            else:
                return None
        return out
    return None


def dtype_of(node):
    """The dtype a `np.float32` / `torch.int64` / "float32" expression names, else None."""
    if isinstance(node, ast.Attribute) and node.attr in DTYPE_NAMES:
        return node.attr
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in DTYPE_NAMES:
        return node.value
    if isinstance(node, ast.Name) and node.id in ("float", "int", "bool", "bytes", "object"):
        return node.id
    return None


def dtype_hint(node):
    """The dtype a tensor-building expression visibly converts to, looking through dlpack wrappers."""
    if not isinstance(node, ast.Call):
        return None
    for kw in node.keywords:
        if kw.arg == "dtype":
            return dtype_of(kw.value)
    func = node.func
    if isinstance(func, ast.Attribute):
        if func.attr == "astype" and node.args:
            return dtype_of(node.args[0])
        if func.attr == "to":
            for arg in node.args:
                d = dtype_of(arg)
                if d:
                    return d
            return dtype_hint(func.value)
        if func.attr in CAST_METHODS and not node.args:
            return CAST_METHODS[func.attr]
        if func.attr in PASSTHROUGH_METHODS:
            return dtype_hint(func.value)
    name = dotted(func) or ""
    if name.split(".")[-1] in PASSTHROUGH_FUNCS and node.args:
        return dtype_hint(node.args[0])
    return None


class FileAnalysis:
    def __init__(self, source, tree):
        self.source = source
        self.tree = tree
        self.pb_aliases = {"pb_utils"}
        self.direct_names = {}  # bare names imported from pb_utils: local -> original
        self.module_consts = {}
        self.class_consts = {}  # attr -> candidates (class-level and self.X literal assignments)
        self.result = {
            "syntax_error": None, "model_class": None, "execute": None, "inputs_read": [], "as_numpy": [],
            "tensors": [], "requests": [], "response_outputs": [], "undecidable": [],
        }

    def text(self, node):
        try:
            seg = ast.get_source_segment(self.source, node)
        except Exception:  # positions can be missing on synthesized nodes
            seg = None
        return (seg or type(node).__name__)[:120]

    # ---- collection of imports and constants ---------------------------------------------
    def collect(self):
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == "triton_python_backend_utils":
                        self.pb_aliases.add(alias.asname or alias.name)
            elif isinstance(node, ast.ImportFrom) and node.module == "triton_python_backend_utils":
                for alias in node.names:
                    self.direct_names[alias.asname or alias.name] = alias.name
        for stmt in self.tree.body:
            self.const_assign(stmt, self.module_consts)
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ClassDef):
                for stmt in node.body:
                    self.const_assign(stmt, self.class_consts)
                if node.name == "TritonPythonModel" and self.result["model_class"] is None:
                    self.result["model_class"] = pos(node)
                    for stmt in node.body:
                        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == "execute":
                            self.result["execute"] = dict(pos(stmt), **{"async": isinstance(stmt, ast.AsyncFunctionDef)})
        # self.X = "literal" anywhere: a constant if every assignment to self.X is a literal.
        self_values, self_dynamic = {}, set()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
                        lit = literal_strings(node.value)
                        if lit is None:
                            self_dynamic.add(target.attr)
                        else:
                            self_values.setdefault(target.attr, []).append(lit)
        for attr, values in self_values.items():
            if attr not in self_dynamic and attr not in self.class_consts:
                if len(values) == 1:
                    self.class_consts[attr] = values[0]

    def const_assign(self, stmt, table):
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            lit = literal_strings(stmt.value)
            if lit is not None:
                table[stmt.targets[0].id] = lit
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            lit = literal_strings(stmt.value)
            if lit is not None:
                table[stmt.target.id] = lit

    def is_pb(self, func, name):
        """Is `func` pb_utils.<name> (or a bare name imported from pb_utils)?"""
        if isinstance(func, ast.Attribute) and func.attr == name:
            return isinstance(func.value, ast.Name) and func.value.id in self.pb_aliases
        if isinstance(func, ast.Name):
            return self.direct_names.get(func.id) == name
        return False

    def is_tensor_ctor(self, func):
        if self.is_pb(func, "Tensor"):
            return "Tensor"
        if isinstance(func, ast.Attribute) and func.attr == "from_dlpack" and self.is_pb(func.value, "Tensor"):
            return "from_dlpack"
        return None

    def run(self):
        self.collect()
        for node in ast.walk(self.tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                FunctionScope(self, node).run()
        return self.result


class FunctionScope:
    """Walks one function's statements in order, tracking what each local variable holds."""

    def __init__(self, fa, fn):
        self.fa = fa
        self.fn = fn
        self.vars = {}  # name -> list of source dicts
        self.var_exprs = {}  # name -> expressions assigned/appended (for inputs-list completeness)
        self.local_consts = {}
        self.tensors_here = []

    # ---- name resolution -----------------------------------------------------------------
    def resolve_str(self, node):
        """Candidate strings an expression can be, or None when it cannot be decided."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.Name):
            # Bare names see locals and module constants; class attributes need self./cls.
            for table in (self.local_consts, self.fa.module_consts):
                if node.id in table:
                    return table[node.id]
            return None
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id in ("self", "cls", "TritonPythonModel") or node.value.id[:1].isupper():
                return self.fa.class_consts.get(node.attr)
        return None

    def resolve_list(self, node):
        """Strings of a list expression (literal, constant, or list of resolvable names)."""
        if isinstance(node, (ast.List, ast.Tuple)):
            out = []
            for elt in node.elts:
                r = self.resolve_str(elt)
                if r is None or len(r) != 1:
                    return None
                out.extend(r)
            return out
        if isinstance(node, ast.Name):
            return self.local_consts.get(node.id, self.fa.module_consts.get(node.id))
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            return self.fa.class_consts.get(node.attr)
        return None

    def undecidable(self, what, node):
        self.fa.result["undecidable"].append(dict(pos(node), what=what, expr=self.fa.text(node)))

    # ---- statements ----------------------------------------------------------------------
    def run(self):
        self.block(self.fn.body)

    def block(self, stmts):
        for stmt in stmts:
            self.stmt(stmt)

    def assign_target(self, target, sources, value):
        if isinstance(target, ast.Name):
            self.vars[target.id] = sources
            self.var_exprs[target.id] = [value]
            lit = self.resolve_list(value) if isinstance(value, (ast.List, ast.Tuple)) else self.resolve_str(value)
            if lit is not None:
                self.local_consts[target.id] = lit
            else:
                self.local_consts.pop(target.id, None)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                self.assign_target(elt, derived(sources), value)
        elif isinstance(target, ast.Attribute):
            key = dotted(target)
            if key:
                self.vars[key] = sources
                self.var_exprs[key] = [value]

    def stmt(self, stmt):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return  # analysed on its own
        if isinstance(stmt, ast.Assign):
            sources = self.eval(stmt.value)
            for target in stmt.targets:
                self.assign_target(target, sources, stmt.value)
        elif isinstance(stmt, ast.AnnAssign):
            if stmt.value is not None:
                self.assign_target(stmt.target, self.eval(stmt.value), stmt.value)
        elif isinstance(stmt, ast.AugAssign):
            sources = self.eval(stmt.value)
            key = dotted(stmt.target)
            if key:
                self.vars[key] = derived(self.vars.get(key, []) + sources)
                self.var_exprs.setdefault(key, []).append(stmt.value)
        elif isinstance(stmt, ast.Expr):
            self.expr_stmt(stmt.value)
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            sources = self.eval(stmt.iter)
            if isinstance(stmt.target, ast.Name):
                consts = self.resolve_list(stmt.iter)
                if consts is not None:
                    self.local_consts[stmt.target.id] = consts
                self.vars[stmt.target.id] = derived(sources)
                self.var_exprs[stmt.target.id] = []
            self.block(stmt.body)
            self.block(stmt.orelse)
        elif isinstance(stmt, ast.While):
            self.eval(stmt.test)
            self.block(stmt.body)
            self.block(stmt.orelse)
        elif isinstance(stmt, ast.If):
            self.eval(stmt.test)
            self.block(stmt.body)
            self.block(stmt.orelse)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                sources = self.eval(item.context_expr)
                if item.optional_vars is not None:
                    self.assign_target(item.optional_vars, sources, item.context_expr)
            self.block(stmt.body)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            self.block(stmt.body)
            for handler in stmt.handlers:
                self.block(handler.body)
            self.block(stmt.orelse)
            self.block(stmt.finalbody)
        elif isinstance(stmt, ast.Return) and stmt.value is not None:
            self.eval(stmt.value)
        elif type(stmt).__name__ == "Match":
            self.eval(stmt.subject)
            for case in stmt.cases:
                self.block(case.body)
        else:
            for child in ast.iter_child_nodes(stmt):
                if isinstance(child, ast.expr):
                    self.eval(child)

    def expr_stmt(self, value):
        # list.append(x) / list.extend(xs) / list.insert(i, x) grow a variable's contents.
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr in ("append", "extend", "insert")
            and dotted(value.func.value)
        ):
            key = dotted(value.func.value)
            added = []
            for arg in value.args:
                added += self.eval(arg)
            item = value.args[-1] if value.args else None
            self.vars[key] = self.vars.get(key, []) + [s for s in added if s["kind"] == "tensor"] + derived(added)
            if item is not None:
                if value.func.attr == "extend":
                    self.var_exprs.setdefault(key, []).append(item)
                else:
                    self.var_exprs.setdefault(key, []).append(ast.List(elts=[item], ctx=ast.Load()))
            return
        self.eval(value)

    # ---- expressions ---------------------------------------------------------------------
    def eval(self, node):
        """Sources of an expression's value; visits every call inside it exactly once."""
        if node is None:
            return []
        if isinstance(node, ast.Name):
            return list(self.vars.get(node.id, []))
        if isinstance(node, ast.Attribute):
            key = dotted(node)
            self.eval(node.value)
            if key and key in self.vars:
                return list(self.vars[key])
            return []
        if isinstance(node, ast.Await):
            return self.eval(node.value)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            out = []
            for elt in node.elts:
                s = self.eval(elt.value if isinstance(elt, ast.Starred) else elt)
                out += [x for x in s if x["kind"] == "tensor"] + derived(s)
            return out
        if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            for gen in node.generators:
                self.eval(gen.iter)
                if isinstance(gen.target, ast.Name):
                    consts = self.resolve_list(gen.iter)
                    if consts is not None:
                        self.local_consts[gen.target.id] = consts
                    self.vars[gen.target.id] = derived(self.vars.get(dotted(gen.iter) or "", []))
                for cond in gen.ifs:
                    self.eval(cond)
            s = self.eval(node.elt)
            return [x for x in s if x["kind"] == "tensor"] + derived(s)
        if isinstance(node, ast.IfExp):
            self.eval(node.test)
            return self.eval(node.body) + self.eval(node.orelse)
        if isinstance(node, ast.NamedExpr):
            s = self.eval(node.value)
            self.assign_target(node.target, s, node.value)
            return s
        if isinstance(node, ast.Lambda):
            return []
        out = []
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                out += self.eval(child)
            elif isinstance(child, ast.keyword):
                out += self.eval(child.value)
            elif isinstance(child, ast.comprehension):
                out += self.eval(child.iter)
        return derived(out)

    def eval_args(self, node, skip=()):
        out = []
        for i, arg in enumerate(node.args):
            if i not in skip:
                out += self.eval(arg.value if isinstance(arg, ast.Starred) else arg)
        for kw in node.keywords:
            if kw.arg not in skip:
                out += self.eval(kw.value)
        return out

    def call(self, node):
        fa = self.fa
        func = node.func
        res = fa.result
        if fa.is_pb(func, "get_input_tensor_by_name"):
            self.eval_args(node, skip=(1,))
            name_node = node.args[1] if len(node.args) > 1 else kwarg(node, "name")
            names = self.resolve_str(name_node) if name_node is not None else None
            if names is None:
                res["inputs_read"].append(dict(pos(node), name=None, expr=fa.text(name_node or node)))
                self.undecidable("input name", name_node or node)
                return [{"kind": "input", "name": None}]
            for n in names:
                res["inputs_read"].append(dict(pos(node), name=n, expr=fa.text(name_node)))
            return [{"kind": "input", "name": n} for n in names]
        if fa.is_pb(func, "InferenceRequest"):
            return self.inference_request(node)
        if fa.is_pb(func, "get_output_tensor_by_name"):
            resp = self.eval(node.args[0]) if node.args else []
            name_node = node.args[1] if len(node.args) > 1 else kwarg(node, "name")
            names = self.resolve_str(name_node) if name_node is not None else None
            reqs = sorted({s["request"] for s in resp if s["kind"] == "response"}) or [None]
            out = []
            if names is None:
                self.undecidable("BLS output name", name_node or node)
            for r in reqs:
                for n in names or [None]:
                    res["response_outputs"].append(dict(pos(node), request=r, name=n))
                    if r is not None and n is not None:
                        out.append({"kind": "output", "request": r, "output": n, "direct": True, "cast": False})
            return out
        via = fa.is_tensor_ctor(func)
        if via:
            return self.tensor(node, via)
        if isinstance(func, ast.Attribute):
            method = func.attr
            if method in ("exec", "async_exec"):
                target = self.eval(func.value)
                self.eval_args(node)
                return [{"kind": "response", "request": s["index"]} for s in target if s["kind"] == "request"]
            if method in PASSTHROUGH_METHODS or method in ("to", "astype", "view") or method in CAST_METHODS:
                target = self.eval(func.value)
                args = self.eval_args(node)
                if method == "as_numpy":
                    for s in target:
                        if s["kind"] == "input":
                            res["as_numpy"].append(dict(pos(node), origin="input", name=s["name"], request=None))
                        elif s["kind"] == "output" and s["direct"]:
                            res["as_numpy"].append(dict(pos(node), origin="output", name=s["output"], request=s["request"]))
                if method == "view":
                    return derived(target)
                casts = method in ("astype",) or method in CAST_METHODS or (method == "to" and dtype_hint(node) is not None)
                keep = [dict(s) for s in target if s["kind"] in ("output", "input")]
                for s in keep:
                    if casts and s["kind"] == "output":
                        s["cast"] = True
                return keep + derived(args)
            target = self.eval(func.value)
            args = self.eval_args(node)
            return derived(target + args)
        name = dotted(func) or ""
        last = name.split(".")[-1]
        if last in PASSTHROUGH_FUNCS and node.args:
            first = self.eval(node.args[0])
            rest = []
            for arg in node.args[1:]:
                rest += self.eval(arg)
            for kw in node.keywords:
                rest += self.eval(kw.value)
            casts = any(kw.arg == "dtype" for kw in node.keywords)
            keep = [dict(s) for s in first if s["kind"] == "output"]
            for s in keep:
                if casts:
                    s["cast"] = True
            return keep + derived(rest)
        self.eval(func)
        return derived(self.eval_args(node))

    def tensor(self, node, via):
        fa = self.fa
        name_node = node.args[0] if node.args else kwarg(node, "name")
        data_node = node.args[1] if len(node.args) > 1 else (kwarg(node, "tensor") or kwarg(node, "value"))
        names = self.resolve_str(name_node) if name_node is not None else None
        data = self.eval(data_node) if data_node is not None else []
        for arg in node.args[2:]:
            self.eval(arg)
        if names is None:
            self.undecidable("tensor name", name_node or node)
        record = dict(
            pos(node),
            index=len(fa.result["tensors"]),
            names=names,
            via=via,
            dtype_hint=dtype_hint(data_node) if data_node is not None else None,
            request=None,
            sources=[
                {"request": s["request"], "output": s["output"], "direct": s["direct"], "cast": s["cast"]}
                for s in data
                if s["kind"] == "output"
            ],
        )
        fa.result["tensors"].append(record)
        return [{"kind": "tensor", "index": record["index"]}]

    def inference_request(self, node):
        fa = self.fa
        index = len(fa.result["requests"])
        model_node = kwarg(node, "model_name")
        outputs_node = kwarg(node, "requested_output_names")
        inputs_node = kwarg(node, "inputs")
        for kw in node.keywords:
            if kw.arg not in ("inputs",):
                self.eval(kw.value)
        for arg in node.args:
            self.eval(arg)
        inputs = self.eval(inputs_node) if inputs_node is not None else []
        model = self.resolve_str(model_node) if model_node is not None else None
        if model is None:
            self.undecidable("BLS model name", model_node or node)
        outputs = self.resolve_list(outputs_node) if outputs_node is not None else []
        if outputs is None:
            self.undecidable("BLS requested output names", outputs_node)
        complete = inputs_node is not None and self.complete_tensor_list(inputs_node, set())
        if not complete:
            self.undecidable("BLS request inputs", inputs_node or node)
        for s in inputs:
            if s["kind"] == "tensor":
                t = fa.result["tensors"][s["index"]]
                if t["request"] is None:
                    t["request"] = index
        fa.result["requests"].append(
            dict(
                pos(node),
                index=index,
                model=model,
                model_expr=fa.text(model_node) if model_node is not None else None,
                requested_outputs=outputs,
                inputs_complete=complete,
            )
        )
        return [{"kind": "request", "index": index}]

    def complete_tensor_list(self, node, seen):
        """True when every element of an inputs list is a traced pb_utils.Tensor."""
        if isinstance(node, (ast.List, ast.Tuple)):
            return all(self.is_traced_tensor(elt, seen) for elt in node.elts)
        key = dotted(node)
        if key and key not in seen and key in self.var_exprs:
            seen = seen | {key}
            return all(self.complete_tensor_list(e, seen) for e in self.var_exprs[key])
        return False

    def is_traced_tensor(self, node, seen):
        if isinstance(node, ast.Call) and self.fa.is_tensor_ctor(node.func):
            return True
        key = dotted(node)
        if key and any(s["kind"] == "tensor" for s in self.vars.get(key, [])):
            return True
        return False


def kwarg(node, name):
    for kw in node.keywords:
        if kw.arg == name:
            return kw.value
    return None


def derived(sources):
    """Sources after arbitrary computation: only BLS outputs survive, no longer direct."""
    out = []
    for s in sources:
        if s["kind"] == "output":
            out.append(dict(s, direct=False))
    return out


def analyse_file(path):
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        source = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return {"syntax_error": {"line": 1, "col": 1, "message": "cannot read file: %s" % err}}
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as err:
        return {"syntax_error": {"line": err.lineno or 1, "col": err.offset or 1, "message": err.msg}}
    except (ValueError, RecursionError) as err:
        return {"syntax_error": {"line": 1, "col": 1, "message": str(err)}}
    try:
        return FileAnalysis(source, tree).run()
    except RecursionError:
        return {"syntax_error": None, "analysis_error": "expression nesting too deep to analyse"}


def main(argv):
    files = {}
    for path in argv[1:]:
        files[path] = analyse_file(path)
    json.dump({"version": 1, "files": files}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
