"""The README's pipeline example runs as written and prints what its comments say."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def _pipeline_example() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## The pipeline\n"):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_pipeline_example_prints_what_its_comments_say():
    code = _pipeline_example()
    out = io.StringIO()
    namespace: dict = {}
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - the project's own README
    printed = out.getvalue().splitlines()
    promised = [m.group(1).strip() for m in re.finditer(r"^print\(.*\)\s*#\s*(.*)$", code, re.M)]
    assert promised, "the example promises no output"
    for line in promised:
        assert line in printed, (line, printed)
    assert any(line.startswith("a1 removed:") for line in printed)  # the replaced cleaner ran
    assert namespace["result"].profile == {}  # profile was switched off
    quick = namespace["quick"].analyze("Officials said the talks stalled.")
    assert quick.sentences[0].source is None and quick.sentences[0].label == "anonymous_source_quote"
