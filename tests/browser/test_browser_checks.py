"""The checks themselves: a notebook with a broken widget, stderr output and an error must fail them.

Without this, a selector that matched nothing would let every notebook pass.
"""
NAME = "checks_self_test.ipynb"
CELLS = [
    "from IPython.display import display\n\n"
    "display({'application/vnd.jupyter.widget-view+json':\n"
    "         {'model_id': 'no-such-model', 'version_major': 2, 'version_minor': 0}}, raw=True)",
    "import sys\n\nprint('a warning', file=sys.stderr)",
    "1 / 0",
    "print('never runs: Run All stops at the error')",
]


def test_the_checks_see_errors_and_broken_widgets(lab, open_notebook):
    lab.write_notebook(NAME, CELLS)
    nb = open_notebook(NAME)
    nb.run_all(timeout=60)
    problems = nb.problems()
    assert len(problems) == 3, problems
    assert "widget error: Error displaying widget: model not found" in problems[0]
    assert "stderr output: a warning" in problems[1]
    assert "ZeroDivisionError" in problems[2]
    prompts = nb.state()["prompts"]
    assert prompts[-1] == "[ ]:" and all(p != "[ ]:" for p in prompts[:-1]), prompts
