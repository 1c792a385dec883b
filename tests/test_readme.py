"""The README's API guide works: each curl command runs against a live server."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

README = Path(__file__).resolve().parent.parent / "README.md"
PASSWORD = "correct-horse-battery"  # the conftest factories' password


def guide_commands() -> list[str]:
    text = README.read_text("utf-8")
    block = text.split("<!-- api-guide", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    joined = re.sub(r"\\\n\s*", " ", block)  # line continuations
    return [line.strip() for line in joined.splitlines() if line.strip().startswith("curl ")]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_readme_api_guide(app, make_user, token_for, tmp_path):
    user = make_user("reviewer")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    env = {"PATH": "/usr/bin:/bin", "BASE": f"http://127.0.0.1:{server.server_port}",
           "EMAIL": user.email, "PASSWORD": PASSWORD, "TOKEN": token_for(user)}  # fmt: skip
    try:
        commands = guide_commands()
        assert len(commands) >= 8
        for command in commands:
            result = subprocess.run(
                ["bash", "-c", command],
                env=env,
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert result.returncode == 0, (
                f"{command}\n{result.stdout[-300:]}{result.stderr[-300:]}"
            )
        assert (tmp_path / "report.md").read_text().startswith("> **DRAFT**")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
