"""Fails (exit 1) when an executed notebook shows a failure.

notebooks.mk executes the notebooks with nbconvert --allow-errors, so that
a failing cell does not hide the others, and runs this script on the
result. It reports, with the cell's output as text:

  - an error output: a cell whose Go code failed to build, panicked or
    exited non-zero (GoNB shows the compiler's message as HTML, turned
    into text here);
  - a failed shell command (a `!` line): GoNB prints "exit status N" on
    the cell's stderr and does not report an error;
  - a code cell that was not executed.

usage: python3 check_outputs.py NOTEBOOK.ipynb...
"""
import html
import json
import re
import sys

FAILED_SHELL = re.compile(r"^exit status \d+\s*$", re.M)


def text_of(out):
    """The text of an output, HTML reduced to its text."""
    if out["output_type"] == "stream":
        return "".join(out["text"])
    if out["output_type"] == "error":
        return f"{out.get('ename')}: {out.get('evalue')}\n"
    data = out.get("data", {})
    if "text/plain" in data:
        return "".join(data["text/plain"])
    if "text/html" in data:
        h = "".join(data["text/html"])
        h = re.sub(r"<style.*?</style>|<script.*?</script>", "", h, flags=re.S)
        h = re.sub(r"<br\s*/?>|</div>|</p>", "\n", h)
        h = html.unescape(re.sub(r"<[^>]+>", "", h))
        return re.sub(r"\n\s*\n+", "\n", h).strip() + "\n"
    return ""


def problems(path):
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"]).strip()
        first = src.splitlines()[0] if src else ""
        where = f"{path}: code cell {i} ({first[:60]!r})"
        if src and cell.get("execution_count") is None:
            yield f"{where} was not executed"
            continue
        outs = cell.get("outputs", [])
        failed = any(o["output_type"] == "error" for o in outs) or any(
            o["output_type"] == "stream" and o.get("name") == "stderr"
            and FAILED_SHELL.search("".join(o["text"])) for o in outs)
        if failed:
            yield f"{where} failed:\n" + "".join(text_of(o) for o in outs)


def main(paths):
    bad = [p for path in paths for p in problems(path)]
    for p in bad:
        print(p, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
