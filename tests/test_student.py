"""The student edition (tools/student.py, `make student`): solutions tagged, removed, and nothing else.

The first tests check the course's own notebooks: every exercise has a solution tagged
`solution`, no tagged cell lies outside the Exercises section, and the edition made from
them holds no solution line, keeps every other cell as it is (the check cells with their
outputs cleared, right under the answer cells), and leaves the teacher's files byte for byte
as they were; the edition of notebook 00 runs with nbclient and each of its checks says "not
answered yet". The others run the tool on small notebooks written here, including one student
edition executed top to bottom with nbclient.
"""
import hashlib
import json
from pathlib import Path

import nbformat
import pytest

from tools import student

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def load(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def in_edition(cell):
    """Return the cell as the edition keeps it: a check cell loses its outputs (the solution's check)."""
    return dict(cell, outputs=[], execution_count=None) if student.is_check(cell) else cell


def files(folder):
    """Map every file under ``folder`` (checkpoints left out) to the SHA-256 of its bytes."""
    return {p.relative_to(folder): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".ipynb_checkpoints" not in p.parts}


# ------------------------------------------------------------------ the course's notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_exercise_has_a_tagged_solution(path):
    cells = load(path)["cells"]
    start = student.exercises_start(cells)
    assert start is not None, f"{path.name} has no '## Exercises' heading"
    exercises = [n for c in cells[start:] for n in student.statement_numbers(c)]
    solved = {n for _, _, n in student.solution_runs(cells)}
    assert exercises and exercises == list(range(1, len(exercises) + 1)), \
        f"{path.name}: exercises numbered {exercises}"
    assert set(exercises) <= solved, f"{path.name}: no cell tagged 'solution' for exercises " \
                                     f"{sorted(set(exercises) - solved)}"
    outside = [i for i, c in enumerate(cells) if "solution" in tags(c) and i <= start]
    assert not outside, f"{path.name}: cells {outside} are tagged 'solution' outside the Exercises section"
    assert student.problems(load(path)) == [], f"{path.name}:\n" + "\n".join(student.problems(load(path)))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_untagged_cell_uses_a_name_only_solutions_define(path):
    assert student.solution_only_names(load(path)["cells"]) == {}


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    """Write the student edition of notebooks/ to a temporary folder; check notebooks/ is untouched."""
    before = files(ROOT / "notebooks")
    dst = tmp_path_factory.mktemp("edition") / "student"
    try:
        written = student.write_student_edition(ROOT / "notebooks", dst)
    except student.StudentEditionError as err:
        pytest.fail(str(err), pytrace=False)
    assert files(ROOT / "notebooks") == before, "write_student_edition changed the teacher's files"
    return dst, written


def test_the_edition_has_every_notebook_and_file(edition):
    dst, written = edition
    teacher = files(ROOT / "notebooks")
    assert sorted(p.relative_to(dst) for p in written) == sorted(p for p in teacher if p.suffix == ".ipynb")
    copied = files(dst)
    others = {p: h for p, h in teacher.items() if p.suffix != ".ipynb"}
    assert {p: copied.get(p) for p in others} == others  # images/ and the like, byte for byte


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_student_notebook_holds_no_solution(edition, path):
    teacher = load(path)
    mine = load(edition[0] / path.name)
    nbformat.validate(nbformat.from_dict(mine))
    kept = [c for c in mine["cells"] if student.ANSWER_TAG not in tags(c)]
    assert kept == [in_edition(c) for c in teacher["cells"] if "solution" not in tags(c)]  # the rest unchanged
    assert mine["metadata"] == teacher["metadata"]
    untagged = {line.strip() for c in kept for line in student.source(c).splitlines()}
    solution = {line.strip() for c in teacher["cells"] if "solution" in tags(c)
                for line in student.source(c).splitlines()} - untagged - {""}
    assert solution, f"{path.name}: no solution lines to look for"
    shown = {line.strip() for c in mine["cells"] for line in student.source(c).splitlines()}
    assert not solution & shown, f"{path.name}: solution lines left: {sorted(solution & shown)[:5]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_exercise_gets_an_empty_answer_cell(edition, path):
    cells = load(edition[0] / path.name)["cells"]
    exercises = [n for c in cells[student.exercises_start(cells):] for n in student.statement_numbers(c)]
    answers = [c for c in cells if student.ANSWER_TAG in tags(c)]
    said = [student.source(c) for c in answers if c["cell_type"] == "markdown"]
    for n in exercises:
        assert any(f"exercise {n} goes below" in text for text in said), f"{path.name}: exercise {n}"
    code = [c for c in answers if c["cell_type"] == "code"]
    assert len(code) == len(said) and all(c["source"] == "" and c["outputs"] == [] for c in code)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_check_cell_sits_under_an_answer_cell_without_output(edition, path):
    cells = load(edition[0] / path.name)["cells"]
    checks = [i for i, c in enumerate(cells) if student.is_check(c)]
    assert checks, f"{path.name} has no check cell"
    for i in checks:
        n = student.CHECK_CALL.match(student.source(cells[i]))[1]
        assert cells[i]["outputs"] == [] and cells[i]["execution_count"] is None
        assert student.ANSWER_TAG in tags(cells[i - 1]) and cells[i - 1]["cell_type"] == "code"
        assert f"exercise {n} goes below" in student.source(cells[i - 2])
        assert f"`check({n})`" in student.source(cells[i - 2])


def test_the_checks_of_notebook_00_say_not_answered_yet_in_the_edition(edition):
    """The real edition of notebook 00, run top to bottom: each check on its empty answer cell."""
    from nbclient import NotebookClient

    nb = nbformat.read(edition[0] / "00_meet_mnist.ipynb", as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(edition[0])}}).execute()
    ran = [c for c in nb.cells if c.cell_type == "code"]
    assert not [o for c in ran for o in c.outputs if o.output_type == "error"]
    said = ["".join(o.get("text", "") for o in c.outputs) for c in ran if student.is_check(c)]
    assert len(said) == 3 and all(s.startswith("Exercise ") and "is not answered yet" in s for s in said), said


# ------------------------------------------------------------------ small notebooks of our own
def md(text, *cell_tags):
    return {"cell_type": "markdown", "metadata": {"tags": list(cell_tags)} if cell_tags else {},
            "source": text}


def code(text, *cell_tags, output=None):
    outputs = [{"output_type": "stream", "name": "stdout", "text": output}] if output else []
    return {"cell_type": "code", "execution_count": None, "outputs": outputs,
            "metadata": {"tags": list(cell_tags)} if cell_tags else {}, "source": text}


def notebook(cells):
    for i, cell in enumerate(cells):
        cell["id"] = f"cell-{i}"
    return {"nbformat": 4, "nbformat_minor": 5, "cells": cells,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                        "language": "python"}, "language_info": {"name": "python"}}}


S = "solution"


def listed():
    """A notebook in the style of 00-02: the exercises listed, then '### Solution N' headings."""
    return notebook([
        md("# 9. A lesson\n\nIn this notebook you will add."),
        code("import numpy as np\nSEED = 0\nx = np.arange(4)", output="x made\n"),
        md("## Summary\n\n- Sums.\n\n## Exercises\n\n1. **(Easy)** Add x up.\n2. **(Medium)** Double it."),
        md("### Solution 1", S),
        code("total = int(x.sum())\nprint(total)", S, output="6\n"),
        md("### Solution 2", S),
        code("def double(v):\n    return 2 * v\n\nprint(double(x))", S),
        md("Doubling is linear.", S),
        md("[Contents](../README.md#the-notebooks)"),
    ])


def interleaved():
    """A notebook in the style of 03-04: each statement, then its '**Solution.**' cells."""
    return notebook([
        md("# 9. A lesson"),
        code("import numpy as np\nx = np.arange(4)"),
        md("## Exercises\n\n**1. Add (easy).** Add x up."),
        md("**Solution.**", S),
        code("total = int(x.sum())\nassert total == 6", S),
        md("**2. Double (medium).** Double x."),
        code("# a starting point given to the students\ny = x.copy()"),
        md("**Solution.**", S),
        code("y = 2 * y\nprint(y)", S),
        md("So it goes.", S),
        md("[Contents](../README.md#the-notebooks)"),
    ])


def checked():
    """A notebook in the style of 03-04 with a check cell after each solution."""
    return notebook([
        md("# 9. A lesson"),
        code("import numpy as np\nx = np.arange(4)"),
        md("## Exercises\n\n**1. Add (easy).** Add x up; call it `total`."),
        code("def check(n):\n    print('right' if 'total' in globals() else 'not answered yet')"),
        md("**Solution.**", S),
        code("total = int(x.sum())", S),
        code("check(1)", "check", output="right\n"),
        md("**2. Double (medium).** Double x."),
        md("**Solution.**", S),
        code("y = 2 * x", S),
        code("check(2)", "check", output="right\n"),
        md("[Contents](../README.md#the-notebooks)"),
    ])


def write(folder, name, nb):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(nb, indent=1))
    return folder / name


@pytest.mark.parametrize("make", [listed, interleaved])
def test_solutions_become_answer_cells_and_the_rest_stays(make):
    nb = make()
    original = json.dumps(nb)
    out = student.student_notebook(nb)
    assert json.dumps(nb) == original  # the teacher's notebook is not changed in memory either
    nbformat.validate(nbformat.from_dict(out))
    kinds = [("answer" if student.ANSWER_TAG in tags(c) else c["id"]) for c in out["cells"]]
    untagged = [c for c in nb["cells"] if S not in tags(c)]
    assert [c for c in out["cells"] if student.ANSWER_TAG not in tags(c)] == untagged
    assert kinds.count("answer") == 4
    texts = [student.source(c) for c in out["cells"] if student.ANSWER_TAG in tags(c)]
    assert "exercise 1 goes below" in texts[0] and texts[1] == "" and "exercise 2 goes below" in texts[2]
    if make is listed:  # the answer cells stand where the solutions stood
        assert kinds == ["cell-0", "cell-1", "cell-2", "answer", "answer", "answer", "answer", "cell-8"]
        assert out["cells"][1]["outputs"] == nb["cells"][1]["outputs"]  # outputs are kept
    else:
        assert kinds == ["cell-0", "cell-1", "cell-2", "answer", "answer", "cell-5", "cell-6",
                         "answer", "answer", "cell-10"]


def untag(nb, i):
    nb["cells"][i]["metadata"] = {}
    return nb


def tag(nb, i):
    nb["cells"][i]["metadata"] = {"tags": [S]}
    return nb


@pytest.mark.parametrize("broken, says", [
    (lambda: untag(interleaved(), 3), "cell 3 is a solution heading not tagged"),
    (lambda: untag(untag(untag(interleaved(), 7), 8), 9), "exercise 2 has no solution cell"),
    (lambda: tag(listed(), 1), "cell 1 is tagged 'solution' but is not after the '## Exercises'"),
    (lambda: tag(interleaved(), 5), "holds the statement of exercise 2"),
    (lambda: untag(listed(), 7), "cell 7 follows a solution but is not tagged"),
    (lambda: notebook(interleaved()["cells"][:-1] + [code("print(total)")]), "uses total, which only"),
], ids=["untagged-heading", "untagged-solution", "tagged-lesson-cell", "tagged-statement",
        "untagged-conclusion", "uses-a-solution-name"])
def test_a_mistagged_notebook_is_refused_and_nothing_written(tmp_path, broken, says):
    nb = broken()
    assert any(says in line for line in student.problems(nb)), student.problems(nb)
    src = tmp_path / "notebooks"
    write(src, "09_x.ipynb", nb)
    write(src, "10_fine.ipynb", listed())
    with pytest.raises(student.StudentEditionError, match="09_x.ipynb: .*" + says.split(" ")[0]):
        student.write_student_edition(src, tmp_path / "student")
    assert not (tmp_path / "student").exists()


def test_check_cells_stay_under_the_answer_cells_with_no_output():
    nb = checked()
    out = student.student_notebook(nb)
    kinds = [("answer" if student.ANSWER_TAG in tags(c) else c["id"]) for c in out["cells"]]
    assert kinds == ["cell-0", "cell-1", "cell-2", "cell-3", "answer", "answer", "cell-6", "cell-7",
                     "answer", "answer", "cell-10", "cell-11"]
    for i in (6, 10):
        assert out["cells"][i]["source"] == nb["cells"][i]["source"] and out["cells"][i]["outputs"] == []
    assert "run the cell `check(1)` under it" in out["cells"][4]["source"]
    assert nb["cells"][6]["outputs"]                      # the teacher's notebook keeps its output


def retag(nb, i, *cell_tags, text=None):
    nb["cells"][i]["metadata"] = {"tags": list(cell_tags)}
    if text is not None:
        nb["cells"][i]["source"] = text
    return nb


@pytest.mark.parametrize("broken, says", [
    (lambda: retag(checked(), 6, "check", text="check(1)\nprint(total)"), "is not a code cell holding only check(N)"),
    (lambda: retag(checked(), 10, "check", text="check(1)"), "runs check(1) but follows the solution of exercise 2"),
    (lambda: retag(checked(), 3, "check", text="check(1)"), "cell 3 is tagged 'check' but does not follow a worked solution"),
    (lambda: retag(checked(), 6, "check", S), "tagged both 'solution' and 'check'"),
    (lambda: retag(checked(), 6), "cell 6 follows a solution but is not tagged"),
], ids=["more-than-a-call", "wrong-number", "before-the-solution", "tagged-solution-too", "untagged"])
def test_a_misplaced_check_cell_is_refused(broken, says):
    found = student.problems(broken())
    assert any(says in line for line in found), found
    with pytest.raises(student.StudentEditionError, match=says.split(" ")[0]):
        student.student_notebook(broken())


def test_names_bound_and_read():
    bound, read = student.names("%matplotlib inline\nimport numpy.linalg as la, os.path\n"
                                "def f(a, *b):\n    return a + c\nfor i in range(3): pass\n")
    assert {"la", "os", "f", "a", "b", "i"} <= bound and {"c", "range"} <= read
    assert student.names("for = 1") is None


def test_the_edition_runs_top_to_bottom(tmp_path):
    """The student edition of a small notebook runs with nbclient, its answer cells empty."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    src = tmp_path / "notebooks"
    write(src, "09_x.ipynb", interleaved())
    write(src, "10_checked.ipynb", checked())
    for path in student.write_student_edition(src, tmp_path / "student"):
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=60, kernel_name="python3").execute()
        ran = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.execution_count for c in ran if c.source)
        assert not [o for c in ran for o in c.outputs if o.output_type == "error"]
        assert all(c.source == "" and c.outputs == [] for c in ran if student.ANSWER_TAG in tags(c))
        said = [o.text for c in ran if student.is_check(c) for o in c.outputs]
        assert said == (["not answered yet\n"] * 2 if "checked" in path.name else [])

    # The static check matters: a lesson cell that uses a solution's name fails in the edition.
    bad = interleaved()
    bad["cells"].insert(-1, code("print(total)"))
    bad_edition = nbformat.from_dict(dict(bad, cells=[c for c in bad["cells"] if S not in tags(c)]))
    with pytest.raises(CellExecutionError, match="NameError"):
        NotebookClient(bad_edition, timeout=60, kernel_name="python3").execute()


def test_an_edition_is_replaced_but_no_other_folder(tmp_path):
    src = tmp_path / "notebooks"
    write(src, "09_x.ipynb", listed())
    (src / "images").mkdir()
    (src / "images" / "a.png").write_bytes(b"png")
    (src / ".ipynb_checkpoints").mkdir()
    (src / ".ipynb_checkpoints" / "09_x-checkpoint.ipynb").write_text("{}")
    before = files(src)
    dst = tmp_path / "student"
    student.write_student_edition(src, dst)
    (dst / "stale.ipynb").write_text("{}")
    student.write_student_edition(src, dst)  # again: the old edition is replaced
    assert sorted(str(p) for p in files(dst)) == [student.MARKER, "09_x.ipynb", "images/a.png"]
    assert files(src) == before
    other = tmp_path / "mine"
    write(other, "keep.txt", {})
    for target in (other, src, src / "student", tmp_path):
        with pytest.raises(student.StudentEditionError):
            student.write_student_edition(src, target)
    assert (other / "keep.txt").exists() and files(src) == before


def test_the_command_line(tmp_path, capsys):
    src = tmp_path / "notebooks"
    write(src, "09_x.ipynb", interleaved())
    assert student.main([str(src), str(tmp_path / "student")]) == 0
    assert "09_x.ipynb: 2 solutions replaced by answer cells" in capsys.readouterr().out
    write(src, "10_bad.ipynb", untag(listed(), 3))
    assert student.main([str(src), str(tmp_path / "student")]) == 1
    assert "10_bad.ipynb: cell 3 is a solution heading not tagged 'solution'" in capsys.readouterr().err
