"""The slider panel (helpers.panel.TrainingPanel) in JupyterLab, used as a learner uses it.

A small notebook written here (a 784-10-10 network; the panel loads MNIST itself, with its
validation split) keeps these tests short and independent of the lessons; the lessons' own
panels are checked by test_browser_notebooks.py. Sliders are moved with the keyboard (focus
the handle, press keys): mouse drags land imprecisely. The tests share one kernel and run
in order; each leaves the panel idle.
"""
import json
import re

import pytest
from playwright.sync_api import expect

NAME = "panel_check.ipynb"
PANEL_CELL = ("from helpers.panel import TrainingPanel\n\n"
              "panel = TrainingPanel(hidden=(10,), lr=3.0, batch_size=10, epochs=1, subset=500,\n"
              "    controls=(\"hidden\", \"lr\", \"batch_size\", \"epochs\", \"subset\", \"init_scale\", \"seed\"))\n"
              "panel")
CELLS = [
    PANEL_CELL,
    "import json, threading\n\n"
    "print(json.dumps({name: panel.settings()[name] for name in panel.controls}))",
    "print(json.dumps({'runs': [(r.number, r.ended, r.settings['lr']) for r in panel.runs],\n"
    "                  'alive': sum(t.name == 'training panel run' for t in threading.enumerate())}))",
]
PASSED_IN = {"hidden": 10, "lr": 3.0, "batch_size": 10, "epochs": 1, "subset": 500, "init_scale": 1.0, "seed": 0}
PANEL, SETTINGS, STATE = 0, 1, 2
CELLS.append("from helpers import runner\n\nprint(len(runner.stop_all('stopped')))")
STOP_ALL = 3


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


@pytest.fixture(autouse=True)
def no_run_left(panel):
    """After each test, stop any run still going (a test that passes leaves none; one that
    fails may), so that one failure does not fail the tests after it."""
    yield
    panel.notebook.run_cell(STOP_ALL)


def kernel_json(panel, cell):
    outputs = panel.notebook.run_cell(cell)
    assert len(outputs) == 1, outputs
    return json.loads(outputs[0])


def kernel_state(panel, timeout=10):
    """The state cell's answer once no training thread is left (a thread ends a moment after
    its panel has said so), or the last answer after ``timeout`` seconds."""
    for _ in range(timeout * 2):
        state = kernel_json(panel, STATE)
        if state["alive"] == 0:
            break
        panel.page.wait_for_timeout(500)
    return state


def set_slider(panel, name, keys, expected):
    """Focus the handle of the ``name`` slider, press ``keys``, and check the value it shows."""
    control = panel.locator(f".panel-control-{name}")
    expect(control.locator(".noUi-target")).not_to_have_attribute("disabled", "true")   # unlocked
    control.locator(".noUi-handle").focus()
    for key in keys:
        control.page.keyboard.press(key)
    shown = control.locator(".panel-value, .widget-readout").first
    try:
        shown.page.wait_for_function("([el, text]) => el.innerText.trim() === text",
                                     arg=[shown.element_handle(), expected], timeout=5000)
    except Exception:
        pytest.fail(f"slider {name!r}: after {keys} it shows {shown.inner_text()!r}, not {expected!r}")
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


def click(panel, name):
    button = panel.locator(f".panel-{name}")
    expect(button).to_be_enabled()
    button.click()


def plot(panel):
    return panel.locator(".panel-loss").get_attribute("src")


def long_run(panel):
    """Settings for a run of many minutes: one image per step, 50,000 images, 50 epochs."""
    set_slider(panel, "batch_size", ["Home"], "1")
    set_slider(panel, "subset", ["End"], "50000")
    set_slider(panel, "epochs", ["End"], "50")


def test_the_kernel_keeps_the_values_passed_in(panel):
    assert kernel_json(panel, SETTINGS) == PASSED_IN
    assert panel.locator(".panel-control-lr .panel-value").inner_text().strip() == "3"
    # Defect 3: a SelectionSlider's own readout took typed text and ignored it; it is hidden now.
    expect(panel.locator(".panel-control-lr .widget-readout")).to_be_hidden()


def test_slider_then_train_changes_the_readout_and_the_plot(panel, screenshots):
    panel.screenshot(path=str(screenshots / "panel-1-before.png"))
    before, plot_before = readout(panel), plot(panel)
    assert "Press Train" in before
    set_slider(panel, "epochs", ["ArrowRight", "ArrowRight"], "3")
    assert kernel_json(panel, SETTINGS)["epochs"] == 3, "the kernel did not get the slider's new value"
    click(panel, "train")
    wait_for_readout(panel, r"\bdone after\b", timeout=60)
    after = readout(panel)
    assert re.search(r"^run 1 · epoch 3 of 3 done\b", after), after
    accuracy = re.search(r"validation (\d+\.\d) % \(all 10,000 images\)", after)
    assert accuracy and 10 < float(accuracy[1]) <= 100, after
    assert plot(panel) != plot_before, "the plot did not change"
    expect(panel.locator(".panel-runs")).to_contain_text("done")
    expect(panel.locator(".panel-train")).to_be_enabled()
    expect(panel.locator(".panel-stop")).to_be_disabled()
    panel.page.wait_for_timeout(300)
    panel.screenshot(path=str(screenshots / "panel-2-after-train.png"))


def test_two_runs_with_different_learning_rates_are_overlaid_and_tabled(panel, screenshots):
    set_slider(panel, "lr", ["ArrowLeft"] * 3, "0.5")
    click(panel, "train")
    wait_for_readout(panel, r"^run 2 .*\bdone after\b", timeout=60)
    table = panel.locator(".panel-runs-table")
    expect(table.locator("tr")).to_have_count(3)
    assert [c.strip() for c in table.locator("td:nth-child(2)").all_inner_texts()] == ["η = 3", "η = 0.5"]
    state = kernel_state(panel)
    assert state["runs"] == [[1, "done", 3.0], [2, "done", 0.5]] and state["alive"] == 0
    panel.screenshot(path=str(screenshots / "panel-3-two-runs.png"))
    # The README's opening picture: the panel after two runs, down to its curves.
    panel.evaluate("el => el.scrollIntoView()")
    panel.page.wait_for_timeout(300)
    top, curves = panel.bounding_box(), panel.locator(".panel-curves").bounding_box()
    panel.page.screenshot(path=str(screenshots / "readme-panel.png"), clip={
        "x": top["x"] - 8, "y": top["y"] - 8, "width": top["width"] + 16,
        "height": curves["y"] + curves["height"] - top["y"] + 16})


def test_the_curves_move_during_the_first_epoch_of_a_long_run(panel):
    long_run(panel)
    click(panel, "train")
    wait_for_readout(panel, r"^run 3 · epoch 1 of 50 · mini-batch", timeout=30)
    seen = set()
    for _ in range(40):                         # the plots seen while the readout says epoch 1
        now, shown = plot(panel), readout(panel)
        if "epoch 1 of 50 · mini-batch" in shown:
            seen.add(now)
        if len(seen) >= 3:
            break
        panel.page.wait_for_timeout(250)
    assert len(seen) >= 3, f"the curves did not change during the first epoch: {readout(panel)!r}"
    # The time left shows once the run has trained for a second (a fast machine can be well
    # into epoch 1 by then).
    wait_for_readout(panel, r"about \d+ (s|min|h \d+ min) left", timeout=10)
    # Defect 2: while it runs, everything but the learning rate is locked.
    expect(panel.locator(".panel-control-epochs .noUi-target")).to_have_attribute("disabled", "true")
    expect(panel.locator(".panel-control-lr .noUi-target")).not_to_have_attribute("disabled", "true")
    click(panel, "stop")
    wait_for_readout(panel, r"\bstopped\b", timeout=20)


def test_pause_step_resume_and_continue(panel, screenshots):
    click(panel, "train")                       # the long run again, as run 4
    wait_for_readout(panel, r"^run 4 · epoch 1 of 50 · mini-batch", timeout=30)
    click(panel, "pause")
    wait_for_readout(panel, r"\bpaused\b", timeout=20)
    expect(panel.locator(".panel-pause")).to_have_text(re.compile("Resume"))
    where = int(re.search(r"mini-batch ([\d,]+) of", readout(panel))[1].replace(",", ""))
    panel.page.wait_for_timeout(1000)
    assert f"mini-batch {where:,} of" in readout(panel), "training went on while paused"
    click(panel, "step")
    wait_for_readout(panel, rf"mini-batch {where + 1:,} of 50,000 .*paused", timeout=20)
    panel.screenshot(path=str(screenshots / "panel-4-paused-after-a-step.png"))
    click(panel, "pause")                       # Resume
    wait_for_readout(panel, r"left$", timeout=20)
    click(panel, "stop")
    wait_for_readout(panel, r"\bstopped\b", timeout=20)
    expect(panel.locator(".panel-message")).to_contain_text(re.compile(
        r"Stopped during epoch 1, after [\d,]+ of its 50,000 mini-batches"), timeout=10_000)
    message = panel.locator(".panel-message .panel-note")
    assert "panel-alarm" not in message.get_attribute("class"), "a Stop is no error"
    set_slider(panel, "epochs", ["Home"], "1")
    click(panel, "continue")                    # the same network, one more epoch
    wait_for_readout(panel, r"^run 4 · epoch \d of [\d.]+ · mini-batch", timeout=30)
    click(panel, "stop")
    wait_for_readout(panel, r"^run 4 .*\bstopped\b", timeout=20)
    assert "continued" in panel.locator(".panel-runs").inner_text()


def test_a_stuck_run_shows_its_warning(panel, screenshots):
    set_slider(panel, "subset", ["Home"], "500")                       # back to short runs
    set_slider(panel, "batch_size", ["ArrowRight"] * 3, "10")
    set_slider(panel, "init_scale", ["End"], "10")
    click(panel, "train")
    wait_for_readout(panel, r"\bdone after\b", timeout=60)
    expect(panel.locator(".panel-warning")).to_contain_text(re.compile(r"collapsed onto one class|near chance"))
    panel.screenshot(path=str(screenshots / "panel-5-stuck.png"))
    set_slider(panel, "init_scale", ["ArrowLeft"] * 4, "1")


def test_rerunning_the_cell_mid_run_leaves_no_run_behind(panel):
    long_run(panel)
    click(panel, "train")
    wait_for_readout(panel, r"epoch 1 of 50 · mini-batch", timeout=30)
    panel.notebook.run_cell(PANEL)                            # the panel's cell, run again
    state = kernel_state(panel)
    assert state["alive"] == 0 and state["runs"] == [], state   # the new panel, and no thread


def test_kernel_interrupt_stops_a_run(panel):
    fresh = panel.page.locator(".training-panel").last
    fresh.notebook = panel.notebook
    long_run(fresh)
    click(fresh, "train")
    wait_for_readout(fresh, r"epoch 1 of 50 · mini-batch", timeout=30)
    page = fresh.page
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Kernel$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Interrupt Kernel$")).click()
    wait_for_readout(fresh, r"\binterrupted\b", timeout=20)
    expect(fresh.locator(".panel-message")).to_contain_text("Kernel > Interrupt stopped the run")
    assert kernel_state(fresh)["alive"] == 0


def test_the_panel_fits_a_1024x768_window_with_the_file_browser_open(panel, screenshots):
    page = panel.page
    size = page.viewport_size
    page.set_viewport_size({"width": 1024, "height": 768})
    try:
        page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab").first.click()     # open the file browser
        expect(page.locator("#filebrowser")).to_be_visible()
        fresh = page.locator(".training-panel").last
        fresh.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        box, area = fresh.bounding_box(), fresh.locator("xpath=ancestor::div[contains(@class, 'jp-OutputArea-output')]").bounding_box()
        overflow = fresh.evaluate("el => el.scrollWidth - el.clientWidth")
        wide = fresh.evaluate("""el => { const right = el.getBoundingClientRect().right;
            return [...el.querySelectorAll('*')].filter(c => c.getBoundingClientRect().right > right + 0.5)
                .map(c => c.className + ' ' + Math.round(c.getBoundingClientRect().right - right)).slice(0, 5); }""")
        page.screenshot(path=str(screenshots / "panel-6-1024x768-with-file-browser.png"))
        assert overflow <= 0 and box["x"] + box["width"] <= area["x"] + area["width"] + 1, (box, area, wide)
    finally:
        page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").first.click()
        page.set_viewport_size(size)


def newest(panel):
    fresh = panel.page.locator(".training-panel").last
    fresh.notebook = panel.notebook
    return fresh


def test_keyboard_only_with_names_values_and_locked_controls_out_of_reach(panel, screenshots):
    """Case 5: unnamed sliders, η announced as an index, locked sliders in the Tab order, and an
    arrow key on one moved the notebook's selection (or collapsed its section)."""
    fresh, page = newest(panel), panel.page
    handles = fresh.locator(".noUi-handle")
    names = [h.get_attribute("aria-label") for h in handles.all()]
    assert names == ["hidden units", "η (lr)", "batch size", "epochs", "train images", "init scale", "seed"], names
    lr = fresh.locator(".panel-control-lr .noUi-handle")
    assert lr.get_attribute("aria-valuetext") == "3"
    lr.focus()
    page.keyboard.press("ArrowLeft")
    expect(lr).to_have_attribute("aria-valuetext", "2")
    page.keyboard.press("Tab")                            # the next slider, no readout between
    assert page.evaluate("document.activeElement.closest('.panel-control-batch_size') !== null")
    for _ in range(12):                                   # on to Train, with the keyboard only
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.panel-train') !== null"):
            break
    page.keyboard.press("Enter")
    wait_for_readout(fresh, r"epoch 1 of 50 · mini-batch", timeout=30)
    locked = fresh.locator(".panel-control-epochs .noUi-handle")
    expect(locked).to_have_attribute("tabindex", "-1")
    expect(locked).to_have_attribute("aria-disabled", "true")
    lr.focus()
    page.keyboard.press("Tab")                            # past every locked slider, to Pause
    assert page.evaluate("document.activeElement.closest('.panel-pause') !== null")
    active = page.evaluate("[...document.querySelectorAll('.jp-Notebook .jp-Cell')].findIndex("
                           "c => c.classList.contains('jp-mod-active'))")
    locked.focus()                                        # a locked slider, reached by a click
    for key in ("ArrowLeft", "ArrowDown", "Home"):
        page.keyboard.press(key)
    assert page.evaluate("[...document.querySelectorAll('.jp-Notebook .jp-Cell')].findIndex("
                         "c => c.classList.contains('jp-mod-active'))") == active, "the key reached the notebook"
    assert fresh.locator(".panel-control-epochs .panel-value").inner_text().strip() == "50"
    for name in ("loss", "accuracy"):
        assert "run" in fresh.locator(f".panel-{name}").get_attribute("alt")
    fresh.screenshot(path=str(screenshots / "panel-7-keyboard-only.png"))
    fresh.locator(".panel-stop").focus()
    page.keyboard.press("Enter")
    wait_for_readout(fresh, r"\bstopped\b", timeout=20)


def test_the_panel_reads_in_an_800x700_window_with_the_file_browser_open(panel, screenshots):
    """Case 7: the table cut off with no scrollbar, 7 of 10 digits, curves' text unreadable."""
    from helpers.plots import LiveCurves

    page, fresh = panel.page, newest(panel)
    size = page.viewport_size
    page.set_viewport_size({"width": 800, "height": 700})
    try:
        page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab").first.click()
        expect(page.locator("#filebrowser")).to_be_visible()
        fresh.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        right = fresh.bounding_box()["x"] + fresh.bounding_box()["width"]
        table = fresh.locator(".panel-runs-scroll")
        box = table.bounding_box()
        assert box["x"] + box["width"] <= right + 1, (box, right)
        assert table.evaluate("el => getComputedStyle(el).overflowX") == "auto"
        digits = fresh.locator(".panel-strip-row figure")
        assert digits.count() == 10
        for d in digits.all():
            b = d.bounding_box()
            assert b["x"] + b["width"] <= right + 1, "a digit of the strip is cut off"
        for name in ("loss", "accuracy"):
            img = fresh.locator(f".panel-{name}")
            shown, natural = img.evaluate("el => [el.clientWidth, el.naturalWidth]")
            assert LiveCurves.SMALLEST_TEXT_PX * shown / natural >= 9, (name, shown, natural)
        fresh.locator(".panel-loss").scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots / "panel-8-800x700-with-file-browser.png"))
    finally:
        page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").first.click()
        page.set_viewport_size(size)


CONTRAST = """(root) => {
    const rgb = c => c.match(/[\\d.]+/g).map(Number);
    const lum = c => { const [r, g, b] = rgb(c).slice(0, 3).map(v => { v /= 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
    const background = el => { for (let e = el; e; e = e.parentElement) {
        const c = getComputedStyle(e).backgroundColor, v = rgb(c);
        if (v.length < 4 || v[3] > 0.5) return c; } return 'rgb(255, 255, 255)'; };
    const found = [], walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode, el = node.parentElement;
        if (!node.textContent.trim() || !el.getClientRects().length || el.closest('button:disabled')) continue;
        const fg = getComputedStyle(el).color, bg = background(el), a = lum(fg), b = lum(bg);
        found.push({text: node.textContent.trim().slice(0, 30), fg, bg,
                    ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)});
    }
    return found;
}"""


def set_theme(page, name):
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Settings$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Theme$")).hover()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(rf"^{name}$")).click()
    page.wait_for_function("(dark) => document.body.dataset.jpThemeLight === String(!dark)",
                           arg=name.endswith("Dark"), timeout=30_000)
    page.wait_for_timeout(1000)


def test_every_text_of_the_panel_has_a_contrast_of_4_5_in_the_light_and_the_dark_theme(panel, screenshots):
    """Case 6: in JupyterLab Dark the message was #444 on #111 (1.9:1), errors 2.8:1."""
    page, fresh = panel.page, newest(panel)
    expect(fresh.locator(".panel-message")).to_contain_text("Stopped")
    measured = {}
    try:
        for theme in ("JupyterLab Light", "JupyterLab Dark"):
            if theme.endswith("Dark"):
                set_theme(page, theme)
            texts = fresh.evaluate(CONTRAST)
            assert len(texts) > 20, texts
            worst = min(texts, key=lambda t: t["ratio"])
            measured[theme] = round(worst["ratio"], 2)
            print(f"\n{theme}: lowest contrast {worst['ratio']:.2f}:1 ({worst['text']!r}, {worst['fg']} on {worst['bg']})")
            fresh.screenshot(path=str(screenshots / f"panel-9-{theme.split()[-1].lower()}-theme.png"))
            low = [t for t in texts if t["ratio"] < 4.5]
            assert not low, (theme, low)
    finally:
        (screenshots / "contrast.txt").write_text("".join(f"{k}: {v}:1\n" for k, v in measured.items()))
        if page.evaluate("document.body.dataset.jpThemeLight") == "false":
            set_theme(page, "JupyterLab Light")
