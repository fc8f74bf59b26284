"""The README's test command is exactly what CI runs."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(python3 -m venv[^\n]*)\n```", readme)
    assert len(commands) == 2
    main_job, test_command = commands
    assert "textfix check tests/fixtures/seeds" in main_job
    assert test_command in ci.splitlines()


def test_every_flag_in_the_readme_table_exists():
    """The README's flag table names options ``textfix check`` accepts."""
    import contextlib
    import io

    from textfix import cli

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = re.findall(r"^\| `(-[^`]+)`(?: / `(-[^`]+)`)? \|", readme, re.M)
    flags = [f.split()[0] for pair in table for f in pair if f]
    assert {"-q", "-qq", "-v", "--color", "--no-color", "--no-ignore", "--stdin-filename", "--exclude"} <= set(flags)
    help_text = io.StringIO()
    with contextlib.redirect_stdout(help_text):
        assert cli.main(["check", "--help"]) == 0
    for flag in flags:
        assert flag == "-qq" or re.search(rf"(^|[\s,]){re.escape(flag)}([\s,=]|$)", help_text.getvalue(), re.M), flag
