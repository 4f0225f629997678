"""The five golden model.py files share one bootstrap, copied verbatim (it runs before the
shared modules can be imported, so it cannot live in them), and each carries PEP 723 inline
script metadata so `uv run triton_models/<model>/1/model.py` works where uv exists.

Run from the workspace root: python -m pytest tests/test_standin_bootstrap.py -q
"""

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODELS = ("clip_encoder", "t5_encoder", "dit_transformer", "vae_decoder", "bls")
# The reference regular expression of PEP 723 ("Inline script metadata").
PEP_723 = re.compile(
    r"(?m)^# /// (?P<type>[a-zA-Z0-9-]+)$\s(?P<content>(^#(| .*)$\s)+)^# ///$")


def source(model: str) -> str:
    return (ROOT / "triton_models" / model / "1" / "model.py").read_text()


def function_source(model: str, name: str) -> str:
    text = source(model)
    node = next(n for n in ast.parse(text).body
                if isinstance(n, ast.FunctionDef) and n.name == name)
    return ast.get_source_segment(text, node)


def test_the_bootstrap_is_the_same_in_every_model():
    copies = {model: function_source(model, "import_shared") for model in MODELS}
    reference = copies["clip_encoder"]
    assert "sys.dont_write_bytecode = True" in reference
    assert [m for m, text in copies.items() if text != reference] == []


@pytest.mark.parametrize("model", MODELS)
def test_each_model_declares_pep_723_script_metadata(model):
    blocks = [m for m in PEP_723.finditer(source(model)) if m.group("type") == "script"]
    assert len(blocks) == 1, f"{model}: expected one '# /// script' block"
    toml = "".join(line[2:] if line.startswith("# ") else line[1:]
                   for line in blocks[0].group("content").splitlines(keepends=True))
    metadata = tomllib.loads(toml)
    names = {re.split(r"[<>=!~ \[]", d)[0] for d in metadata["dependencies"]}
    assert {"numpy", "torch", "transformers", "safetensors", "tokenizers"} <= names
    assert metadata["requires-python"].startswith(">=3.")


def test_a_model_file_runs_as_a_script_from_another_directory(tmp_path):
    # What `uv run <path>` does once the environment is there: python runs the file by its
    # path; the self-test must find the workspace from the file's location, not the cwd.
    result = subprocess.run([sys.executable, str(ROOT / "triton_models/vae_decoder/1/model.py")],
                            cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "vae_decoder self-test passed" in result.stdout
