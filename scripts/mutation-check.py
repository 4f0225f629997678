"""Plant known FLUX mistakes in a scratch copy of flux_pipeline.py, one at a time, and show
that the oracle tests (tasks/golden/oracle/) fail for every one of them.

Usage: .venv/bin/python scripts/mutation-check.py [--jobs N] [--only SUBSTRING]

Each mutant is a set of exact text replacements in tasks/context/flux_pipeline.py; a
pattern that no longer occurs exactly once stops the script (exit 2) instead of planting
nothing. The unmodified file must pass first. A mutant is caught when pytest reports
failed tests (exit status 1); a mutant that cannot even be imported counts as not caught,
since that proves nothing about the tests. Prints `planted N, caught M`; exits 1 if any
mutant survives.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PIPELINE = REPO / "tasks" / "context" / "flux_pipeline.py"
ORACLE = REPO / "tasks" / "golden" / "oracle"
TIMEOUT_S = 300


@dataclass(frozen=True)
class Mutant:
    name: str
    replacements: tuple[tuple[str, str], ...]


def mutant(name: str, *pairs: tuple[str, str]) -> Mutant:
    return Mutant(name, tuple(pairs))


# The first nine are the mistakes issue 9 measured going unnoticed by the golden tests;
# the rest are other slips a port of FLUX plausibly makes.
MUTANTS = (
    mutant("RoPE theta 10000 -> 100",
           ("theta: int = 10_000", "theta: int = 100")),
    mutant("row axis dropped from img_ids",
           ("    ids[..., 1] = torch.arange(h // 2)[:, None]\n", "")),
    mutant("VAE scale 0.3611 -> 1.0",
           ("scale_factor: float = 0.3611", "scale_factor: float = 1.0")),
    mutant("VAE shift 0.1159 -> 0",
           ("shift_factor: float = 0.1159", "shift_factor: float = 0.0")),
    mutant("dev schedule shift switched off",
           ('return self.variant == "dev"', "return False")),
    mutant("timestep not scaled by 1000",
           ("self.time_in(timestep_embedding(timesteps, 256)",
            "self.time_in(timestep_embedding(timesteps, 256, time_factor=1.0)")),
    mutant("2x2 pack order swapped to (dy, dx, c)",
           ("permute(0, 2, 4, 1, 3, 5)", "permute(0, 2, 4, 3, 5, 1)")),
    mutant("unpack order swapped to (dy, dx, c)",
           ("packed.view(b, h // 2, w // 2, c, 2, 2).permute(0, 3, 1, 4, 2, 5)",
            "packed.view(b, h // 2, w // 2, 2, 2, c).permute(0, 5, 1, 3, 2, 4)")),
    mutant("QK-RMSNorm gain ignored",
           ("return (x * rrms).to(dtype) * self.scale", "return (x * rrms).to(dtype)")),
    mutant("guidance not scaled by 1000",
           ("self.guidance_in(timestep_embedding(guidance, 256)",
            "self.guidance_in(timestep_embedding(guidance, 256, time_factor=1.0)")),
    mutant("img_ids row and column swapped",
           ("ids[..., 1] = torch.arange(h // 2)[:, None]", "ids[..., 2] = torch.arange(h // 2)[:, None]"),
           ("ids[..., 2] = torch.arange(w // 2)[None, :]", "ids[..., 1] = torch.arange(w // 2)[None, :]")),
    mutant("timestep embedding sin half first",
           ("torch.cat([torch.cos(args), torch.sin(args)], dim=-1)",
            "torch.cat([torch.sin(args), torch.cos(args)], dim=-1)")),
    mutant("RoPE rotation by -angle",
           ("torch.stack([cos, -sin, sin, cos], dim=-1)", "torch.stack([cos, sin, -sin, cos], dim=-1)")),
    mutant("RoPE axes_dim order (56, 56, 16)",
           ("axes_dim: tuple[int, ...] = (16, 56, 56)", "axes_dim: tuple[int, ...] = (56, 56, 16)")),
    mutant("RoPE on split halves instead of adjacent pairs",
           ("pairs = x.float().reshape(*x.shape[:-1], -1, 1, 2)",
            "pairs = x.float().reshape(*x.shape[:-1], 2, -1).transpose(-1, -2)"
            ".reshape(*x.shape[:-1], -1, 1, 2)")),
    mutant("ids concatenated image first",
           ("self.pe_embedder(torch.cat((txt_ids, img_ids), dim=1))",
            "self.pe_embedder(torch.cat((img_ids, txt_ids), dim=1))")),
    mutant("modulation without the 1 + scale",
           ("return (1 + mod.scale) * norm(x) + mod.shift", "return mod.scale * norm(x) + mod.shift")),
    mutant("final layer shift and scale swapped",
           ("shift, scale = self.adaLN_modulation(vec).chunk(2, dim=1)",
            "scale, shift = self.adaLN_modulation(vec).chunk(2, dim=1)")),
    mutant("schedule max shift 1.15 -> 0.5",
           ("max_shift: float = 1.15", "max_shift: float = 0.5")),
    mutant("Euler step with the wrong sign",
           ("x = x + (sigmas[i + 1] - sigmas[i]).item() * v",
            "x = x + (sigmas[i] - sigmas[i + 1]).item() * v")),
    mutant("VAE GroupNorm 16 groups instead of 32",
           ("norm_groups: int = 32", "norm_groups: int = 16")),
    mutant("VAE upsampling bilinear instead of nearest",
           ('F.interpolate(x, scale_factor=2.0, mode="nearest")',
            'F.interpolate(x, scale_factor=2.0, mode="bilinear")')),
    mutant("latent size with height and width swapped",
           ("return 2 * (height // (2 * s)), 2 * (width // (2 * s))",
            "return 2 * (width // (2 * s)), 2 * (height // (2 * s))")),
    mutant("uint8 by truncation instead of rounding",
           ("return (x * 255).round().to(torch.uint8)", "return (x * 255).to(torch.uint8)")),
)


class PatternError(Exception):
    pass


def plant(source: str, m: Mutant) -> str:
    for old, new in m.replacements:
        count = source.count(old)
        if count != 1:
            raise PatternError(f"mutant {m.name!r}: {old!r} occurs {count} times in "
                               f"{PIPELINE.relative_to(REPO)} (expected once); update the mutant")
        source = source.replace(old, new)
    return source


@dataclass
class Outcome:
    name: str
    status: int
    failed: list[str]
    seconds: float
    tail: str


def run_oracle(name: str, pipeline_source: str) -> Outcome:
    """Run the oracle tests against `pipeline_source` written into a scratch directory."""
    with tempfile.TemporaryDirectory(prefix="flux-mutant-") as scratch:
        (Path(scratch) / "flux_pipeline.py").write_text(pipeline_source)
        # One thread per run: two runs share the CI machine's two cores.
        env = dict(os.environ, FLUX_PIPELINE_DIR=scratch, OMP_NUM_THREADS="1",
                   PYTHONDONTWRITEBYTECODE="1")
        started = time.monotonic()
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "pytest", str(ORACLE), "-q", "-p", "no:cacheprovider",
                 "--tb=no", "-rf", "-W", "ignore::UserWarning"],
                cwd=REPO, env=env, capture_output=True, text=True, timeout=TIMEOUT_S)
            status, output = proc.returncode, proc.stdout + proc.stderr
        except subprocess.TimeoutExpired:
            status, output = -1, f"timed out after {TIMEOUT_S} s"
    # Narrow tests first (formulas, then networks, then end to end): they name the mistake.
    found = re.findall(r"^FAILED (\S+)::(\S+)", output, flags=re.MULTILINE)
    order = ("test_sampling_math", "test_networks", "test_end_to_end")
    found.sort(key=lambda hit: next((i for i, f in enumerate(order) if f in hit[0]), len(order)))
    failed = [test for _, test in found]
    tail = "\n".join(output.strip().splitlines()[-5:])
    return Outcome(name, status, failed, time.monotonic() - started, tail)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2, help="mutants run side by side")
    parser.add_argument("--only", help="run only mutants whose name contains this")
    args = parser.parse_args()

    source = PIPELINE.read_text()
    mutants = [m for m in MUTANTS if not args.only or args.only in m.name]
    try:
        planted = {m.name: plant(source, m) for m in mutants}
    except PatternError as error:
        print(error, file=sys.stderr)
        return 2

    baseline = run_oracle("unmodified", source)
    if baseline.status != 0:
        print(f"the oracle tests fail on the unmodified flux_pipeline.py:\n{baseline.tail}",
              file=sys.stderr)
        return 2
    print(f"unmodified flux_pipeline.py: oracle tests pass ({baseline.seconds:.1f} s)")

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        outcomes = list(pool.map(lambda m: run_oracle(m.name, planted[m.name]), mutants))

    caught = 0
    for outcome in outcomes:
        if outcome.status == 1 and outcome.failed:
            caught += 1
            shown = ", ".join(outcome.failed[:3]) + (", ..." if len(outcome.failed) > 3 else "")
            print(f"caught    {outcome.name}: {len(outcome.failed)} tests fail ({shown})")
        elif outcome.status == 0:
            print(f"SURVIVED  {outcome.name}: every oracle test passes")
        else:
            print(f"ERROR     {outcome.name}: pytest exit {outcome.status}, no test verdict\n"
                  f"          {outcome.tail}")
    print(f"planted {len(mutants)}, caught {caught}")
    return 0 if caught == len(mutants) else 1


if __name__ == "__main__":
    sys.exit(main())
