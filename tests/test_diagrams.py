"""The diagrams (tools/diagrams.py): the committed SVG files are exactly what the code writes."""
import re

import pytest

from tools import diagrams


def test_every_committed_diagram_is_what_the_code_writes():
    assert diagrams.stale() == [], "run `make diagrams` and commit notebooks/images/"


@pytest.mark.parametrize("name", sorted(diagrams.DIAGRAMS))
def test_every_diagram_is_shown_by_a_notebook(name):
    from pathlib import Path
    shown = "".join(p.read_text() for p in Path(diagrams.FOLDER).parent.glob("[0-9][0-9]_*.ipynb"))
    assert f"images/{name}" in shown, f"{name} is drawn but no notebook shows it"


def test_a_drawing_is_the_same_text_every_time_and_has_a_name():
    svg = diagrams.network([784, 30, 10])
    assert svg.text() == diagrams.network([784, 30, 10]).text()
    assert "<title>" in svg.text() and 'fill="#fff"' in svg.text()       # readable in a dark theme
    assert not re.search(r"\d\.\d{2,}", svg.text()), "coordinates are rounded to 0.1 px"


def test_check_names_a_changed_file(tmp_path):
    diagrams.write_all(tmp_path)
    assert diagrams.main(["--check", "--folder", str(tmp_path)]) == 0
    if diagrams.DIAGRAMS:
        name = sorted(diagrams.DIAGRAMS)[0]
        (tmp_path / name).write_text("<svg/>")
        assert diagrams.stale(tmp_path) == [name]
