"""The notebooks as documents: order, navigation, template, and clean stored outputs.

nbval (run by the same `make test`) re-executes every notebook and compares its
outputs; these tests check what nbval does not: that the course reads as a
series, every lesson follows the template, and nothing stored is stale or leaks
details of the machine it ran on.
"""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
EXPECTED = ["00_meet_mnist", "01_perceptrons", "02_sigmoid_neurons",
            "03_one_hidden_layer_mse", "04_two_hidden_relu_softmax",
            "05_your_own_digits"]


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def text(cell):
    return "".join(cell["source"])


def test_the_course_has_its_notebooks_in_order():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


def test_readme_lists_every_notebook():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        assert f"notebooks/{path.name}" in readme, f"README.md does not link {path.name}"


def title(path):
    """Return the notebook's H1 without the '#', e.g. '1. Perceptrons'."""
    for cell in load(path)["cells"]:
        match = re.search(r"^# (\d+\. .+)$", text(cell), re.M)
        if cell["cell_type"] == "markdown" and match:
            return match.group(1).strip()
    raise AssertionError(f"{path.name} has no '# N. Title' heading")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_title_repeats_the_number_of_the_file(path):
    assert title(path).startswith(f"{int(path.name[:2])}. ")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_navigation_bar_first_and_last(path):
    i = NOTEBOOKS.index(path)
    links = ["[Contents](../README.md#the-notebooks)"]
    if i > 0:
        links.insert(0, f"[< {title(NOTEBOOKS[i - 1])}]({NOTEBOOKS[i - 1].name})")
    if i + 1 < len(NOTEBOOKS):
        links.append(f"[{title(NOTEBOOKS[i + 1])} >]({NOTEBOOKS[i + 1].name})")
    cells = load(path)["cells"]
    for cell in (cells[0], cells[-1]):
        assert cell["cell_type"] == "markdown"
        for link in links:
            assert link in text(cell), f"{path.name}: navigation bar lacks {link}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_template_sections(path):
    markdown = "\n".join(text(c) for c in load(path)["cells"] if c["cell_type"] == "markdown")
    for needle in ["In this notebook you will", "## Summary", "## Exercises", "Solution"]:
        assert needle in markdown, f"{path.name} lacks {needle!r}"
    assert markdown.index("## Summary") < markdown.index("## Exercises") < markdown.rindex("Solution")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_one_seeded_setup_cell(path):
    code = [text(c) for c in load(path)["cells"] if c["cell_type"] == "code"]
    setup = [c for c in code if re.search(r"^SEED = \d+", c, re.M)]
    assert len(setup) == 1, f"{path.name}: expected one setup cell defining SEED"
    assert "np.random.default_rng(SEED)" in setup[0]
    assert not any(re.search(r"np\.random\.(seed|rand|randn|randint|shuffle)\(", c) for c in code), \
        f"{path.name} uses NumPy's global random state; use a seeded Generator"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_executed_top_to_bottom_with_clean_outputs(path):
    nb = load(path)
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and text(c).strip()]
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), f"{path.name}: re-run it top to bottom and save"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert "widgets" not in nb["metadata"], f"{path.name}: saved widget state (the views show it, not GitHub)"
    timed = [text(c)[:60] for c in nb["cells"] if "execution" in c.get("metadata", {})]
    assert not timed, f"{path.name}: cells keep their run timestamps (a diff on every run): {timed[:3]}"
    for cell in code:
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"{path.name}: a stored error in:\n{text(cell)}"
            assert out.get("name") != "stderr", f"{path.name}: stderr output in:\n{text(cell)}"
            shown = json.dumps(out.get("text", "")) + json.dumps(out.get("data", {}).get("text/plain", ""))
            assert not re.search(r"(/work/|/root/|/home/|/tmp/|/Users/)", shown), \
                f"{path.name}: an output shows a path of the machine it ran on"
