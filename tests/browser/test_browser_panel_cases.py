"""The training panel where a learner once found it false or unusable, each case in JupyterLab.

One notebook of its own: panel ``a`` (a 784-10-10 network on 50,000 images, one image per
step), panel ``b`` made below it, a cell that trains ``a`` from code (``a.run()``) and a cell
after it. The tests run in order and share the kernel: Kernel > Interrupt during Run All,
Train pressed during ``a.run()``, a second panel made while the first trains, a page reload
mid-run and a kernel restart mid-run. Each takes a screenshot (``cases-*.png``).
"""
import re

import pytest
from playwright.sync_api import expect

from test_browser_panel import click, readout, set_slider, wait_for_readout

NAME = "panel_cases.ipynb"
CELLS = [
    "from helpers.panel import TrainingPanel\n\n"
    "a = TrainingPanel(hidden=(10,), lr=0.5, batch_size=1, epochs=1, subset=50_000,\n"
    "                  controls=(\"lr\", \"batch_size\", \"epochs\"))\n"
    "a",
    "b = TrainingPanel(hidden=(10,), lr=3.0, batch_size=10, epochs=1, subset=500, controls=(\"lr\",))\n"
    "b",
    "hist = a.run()\n"
    "print(hist.step, hist.stopped)",
    "print('after the run')",
    "print(a.state.phase, a.state.held_by or '-', a.runs[-1].ended if a.runs else '-')",
]
A, B, RUN, AFTER, STATE = range(5)


@pytest.fixture(scope="module")
def nb(lab, open_notebook_for_module):
    lab.write_notebook(NAME, CELLS)
    return open_notebook_for_module(NAME)


def panel_a(nb):
    locator = nb.page.locator(".jp-CodeCell").nth(A).locator(".training-panel")
    locator.notebook = nb
    return locator


def cell_prompt(nb, index):
    return nb.page.locator(".jp-CodeCell").nth(index).locator(".jp-InputArea-prompt").inner_text().strip()


def menu(page, top, item):
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(rf"^{top}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(rf"^{item}$")).click()


def test_kernel_interrupt_during_run_all_stops_the_run_and_run_all(nb, screenshots):
    """Case 10: train() swallowed the interrupt, the cell ended normally and Run All went on."""
    menu(nb.page, "Run", "Run All Cells")
    a = panel_a(nb)
    a.wait_for(state="visible", timeout=120_000)
    wait_for_readout(a, r"training from code", timeout=120)
    menu(nb.page, "Kernel", "Interrupt Kernel")
    wait_for_readout(a, r"\binterrupted after\b", timeout=30)
    nb.wait_until_done(60)
    outputs = nb.page.locator(".jp-CodeCell").nth(RUN).locator(".jp-OutputArea-output").all_inner_texts()
    assert any("KeyboardInterrupt" in o for o in outputs), outputs
    assert cell_prompt(nb, AFTER) == "[ ]:", "Run All went on after the interrupt"
    expect(a.locator(".panel-message")).to_contain_text("Kernel > Interrupt stopped the run")
    expect(a.locator(".panel-train")).to_be_enabled()
    a.screenshot(path=str(screenshots / "cases-1-interrupt-during-run-all.png"))


def test_train_is_locked_while_the_cell_below_trains_the_panel(nb, screenshots):
    """Case 10: Train pressed during panel.run() left a panel that contradicted itself."""
    a = panel_a(nb)
    cell = nb.page.locator(".jp-CodeCell").nth(RUN)
    cell.locator(".jp-InputArea-prompt").click()
    nb.page.keyboard.press("Control+Enter")
    wait_for_readout(a, r"^run 2 .*training from code", timeout=60)
    for name in ("train", "continue", "step", "pause", "stop", "reset"):
        expect(a.locator(f".panel-{name}")).to_be_disabled()
    a.locator(".panel-train").click(force=True)         # a click on the locked button does nothing
    a.screenshot(path=str(screenshots / "cases-2-train-during-panel-run.png"))
    wait_for_readout(a, r"^run 2 · epoch 1 of 1 done .*\bdone after\b", timeout=180)
    expect(cell.locator(".jp-OutputArea-output").last).to_have_text(re.compile(r"^\[1\]"), timeout=30_000)
    table = a.locator(".panel-runs-table")
    expect(table.locator("tr")).to_have_count(3)         # runs 1 and 2, no third
    assert "running" not in table.inner_text()
    text = readout(a)
    accuracy = re.search(r"validation (\d+\.\d) %", text)[1]
    expect(a.locator(".panel-title")).to_contain_text("run 2:")
    warning = a.locator(".panel-warning").inner_text()
    assert "near chance" not in warning or f"({accuracy} %)" in warning, (text, warning)


def test_a_second_panel_made_mid_run_says_so_in_the_first(nb, screenshots):
    """Case 2: the first panel stayed on "about 9 s left" with live buttons, for ever."""
    a = panel_a(nb)
    set_slider(a, "epochs", ["End"], "50")
    click(a, "train")
    wait_for_readout(a, r"^run 3 · epoch 1 of 50 · mini-batch", timeout=30)
    nb.run_cell(B)
    wait_for_readout(a, r"\bstopped by a new panel after\b", timeout=30)
    expect(a.locator(".panel-message")).to_contain_text("A new panel was made in this kernel")
    expect(a.locator(".panel-runs-table")).to_contain_text("stopped by a new panel")
    expect(a.locator(".panel-stop")).to_be_disabled()
    expect(a.locator(".panel-pause")).to_be_disabled()
    assert "left" not in readout(a)
    a.screenshot(path=str(screenshots / "cases-3-first-panel-after-a-second-was-made.png"))


def test_a_page_reload_mid_run_pauses_the_run(nb, screenshots):
    """Case 3: after a reload the kernel trained on out of sight, the status bar saying Idle."""
    a = panel_a(nb)
    click(a, "train")
    wait_for_readout(a, r"^run 4 · epoch 1 of 50 · mini-batch", timeout=30)
    nb.page.reload()
    nb.wait_for_kernel()
    nb.hide_sidebar()
    nb.page.wait_for_timeout(14_000)                     # more than the heartbeat's 10 s
    outputs = nb.run_cell(STATE)
    assert outputs == ["paused no view waiting"], outputs
    nb.screenshot(screenshots / "cases-4-after-a-reload.png")


def test_a_kernel_restart_mid_run_leaves_a_panel_that_says_it_is_gone(nb, screenshots):
    """Case 3: after a restart, the old panel said "about 4 min left" with live-looking buttons."""
    nb.run_cell(A, timeout=120)                           # a panel again, after the reload
    a = panel_a(nb)
    set_slider(a, "epochs", ["End"], "50")
    click(a, "train")
    wait_for_readout(a, r"epoch 1 of 50 · mini-batch", timeout=30)
    menu(nb.page, "Kernel", re.escape("Restart Kernel…"))
    nb.page.locator(".jp-Dialog .jp-mod-accept").click()
    expect(a).to_have_class(re.compile(r"\bjupyter-widgets-disconnected\b"), timeout=30_000)
    expect(a.locator(".panel-gone")).to_be_visible()
    expect(a.locator(".panel-gone")).to_contain_text("This panel has lost its kernel")
    expect(a.locator(".panel-train")).to_be_hidden()
    expect(a.locator(".panel-readout")).to_be_hidden()
    a.screenshot(path=str(screenshots / "cases-5-after-a-kernel-restart.png"))
    nb.wait_for_kernel()                                  # the new kernel, before the page closes
