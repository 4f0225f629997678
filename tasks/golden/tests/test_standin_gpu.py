"""The Triton stand-in behaves as Triton's python backend does where GPU code depends on it
(issue 9.3), and the models' DLPack paths run on CPU with simulated device memory.

Run from the workspace root: python -m pytest tests/test_standin_gpu.py -q
The CUDA cases run where a GPU is present (bench/gpu runs these tests on one).
"""

import sys
from pathlib import Path

import numpy as np
import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "testing"))
sys.path.insert(0, str(ROOT))

import flux_pipeline as fp  # noqa: E402
import triton_python_backend_utils as pb_utils  # noqa: E402
from triton_harness import Repository, outputs_of, tiny_parameters  # noqa: E402

GPU_MESSAGE = "Tensor is stored in GPU and cannot be converted to NumPy."
needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(),
                                reason="needs CUDA; bench/gpu runs this file on a GPU")


@pytest.fixture(autouse=True)
def host_memory_after_each_test():
    yield
    pb_utils.simulate_device_memory(False)


def dlpack_tensor(name, tensor):
    return pb_utils.Tensor.from_dlpack(name, torch.utils.dlpack.to_dlpack(tensor))


def test_a_cpu_dlpack_tensor_is_host_memory_shared_with_its_producer():
    source = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    tensor = dlpack_tensor("x", source)
    assert tensor.is_cpu() and tensor.shape() == [2, 3]
    source[0, 0] = 42.0  # the same memory, no copy, both ways
    assert tensor.as_numpy()[0, 0] == 42.0
    assert torch.from_dlpack(tensor.to_dlpack()).data_ptr() == source.data_ptr()


def test_a_bf16_tensor_cannot_become_numpy_as_in_triton():
    tensor = dlpack_tensor("x", torch.ones(2, dtype=torch.bfloat16))
    with pytest.raises(pb_utils.TritonModelException, match="BF16"):
        tensor.as_numpy()


def test_simulated_device_memory_refuses_as_numpy_and_keeps_dlpack_zero_copy():
    pb_utils.simulate_device_memory(True)
    source = torch.ones(4)
    tensor = dlpack_tensor("x", source)
    assert not tensor.is_cpu()
    with pytest.raises(pb_utils.TritonModelException, match=GPU_MESSAGE):
        tensor.as_numpy()
    assert torch.from_dlpack(tensor.to_dlpack()).data_ptr() == source.data_ptr()
    assert pb_utils.Tensor("y", np.ones(2)).is_cpu()  # numpy is always host memory


@needs_cuda
def test_a_cuda_tensor_stays_on_its_device():
    source = torch.ones(3, device="cuda:0")
    tensor = dlpack_tensor("x", source)
    assert not tensor.is_cpu()
    with pytest.raises(pb_utils.TritonModelException, match=GPU_MESSAGE):
        tensor.as_numpy()
    back = torch.from_dlpack(tensor.to_dlpack())
    assert back.device == source.device and back.data_ptr() == source.data_ptr()


@pytest.mark.parametrize("keyword", ["outputs", "preferred_memory_type", "device"])
def test_inference_request_refuses_keywords_triton_does_not_have(keyword):
    with pytest.raises(TypeError, match=keyword):
        pb_utils.InferenceRequest(model_name="m", inputs=[], requested_output_names=[],
                                  **{keyword: 1})


def test_inference_request_takes_triton_keywords_and_refuses_positional_arguments():
    request = pb_utils.InferenceRequest(
        model_name="m", inputs=[], requested_output_names=["y"], request_id="r1",
        correlation_id=7, model_version=-1, flags=0, timeout=0,
        preferred_memory=pb_utils.PreferredMemory(pb_utils.TRITONSERVER_MEMORY_GPU, 0))
    assert request.request_id() == "r1" and request.correlation_id() == 7
    with pytest.raises(TypeError, match="keyword"):
        pb_utils.InferenceRequest("m", [], ["y"])
    with pytest.raises(TypeError):  # model_name, inputs, requested_output_names are required
        pb_utils.InferenceRequest(model_name="m")


def test_the_harness_loads_a_model_as_kind_gpu_on_a_device_id():
    repo = Repository(ROOT / "triton_models", tiny_parameters("schnell"),
                      models=["vae_decoder"], kind="GPU", device_id=0)
    args = repo.models["vae_decoder"].args
    assert (args["model_instance_kind"], args["model_instance_device_id"]) == ("GPU", "0")
    expected = "cuda:0" if torch.cuda.is_available() else "cpu"  # parse_args falls back
    assert repo.models["vae_decoder"].instance.device == expected
    repo.close()
    with pytest.raises(ValueError, match="KIND_GPU"):
        Repository(ROOT / "triton_models", tiny_parameters("schnell"), kind="TPU")


@pytest.mark.parametrize("variant", ["dev", "schnell"])
def test_the_bls_equals_the_reference_through_the_dlpack_paths(variant, monkeypatch):
    """Every tensor between the models is simulated device memory, so a model reading one
    with as_numpy() would fail; the names read through to_dlpack() prove which paths ran."""
    read_by_dlpack, delivered = [], {}
    real_to_dlpack = pb_utils.Tensor.to_dlpack

    def recording_to_dlpack(tensor):
        if not tensor.is_cpu():
            read_by_dlpack.append(tensor.name())
        return real_to_dlpack(tensor)

    monkeypatch.setattr(pb_utils.Tensor, "to_dlpack", recording_to_dlpack)
    repo = Repository(ROOT / "triton_models", tiny_parameters(variant), device_memory=True)
    real_execute = repo.models["clip_encoder"].instance.execute

    def recording_execute(requests):
        delivered["clip input on host"] = all(t.is_cpu() for r in requests for t in r.inputs())
        return real_execute(requests)

    monkeypatch.setattr(repo.models["clip_encoder"].instance, "execute", recording_execute)
    prompts, seeds = ["a photo of a cat", "a red fox in the snow"], [1, 2]
    expected = fp.build_tiny_pipeline(0, variant)(prompts, seeds=seeds)
    request = repo.request("bls", {
        "prompt": np.array([[p.encode()] for p in prompts], dtype=object),
        "seed": np.array([[s] for s in seeds], np.int64)})
    response = repo.execute("bls", [request])[0]
    repo.close()
    assert not response.has_error(), response.error().message()
    got = outputs_of(response)["images"]
    assert got.dtype == np.uint8 and got.shape == expected.shape
    assert np.abs(got.astype(int) - expected.astype(int)).max() <= 1
    # Callees with FORCE_CPU_ONLY_INPUT_TENSORS "no" read DLPack inputs; the BLS reads
    # every callee's output through DLPack; CLIP, without the parameter, gets host copies.
    assert {"hidden_states", "encoder_hidden_states", "latents", "pooled_embeds",
            "prompt_embeds", "noise_pred", "image"} <= set(read_by_dlpack)
    assert delivered["clip input on host"]
