"""The built wheel is the product: installed into a clean virtual environment, not in
development mode, it must carry every data file the package reads and serve from any
directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.e2e.conftest import RunningService, wait_ready

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "minkops"
SOURCE_FILES = ("setup.cfg", "pyproject.toml", "README.md")
PIP_QUIET = (sys.executable, "-m", "pip", "-q", "--disable-pip-version-check")


def data_files_in_source() -> set[str]:
    """Every file the package holds that is not Python: all of it is read at run time."""
    return {
        str(path.relative_to(REPO))
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Build from a copy, so the checkout gets no build/ or egg-info of its own.
    source = tmp_path_factory.mktemp("source")
    shutil.copytree(PACKAGE, source / "minkops", ignore=shutil.ignore_patterns("__pycache__"))
    for name in SOURCE_FILES:
        shutil.copy(REPO / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [*PIP_QUIET, "wheel", "--no-deps", "--no-build-isolation", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("minkops-*.whl")
    return built


def test_the_wheel_carries_every_data_file_and_no_tests(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = data_files_in_source()
    assert {"minkops/config/minkops.toml", "minkops/config/plans.toml"} <= expected
    assert any(name.endswith(".po") for name in expected)
    assert any(name.endswith(".sql") for name in expected)
    assert sorted(expected - names) == []
    assert not [name for name in names if name.startswith(("tests/", "eval/", "scripts/"))]


@pytest.mark.slow
def test_the_installed_wheel_serves_from_another_directory(
    wheel: Path, tmp_path: Path, service_env: dict[str, str]
) -> None:
    environment = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(environment)
    python = environment / "bin" / "python"
    subprocess.run(
        [str(python), *PIP_QUIET[1:], "install", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    # Dependencies come from the test environment's site-packages, added as a plain path:
    # its .pth files (and so the editable install of this checkout) are not processed.
    site_packages = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site_packages / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(
        [str(python), "-c", "import minkops; print(minkops.__file__)"],
        cwd=elsewhere,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert where.startswith(str(site_packages)), where

    env = {k: v for k, v in service_env.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env["PATH"] = f"{environment / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(environment / "bin" / "minkops"), "serve"],
            cwd=elsewhere,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{env['MINKOPS_HTTP_PORT']}"
    service = RunningService(process, env, url, log_path)
    try:
        wait_ready(url, process, log_path)
        assert service.stop() == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
