"""The slider panel (helpers.widgets.TrainingPanel) driven like a learner drives it.

A small notebook written here (a 784-10-10 network on 500 images) keeps these tests short
and independent of the lessons; the lessons' own panels are checked by test_browser_notebooks.py.
Sliders are moved with the keyboard (focus the handle, press keys): mouse drags land
imprecisely.
"""
import json
import re

import pytest
from playwright.sync_api import expect

NAME = "panel_check.ipynb"
CELLS = [
    "import json\n\nfrom helpers import mnist, widgets\n\ndata = mnist.load_mnist()",
    "panel = widgets.TrainingPanel(data, hidden=(10,), lr=3.0, batch_size=10, epochs=1, subset=500,\n"
    "    controls=(\"hidden\", \"lr\", \"batch_size\", \"epochs\", \"subset\", \"init_scale\", \"seed\"))\n"
    "panel",
    "print(json.dumps({name: panel.settings()[name] for name in panel.controls}))",
]
PASSED_IN = {"hidden": 10, "lr": 3.0, "batch_size": 10, "epochs": 1, "subset": 500, "init_scale": 1.0,
             "seed": 0}
SETTINGS_CELL = 2


@pytest.fixture(scope="module")
def panel(lab, open_notebook_for_module):
    """The panel's widget (a Playwright locator) after its notebook has run without errors."""
    lab.write_notebook(NAME, CELLS)
    nb = open_notebook_for_module(NAME)
    nb.run_all(timeout=120)
    assert nb.problems() == []
    locator = nb.page.locator(".training-panel")
    locator.wait_for(state="visible")
    locator.page.mouse.move(0, 0)
    locator.notebook = nb
    return locator


def kernel_settings(panel):
    """The slider values as the kernel sees them (``panel.settings()``), by running a cell."""
    outputs = panel.notebook.run_cell(SETTINGS_CELL)
    assert len(outputs) == 1, outputs
    return json.loads(outputs[0])


def set_slider(panel, name, keys, expected):
    """Focus the handle of the ``name`` slider, press ``keys``, and check its readout."""
    control = panel.locator(f".panel-control-{name}")
    control.locator(".noUi-handle").focus()
    for key in keys:
        control.page.keyboard.press(key)
    readout = control.locator(".widget-readout")
    try:
        readout.page.wait_for_function("([el, text]) => el.innerText.trim() === text",
                                       arg=[readout.element_handle(), expected], timeout=5000)
    except Exception:
        pytest.fail(f"slider {name!r}: after {keys} the readout says {readout.inner_text()!r}, not {expected!r}")
    control.locator(".noUi-handle").blur()


def readout(panel):
    return panel.locator(".panel-readout").inner_text().strip()


def wait_for_readout(panel, pattern, timeout):
    try:
        panel.page.wait_for_function(
            "([el, pattern]) => new RegExp(pattern).test(el.innerText)",
            arg=[panel.locator(".panel-readout").element_handle(), pattern], timeout=timeout * 1000)
    except Exception:
        pytest.fail(f"the readout did not match {pattern!r} within {timeout} s: {readout(panel)!r}; "
                    f"message: {panel.locator('.panel-message').inner_text()!r}")


def test_the_kernel_keeps_the_values_passed_in(panel):
    settings = kernel_settings(panel)
    assert {k: v for k, v in settings.items() if k != "lr"} == {k: v for k, v in PASSED_IN.items() if k != "lr"}


def test_the_kernel_keeps_the_learning_rate_passed_in(panel):
    assert kernel_settings(panel)["lr"] == PASSED_IN["lr"]
    assert panel.locator(".panel-control-lr .widget-readout").inner_text().strip() == "3"


def test_slider_then_train_changes_the_readout_and_the_plot(panel, screenshots):
    panel.screenshot(path=str(screenshots / "panel-1-before.png"))
    before, plot_before = readout(panel), panel.locator(".panel-plot").get_attribute("src")
    assert "Press Train" in before

    set_slider(panel, "epochs", ["ArrowRight", "ArrowRight"], "3")
    panel.screenshot(path=str(screenshots / "panel-2-after-slider.png"))
    assert kernel_settings(panel)["epochs"] == 3, "the kernel did not get the slider's new value"

    panel.locator(".panel-train").click()
    wait_for_readout(panel, r"\bdone\b", timeout=60)
    after = readout(panel)
    panel.page.wait_for_timeout(300)                       # the last plot update
    panel.screenshot(path=str(screenshots / "panel-3-after-train.png"))
    assert re.search(r"epoch 3/3\b", after), f"the kernel did not train the slider's 3 epochs: {after!r}"
    accuracy = re.search(r"test (\d+\.\d\d)%", after)
    assert accuracy and 10 < float(accuracy[1]) <= 100, after
    assert panel.locator(".panel-plot").get_attribute("src") != plot_before, "the plot did not change"
    assert panel.locator(".panel-message").inner_text().strip() == ""
    expect(panel.locator(".panel-train")).to_be_enabled()     # set just after the readout
    expect(panel.locator(".panel-stop")).to_be_disabled()


def progress(panel):
    """The progress bar's fill, as the style width the browser shows (e.g. "4%")."""
    return panel.locator(".panel-progress .progress-bar").evaluate("el => el.style.width")


def test_stop_ends_a_long_run(panel, screenshots):
    # A long run: one image per step, 10,000 images, 50 epochs (minutes, if nobody stops it).
    set_slider(panel, "batch_size", ["Home"], "1")
    set_slider(panel, "subset", ["ArrowRight"] * 4, "10000")
    set_slider(panel, "epochs", ["End"], "50")

    panel.locator(".panel-train").click()
    wait_for_readout(panel, r"epoch [1-9]\d*/50", timeout=60)   # it is running and advancing
    expect(panel.locator(".panel-stop")).to_be_enabled()
    panel.locator(".panel-stop").click()
    wait_for_readout(panel, r"\bstopped\b", timeout=20)

    stopped_at, bar = readout(panel), progress(panel)
    epoch = int(re.search(r"epoch (\d+)/50", stopped_at)[1])
    assert epoch < 50, stopped_at
    # The message and the readout are separate widgets, each synced on its own: wait for it.
    expect(panel.locator(".panel-message")).to_contain_text(re.compile(r"Stopped by request in epoch \d+"),
                                                            timeout=10_000)
    panel.page.wait_for_timeout(2000)
    assert readout(panel) == stopped_at and progress(panel) == bar, "training went on after Stop"
    expect(panel.locator(".panel-train")).to_be_enabled()
    expect(panel.locator(".panel-stop")).to_be_disabled()
    panel.screenshot(path=str(screenshots / "panel-4-stopped.png"))
