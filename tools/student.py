"""The student edition: the notebooks with every worked solution replaced by an empty cell.

A teacher marks the cells of each exercise's worked solution with the cell tag ``solution``
(in ``metadata.tags``; the heading cell "Solution N" or "**Solution.**" too). The student
edition keeps every other cell as it is, outputs included, and puts in place of each run of
solution cells a markdown cell that says which exercise's answer goes there and an empty code
cell. ``python3 tools/student.py`` (``make student``) writes ``notebooks/`` to ``student/``;
``write_student_edition(src_dir, dst_dir)`` does it for any folder. The teacher's files are
only read.

A cell tagged ``check`` holds one call, ``check(N)``, which tells a learner whether their answer
to exercise N is right (``helpers/checks.py``). In the teacher's notebook it sits right after
the worked solution of exercise N, where its stored output says the solution is right; the
edition keeps it right under the empty answer cell, its output cleared.

Before writing anything, every notebook is checked (``problems``): the solutions are tagged
(each exercise has one, none lies outside the "## Exercises" section, no untagged cell follows
a solution but a check cell, the closing navigation bar and the next exercise's statement), each
check cell holds only ``check(N)`` and follows the solution of exercise N, and no untagged
cell uses a name that only solution cells define, so that the edition runs top to bottom.
An exercise's statement is a markdown line that starts with its bold number, ``**2.`` or
``2. **(Medium)**``.
"""
import argparse
import ast
import json
import re
import shutil
import sys
from pathlib import Path

TAG = "solution"
CHECK_TAG = "check"  # a cell with only check(N), kept in the edition under the answer to exercise N
CHECK_CALL = re.compile(r"\A\s*check\(\s*(\d+)\s*\)\s*\Z")
ANSWER_TAG = "answer"  # the cells the edition puts in place of a solution
REPO = Path(__file__).resolve().parent.parent
MARKER = ".student-edition"  # in a folder this module wrote, which it may therefore replace
EXERCISES = re.compile(r"^## Exercises\s*$", re.M)
STATEMENT = re.compile(r"^(?:\*\*(\d+)\.|(\d+)\.\s+\*\*)", re.M)
SOLUTION_HEADING = re.compile(r"^\s*(?:#+\s*Solution\b|\*\*Solution\b)")
SOLUTION_NUMBER = re.compile(r"\bSolution\s+(\d+)\b")
ANSWER_TEXT = ("**Your solution to exercise {n} goes below.**\n"
               "Write it in the empty code cell, and add cells as you need them "
               "(a markdown cell for an explanation or a proof).")
CHECK_TEXT = "\nThen run the cell `check({n})` under it to see whether your answer is right."


class StudentEditionError(ValueError):
    """A notebook's solution tags are not right; the message lists each problem and its fix."""


def source(cell):
    """Return a cell's source as one string (nbformat stores a string or a list of lines)."""
    text = cell.get("source", "")
    return text if isinstance(text, str) else "".join(text)


def is_solution(cell):
    return TAG in cell.get("metadata", {}).get("tags", [])


def is_check(cell):
    return CHECK_TAG in cell.get("metadata", {}).get("tags", [])


def check_problems(cells, start, runs):
    """Return what is wrong with the check cells: each holds only check(N), right after N's solution."""
    found, after = [], {stop: n for _, stop, n in runs}
    for i, cell in enumerate(cells):
        if not is_check(cell):
            continue
        call = CHECK_CALL.match(source(cell)) if cell["cell_type"] == "code" else None
        if is_solution(cell):
            found.append(f"cell {i} is tagged both {TAG!r} and {CHECK_TAG!r}: a check cell is kept in "
                         f"the edition, so keep only {CHECK_TAG!r}")
        elif not call:
            found.append(f"cell {i} is tagged {CHECK_TAG!r} but is not a code cell holding only check(N): "
                         "the edition keeps it, so nothing else may be in it")
        elif start is None or i <= start or i not in after:
            found.append(f"cell {i} is tagged {CHECK_TAG!r} but does not follow a worked solution: "
                         "put it right after the solution of the exercise it checks")
        elif int(call[1]) != after[i]:
            found.append(f"cell {i} runs check({call[1]}) but follows the solution of exercise {after[i]}: "
                         f"make it check({after[i]}) or move it")
    return found


def statement_numbers(cell):
    """Return the exercise numbers whose statements a markdown cell holds, e.g. [1, 2, 3]."""
    if cell["cell_type"] != "markdown":
        return []
    return [int(a or b) for a, b in STATEMENT.findall(source(cell))]


def exercises_start(cells):
    """Return the index of the cell with the "## Exercises" heading, or None."""
    return next((i for i, c in enumerate(cells) if c["cell_type"] == "markdown"
                 and EXERCISES.search(source(c))), None)


def solution_runs(cells):
    """Return [(start, stop, exercise number)] for each solution: its run of solution cells.

    A run is a stretch of consecutive solution cells, split before each "Solution" heading.
    Its number is the N of "Solution N" in its first cell, else the number of the last
    exercise statement before it.
    """
    runs, latest, i = [], None, 0
    while i < len(cells):
        if not is_solution(cells[i]):
            latest = (statement_numbers(cells[i]) or [latest])[-1]
            i += 1
            continue
        stop = i + 1
        while stop < len(cells) and is_solution(cells[stop]) and not SOLUTION_HEADING.match(source(cells[stop])):
            stop += 1
        heading = SOLUTION_NUMBER.search(source(cells[i]))
        runs.append((i, stop, int(heading[1]) if heading else latest))
        i = stop
    return runs


def names(code):
    """Return (names a code cell binds, names it reads), from its syntax tree; None if unparsable."""
    code = re.sub(r"^(\s*)[%!].*$", r"\1pass", code, flags=re.M)  # IPython magics and shell lines
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    bound, read = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bound.update(node.names)
        elif getattr(node, "name", None) and isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
            bound.add(node.name)
    return bound, read


def solution_only_names(cells):
    """Return {index of an untagged code cell: sorted names it reads that only solution cells bind}."""
    bound = {True: set(), False: set()}
    reads = {}
    for i, cell in enumerate(cells):
        found = names(source(cell)) if cell["cell_type"] == "code" else None
        if found:
            bound[is_solution(cell)] |= found[0]
            if not is_solution(cell):
                reads[i] = found[1]
    only = bound[True] - bound[False]
    return {i: sorted(r & only) for i, r in reads.items() if r & only}


def problems(nb):
    """Return what is wrong with a notebook's solution tags, one sentence each ([] if nothing)."""
    cells = nb["cells"]
    start = exercises_start(cells)
    tagged = [i for i, c in enumerate(cells) if is_solution(c)]
    if start is None:
        return [f"cells {tagged} are tagged {TAG!r} but there is no '## Exercises' heading"] if tagged else []
    found = []
    for i in tagged:
        if i <= start:
            found.append(f"cell {i} is tagged {TAG!r} but is not after the '## Exercises' heading "
                         f"(cell {start}): untag it")
        elif statement_numbers(cells[i]):
            found.append(f"cell {i} holds the statement of exercise {statement_numbers(cells[i])[0]} "
                         f"and is tagged {TAG!r}: untag it, the students need it")
    exercises = [n for c in cells[start:] for n in statement_numbers(c)]
    runs = [(a, b, n) for a, b, n in solution_runs(cells) if a > start]
    for n in exercises:
        if n not in [r[2] for r in runs]:
            found.append(f"exercise {n} has no solution cell tagged {TAG!r}: tag its worked "
                         "solution, the 'Solution' heading included")
    for a, _, n in runs:
        if n is None:
            found.append(f"the solution at cell {a} follows no exercise statement and has no "
                         "'Solution N' heading: which exercise does it solve?")
        elif n not in exercises:
            found.append(f"the solution at cell {a} is for exercise {n}, which has no statement")
    found += check_problems(cells, start, runs)
    numbers = [r[2] for r in runs]
    if numbers != sorted(numbers, key=lambda n: (n is None, n)):
        found.append(f"the solutions come in the order {numbers}: keep each after its exercise")
    for i in range(start + 1, len(cells)):
        cell, last = cells[i], i == len(cells) - 1
        if is_solution(cell) or is_check(cell):
            continue
        if SOLUTION_HEADING.match(source(cell)):
            found.append(f"cell {i} is a solution heading not tagged {TAG!r}: tag it")
        elif is_solution(cells[i - 1]) and not statement_numbers(cell) and not (last and cell["cell_type"] == "markdown"):
            found.append(f"cell {i} follows a solution but is not tagged {TAG!r} and is no exercise "
                         "statement: tag it if it belongs to the solution")
    for i, used in solution_only_names(cells).items():
        found.append(f"cell {i} is not tagged {TAG!r} but uses {', '.join(used)}, which only "
                     "solution cells define: the student edition would fail there")
    return found


def answer_cells(n, k, with_ids, checked=False):
    """Return the two cells that replace the k-th run of solution cells (for exercise n).

    checked: a check cell follows, and the text says to run it.
    """
    text = {"cell_type": "markdown", "metadata": {"tags": [ANSWER_TAG]},
            "source": ANSWER_TEXT.format(n=n) + (CHECK_TEXT.format(n=n) if checked else "")}
    code = {"cell_type": "code", "execution_count": None, "metadata": {"tags": [ANSWER_TAG]},
            "outputs": [], "source": ""}
    if with_ids:
        text["id"], code["id"] = f"answer-{k}-text", f"answer-{k}-code"
    return [text, code]


def student_notebook(nb):
    """Return a new notebook: ``nb`` with each run of solution cells replaced by answer cells.

    ``nb`` is not changed. Every other cell is kept as it is, with its outputs, but for the
    check cells, whose outputs (the check of the worked solution) are cleared.
    Raises StudentEditionError if ``problems(nb)`` finds any.
    """
    found = problems(nb)
    if found:
        raise StudentEditionError("; ".join(found))
    cells = [dict(c, outputs=[], execution_count=None) if is_check(c) else c for c in nb["cells"]]
    with_ids = (nb.get("nbformat"), nb.get("nbformat_minor", 0)) >= (4, 5)
    out, done = [], 0
    for k, (start, stop, n) in enumerate(solution_runs(cells), 1):
        checked = stop < len(cells) and is_check(cells[stop])
        out += cells[done:start] + answer_cells(n, k, with_ids, checked)
        done = stop
    return dict(nb, cells=out + cells[done:])


def _check_folders(src, dst):
    if dst == src or src in dst.parents or dst in src.parents:
        raise StudentEditionError(f"write the student edition of {src} to a folder outside it, "
                                  f"not to {dst}")
    if dst.exists() and (not dst.is_dir() or any(dst.iterdir()) and not (dst / MARKER).exists()):
        raise StudentEditionError(f"{dst} already holds files and is no student edition: "
                                  "remove it or choose another folder (nothing was written)")


def write_student_edition(src_dir, dst_dir):
    """Write the student edition of the folder ``src_dir`` to ``dst_dir``; return the notebooks' paths.

    Every ``*.ipynb`` under ``src_dir`` is written with its solutions replaced (student_notebook),
    and every other file is copied (images and the like), leaving out .ipynb_checkpoints/ and
    __pycache__/. ``dst_dir`` is replaced if it is a student edition written before. All the
    notebooks are checked first: if any has a problem, StudentEditionError lists them all and
    nothing is written. ``src_dir`` is only read.
    """
    src, dst = Path(src_dir).resolve(), Path(dst_dir).resolve()
    _check_folders(src, dst)
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", MARKER)
    notebooks = sorted(p for p in src.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    editions, found = {}, []
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        trouble = problems(nb)
        found += [f"{path.relative_to(src)}: {line}" for line in trouble]
        if not trouble:
            editions[path.relative_to(src)] = student_notebook(nb)
    if found:
        raise StudentEditionError("the student edition was not written:\n" + "\n".join(found))
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst, ignore=ignore)
    (dst / MARKER).write_text(f"Written by `python3 tools/student.py` from {src.name}/; "
                              "replaced on every run.\n")
    written = []
    for relative, nb in editions.items():
        with open(dst / relative, "w", encoding="utf-8") as f:
            json.dump(nb, f, indent=1, ensure_ascii=False)
            f.write("\n")
        written.append(dst / relative)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 tools/student.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("src", nargs="?", default=REPO / "notebooks", type=Path,
                        help="the teacher's notebooks (default: notebooks/)")
    parser.add_argument("dst", nargs="?", default=REPO / "student", type=Path,
                        help="where the student edition goes (default: student/)")
    args = parser.parse_args(argv)
    try:
        written = write_student_edition(args.src, args.dst)
    except StudentEditionError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for path in written:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        left = [c for c in cells if c["cell_type"] == "code" and ANSWER_TAG in c["metadata"].get("tags", [])]
        print(f"wrote {path}: {len(left)} solutions replaced by answer cells")
    return 0


if __name__ == "__main__":
    sys.exit(main())
