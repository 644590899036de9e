"""Every notebook of the course, as a class gets it, opened in JupyterLab in Chromium and run
with Run All Cells.

The server serves the student edition (conftest.py): the worked solutions are left out and
their answer cells are empty, so this also checks that the edition runs top to bottom.
Checks that every code cell ran, that no cell shows an error (or anything on stderr), that no
widget shows an error placeholder, and that every slider panel rendered with its controls.
Saves a screenshot of each notebook after its run (and of its first panel) to the folder that
the run prints.
"""
import json
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NAMES = sorted(path.name for path in NOTEBOOKS.glob("*.ipynb"))


def uses_panel(name):
    cells = json.loads((NOTEBOOKS / name).read_text())["cells"]
    return any("TrainingPanel(" in "".join(c["source"]) for c in cells if c["cell_type"] == "code")


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_in_jupyterlab(name, open_notebook, screenshots):
    nb = open_notebook(name)
    stem = name.removesuffix(".ipynb")
    try:
        nb.run_all()
        problems = nb.problems()                # waits for widget views to render or fail
    finally:
        nb.screenshot(screenshots / f"{stem}.png")

    assert problems == [], f"{name} shows errors in JupyterLab"
    prompts = nb.state()["prompts"]
    not_run = [i + 1 for i, p in enumerate(prompts) if not (p or "").strip("[]:").isdigit()]
    assert not not_run, f"{name}: code cells {not_run} (of {len(prompts)}) did not run"

    panels = nb.page.locator(".training-panel")
    if uses_panel(name):
        assert panels.count() >= 1, f"{name} builds a TrainingPanel but none is shown"
        for k in range(panels.count()):
            panel = panels.nth(k)
            assert panel.locator(".noUi-handle, select").count() >= 1, f"{name}: panel {k + 1} has no controls"
            assert panel.locator(".panel-train").is_enabled()
            assert panel.locator(".panel-loss").is_visible() and panel.locator(".panel-accuracy").is_visible()
        panels.first.scroll_into_view_if_needed()
        panels.first.screenshot(path=str(screenshots / f"{stem}-panel.png"))
