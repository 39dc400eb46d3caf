"""The package a user installs: built, checked, and run from the wheel, not the checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel",
         "--outdir", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return out


def _wheel(dist: Path) -> Path:
    wheels = sorted(dist.glob("assistants_runs-*.whl"))
    assert len(wheels) == 1, sorted(p.name for p in dist.iterdir())
    return wheels[0]


def test_twine_accepts_the_sdist_and_the_wheel(dist: Path) -> None:
    files = sorted(str(p) for p in dist.iterdir())
    assert any(f.endswith(".tar.gz") for f in files) and any(f.endswith(".whl") for f in files)
    result = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *files],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_wheel_carries_typing_markers_and_the_command(dist: Path) -> None:
    with zipfile.ZipFile(_wheel(dist)) as wheel:
        names = set(wheel.namelist())
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        text = wheel.read(metadata).decode()
        entry_points = wheel.read(metadata.replace("METADATA", "entry_points.txt")).decode()
    for package in ("runs_core", "runs_adapters", "runs_emulator"):
        assert f"{package}/py.typed" in names, package
    assert "Name: assistants-runs" in text
    assert "Requires-Dist: h11" in text  # the demo's emulator needs no extra
    assert "runs = runs_adapters.cli:main" in entry_points
    assert not [n for n in names if n.startswith(("tests/", "benchmarks/"))]


def test_the_installed_wheel_runs_the_demo_and_says_its_version(dist: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q",
         "--target", str(target), str(_wheel(dist))],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr
    # The wheel's packages come first on the path, ahead of the checkout's editable
    # install; the dependencies (pydantic, httpx...) come from this environment.
    env_path = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    code = (
        "import runs_core, runs_adapters.cli as cli; "
        f"assert runs_core.__file__.startswith({str(target)!r}), runs_core.__file__; "
        "raise SystemExit(cli.main(['demo']))"
    )
    demo = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env_path,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert ": completed |" in demo.stdout
    version = subprocess.run(
        [sys.executable, "-c", "import runs_adapters.cli as c; c.main(['--version'])"],
        cwd=tmp_path, env=env_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert version.stdout.strip().startswith("runs 0.")
