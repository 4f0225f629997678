"""Deployment defects found in review (issue 9.5), each checked on CPU with tiny weights.

Run from the workspace root: python -m pytest tests/test_standin_deploy.py -q
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "testing"))
sys.path.insert(0, str(ROOT))

import flux_pipeline as fp  # noqa: E402
from triton_harness import MODEL_NAMES, Repository, load_config, tiny_parameters  # noqa: E402


@pytest.mark.parametrize("version, keyword", [
    ("4.44.2", "torch_dtype"), ("4.55.4", "torch_dtype"), ("4.56.0", "dtype"),
    ("4.57.0.dev0", "dtype"), ("5.18.0", "dtype")])
def test_from_pretrained_dtype_keyword_follows_the_transformers_version(version, keyword):
    assert fp.pretrained_dtype_kwargs(torch.bfloat16, version) == {keyword: torch.bfloat16}


def test_text_encoders_load_from_hugging_face_folders_in_the_requested_dtype(tmp_path):
    # The non-tiny path of load_clip/load_t5 with the installed transformers: save the tiny
    # encoders in Hugging Face format under the real folder names, load them back as bf16.
    tiny = fp.build_tiny_pipeline(0, "schnell")
    tiny.clip.save_pretrained(tmp_path / "text_encoder")
    tiny.t5.save_pretrained(tmp_path / "text_encoder_2")
    ids = torch.arange(8)[None]
    for load, module in ((fp.load_clip, tiny.clip), (fp.load_t5, tiny.t5)):
        loaded = load(tmp_path, torch.bfloat16)
        assert {p.dtype for p in loaded.parameters()} == {torch.bfloat16}
        expected = module(input_ids=ids).last_hidden_state
        got = loaded(input_ids=ids).last_hidden_state.float()
        assert torch.allclose(got, expected, atol=0.1), load.__name__


def test_t5_in_float16_is_refused_at_load_with_the_reason():
    parameters = dict(tiny_parameters("schnell"), dtype="float16")
    with pytest.raises(ValueError, match=r"t5_encoder: parameter 'dtype' is 'float16'.*bfloat16"):
        Repository(ROOT / "triton_models", parameters, models=["t5_encoder"])


def test_every_instance_group_names_its_gpu():
    # Without `gpus`, Triton puts one instance of every model on every visible GPU.
    for name in MODEL_NAMES:
        groups = load_config(ROOT / "triton_models" / name)["instance_group"]
        assert groups and all(g["kind"] == "KIND_GPU" and g.get("gpus") == [0] for g in groups), name


LOAD_ALL = """
import json, sys
sys.path.insert(0, sys.argv[1])
from triton_harness import Repository
repo = Repository(sys.argv[2], json.loads(sys.argv[3]))
repo.close()
print("loaded", sorted(repo.path.iterdir()))
"""


def test_loading_a_standalone_repository_writes_no_pycache(tmp_path):
    # The standalone layout of docs/deployment.md: the shared modules copied into the model
    # repository. A __pycache__/ there is a directory Triton would try to load as a model.
    repository = tmp_path / "triton_models"
    shutil.copytree(ROOT / "triton_models", repository,
                    ignore=shutil.ignore_patterns("__pycache__"))
    for shared in ("flux_pipeline.py", "triton_model_utils.py"):
        shutil.copy(ROOT / shared, repository / shared)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    # A fresh interpreter, so the shared modules are imported from the repository itself.
    subprocess.run([sys.executable, "-c", LOAD_ALL, str(ROOT / "testing"), str(repository),
                    json.dumps(tiny_parameters("schnell"))], check=True, env=env, cwd=tmp_path)
    assert sorted(p.name for p in repository.rglob("__pycache__")) == []
