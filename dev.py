"""Set up and run the AMHE dashboard with nothing but Python 3.11+.

    python dev.py start   install what the app needs, then open it in demo mode
    python dev.py test    install what the tests need, then run lint, the layer and
                          duplicate-code checks, and the whole suite

Both create a virtual environment in .venv the first time and reinstall only when the
requirements change. Extra arguments after ``test`` go to pytest.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


LAYERS = ["pages", "components", "services", "db"]


def _ensure_venv(requirements: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - a newcomer may run an older Python
        sys.exit("The AMHE dashboard needs Python 3.11 or newer.")
    if not PYTHON.exists():
        print("Creating a virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    files = [ROOT / requirements, ROOT / "requirements.txt", ROOT / "constraints.txt"]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files if f.exists())).hexdigest()
    stamp = VENV / f".installed-{Path(requirements).stem}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    print(f"Installing {requirements} ...", flush=True)
    _run([str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    _run([str(PYTHON), "-m", "pip", "install", "--quiet", "-r", str(ROOT / requirements)])
    stamp.write_text(digest)


def _run(command: list[str]) -> None:
    result = subprocess.run(command, cwd=ROOT, check=False)
    if result.returncode != 0:
        sys.exit(result.returncode)


def start(args: list[str]) -> None:
    _ensure_venv("requirements.txt")
    _run([str(PYTHON), "-m", "streamlit", "run", "app.py", *args])


def test(args: list[str]) -> None:
    _ensure_venv("requirements-dev.txt")
    _run([str(PYTHON), "-m", "ruff", "check", "."])
    _run([str(PYTHON), "-m", "ruff", "format", "--check", "."])
    _run([str(BIN / "lint-imports")])  # the layers: contracts in pyproject.toml
    _run([str(PYTHON), "-m", "pylint", "--rcfile=pyproject.toml", *LAYERS])  # no repeated blocks
    # loadgroup: the tests marked xdist_group("heavy-browser") (many browsers or many
    # window sizes at once) run one after another on one worker, not against each other.
    _run([str(PYTHON), "-m", "pytest", "-n", "auto", "--dist", "loadgroup", *args])


def main() -> None:
    commands = {"start": start, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
