"""The Nu HTML checker (vnu.jar from the vnu-jar npm package, run on the machine's Java).

.ci/run installs it under .ci/vnu; FACTCHECK_VNU_JAR points elsewhere. Without it (or
without Java) the tests that need it skip, except in CI (CI set), where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_JAR = ROOT / ".ci" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_jar() -> Path:
    jar = Path(os.environ.get("FACTCHECK_VNU_JAR", DEFAULT_JAR))
    if jar.is_file() and shutil.which("java"):
        return jar
    message = f"the Nu HTML checker needs Java and {jar} (npm install vnu-jar: see .ci/run)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def nu_messages(files: list[Path]) -> list[dict]:
    """Every error and warning the checker reports for the files (info messages left out)."""
    result = subprocess.run(
        ["java", "-Xss2m", "-jar", str(vnu_jar()), "--format", "json", "--also-check-css",
         *map(str, files)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    out = json.loads(result.stderr or result.stdout or '{"messages": []}')
    return [m for m in out["messages"] if m.get("type") != "info" or m.get("subType") == "warning"]
