"""The drawing pad (helpers.pad.DrawingPad) and the robustness sliders, used with the mouse.

A small notebook written here loads notebook 05's final network (from data/, or trains it
with the same helper the notebook uses, recipe.final_network), shows the pad and the strip,
and lets the tests ask the kernel what it received. Strokes are drawn with Playwright's
mouse (pointer events); sliders are moved with the keyboard.
"""
import json
import re

import pytest
from playwright.sync_api import expect

NAME = "pad_check.ipynb"
CELLS = [
    "import json\n\nfrom helpers import digits, mnist, pad, recipe\n\n"
    "data = mnist.load_mnist()\nnet, _, _ = recipe.final_network(data)",
    "drawing_pad = pad.DrawingPad(net)\ndrawing_pad",
    "print(json.dumps({'prediction': drawing_pad.prediction, 'strokes': len(drawing_pad.strokes),\n"
    "                  'updates': drawing_pad.updates}))",
    "strip = pad.RobustnessStrip({'final network': net}, data['x_test'][:12], data['y_test'][:12])\nstrip",
]
STATE_CELL = 2


@pytest.fixture(scope="module")
def notebook(lab, open_notebook_for_module):
    lab.write_notebook(NAME, CELLS)
    nb = open_notebook_for_module(NAME)
    nb.run_all(timeout=600)                       # minutes of training, if data/ has no saved network
    assert nb.problems() == []
    nb.page.locator(".digit-pad-canvas").wait_for(state="visible")
    return nb


def kernel_state(nb):
    outputs = nb.run_cell(STATE_CELL)
    assert len(outputs) == 1, outputs
    return json.loads(outputs[0])


def draw(page, points, steps=25):
    """Press at the first point, move through the others (``steps`` moves each), release."""
    box = page.locator(".digit-pad-canvas").bounding_box()
    at = [(box["x"] + x, box["y"] + y) for x, y in points]
    page.mouse.move(*at[0])
    page.mouse.down()
    for x, y in at[1:]:
        page.mouse.move(x, y, steps=steps)
    page.mouse.up()


def bars(page):
    """The heights (px) of the ten bars, as the page shows them."""
    return page.locator(".digit-pad-fill").evaluate_all("els => els.map(e => parseFloat(e.style.height) || 0)")


def preview_ink(page):
    """The number of inked pixels in the 28x28 preview canvas."""
    return page.locator(".digit-pad-preview").evaluate("""c => {
        const d = c.getContext('2d').getImageData(0, 0, 28, 28).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] < 200) n++;
        return n; }""")


def test_a_vertical_line_reads_as_a_one_and_clear_empties_the_pad(notebook, screenshots):
    page = notebook.page
    pad = page.locator(".digit-pad")
    message = page.locator(".digit-pad-message")
    expect(message).to_have_text("draw a digit")
    assert max(bars(page)) == 0 and preview_ink(page) == 0
    pad.screenshot(path=str(screenshots / "pad-1-empty.png"))

    draw(page, [(142, 45), (138, 235)], steps=40)
    expect(message).to_have_text(re.compile(r"the network reads 1 \(output"), timeout=10_000)
    heights = bars(page)
    assert heights.index(max(heights)) == 1 and max(heights) > 50, heights
    assert preview_ink(page) > 20
    pad.screenshot(path=str(screenshots / "pad-2-one.png"))
    state = kernel_state(notebook)
    assert state["prediction"] == 1 and state["strokes"] == 1
    # 40 pointer moves, throttled: the kernel got far fewer messages than moves
    assert 1 <= state["updates"] < 20, state

    page.locator(".digit-pad-clear").click()
    expect(message).to_have_text("draw a digit", timeout=10_000)
    page.wait_for_function("() => [...document.querySelectorAll('.digit-pad-fill')]"
                           ".every(e => (parseFloat(e.style.height) || 0) === 0)", timeout=10_000)
    assert preview_ink(page) == 0
    assert kernel_state(notebook)["strokes"] == 0
    pad.screenshot(path=str(screenshots / "pad-3-cleared.png"))


def test_a_dot_is_not_a_digit_and_a_seven_is_read(notebook, screenshots):
    page = notebook.page
    message = page.locator(".digit-pad-message")
    page.locator(".digit-pad-clear").click()
    draw(page, [(150, 150), (153, 151)], steps=2)
    expect(message).to_have_text(re.compile(r"^too small to read: draw the digit larger"), timeout=10_000)
    page.locator(".digit-pad").screenshot(path=str(screenshots / "pad-4-a-dot-is-too-small.png"))
    page.locator(".digit-pad-clear").click()
    draw(page, [(70, 55), (210, 52), (120, 240)], steps=20)
    expect(message).to_have_text(re.compile(r"the network reads 7 \(output"), timeout=10_000)
    page.locator(".digit-pad").screenshot(path=str(screenshots / "pad-5-seven.png"))


def test_the_robustness_sliders_redraw_the_strip(notebook, screenshots):
    page = notebook.page
    strip = page.locator(".robustness-strip")
    strip.scroll_into_view_if_needed()
    image = strip.locator(".strip-plot")
    before = image.get_attribute("src")
    strip.screenshot(path=str(screenshots / "strip-1-before.png"))
    handle = strip.locator(".strip-control-dx .noUi-handle")
    handle.focus()
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    handle.blur()
    expect(strip.locator(".strip-control-dx .widget-readout")).to_have_text("4")
    page.wait_for_function("([el, old]) => el.getAttribute('src') !== old",
                           arg=[image.element_handle(), before], timeout=10_000)
    strip.screenshot(path=str(screenshots / "strip-2-shifted.png"))
