"""Fixtures for the browser tests: a JupyterLab server on a copy of the notebooks, and Chromium.

The server serves the student edition of notebooks/ (the worked solutions left out, outputs
cleared), written to a temporary folder, so the committed files are never opened or saved; its settings and workspaces live in the same temporary folder. The
kernel imports the editable ``helpers`` and finds the data through MNIST_DIR, which the server
passes on. Chromium is Debian's (or $CHROMIUM), driven by Playwright.

Environment: CHROMIUM (default /usr/bin/chromium), BROWSER_SCREENSHOTS (default
screenshots/ at the repository root), BROWSER_NOTEBOOK_TIMEOUT (seconds per notebook, 600).
"""
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tools.student import write_student_edition

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS") or REPO / "screenshots").resolve()
NOTEBOOK_TIMEOUT = float(os.environ.get("BROWSER_NOTEBOOK_TIMEOUT", 600))
KERNEL = "Python 3 (ipykernel)"
# Needed as root (--no-sandbox) and on a machine with no GPU and no internet (the rest).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# JupyterLab user settings: no news or update pop-up; every cell in the DOM, so that the
# checks and the screenshots see the whole notebook, not only the cells in view.
LAB_SETTINGS = {
    "apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    "notebook-extension/tracker": {"windowingMode": "none"},
}
WIDGET_ERRORS = ("Error displaying widget", "model not found")

try:
    import playwright  # noqa: F401
except ModuleNotFoundError:
    raise pytest.UsageError("The browser tests need Playwright for Python: run `make test-browser`, "
                            "which installs it (pyproject's browser extra).") from None


def pytest_report_header(config):
    return [f"browser tests: Chromium {CHROMIUM}, screenshots in {SCREENSHOTS}"]


def pytest_terminal_summary(terminalreporter):
    shots = sorted(SCREENSHOTS.glob("*.png")) if SCREENSHOTS.is_dir() else []
    if shots:
        terminalreporter.write_sep("-", f"screenshots in {SCREENSHOTS}")
        for shot in shots:
            terminalreporter.write_line(f"  {shot.name}")


# ----------------------------------------------------------------------------- the server
def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_notebooks(src, dst):
    """Write the student edition of the folder ``src`` to ``dst`` (``tools/student.py``: every
    worked solution replaced by an empty answer cell), with every notebook's outputs and counts
    cleared: the browser runs the notebooks as a class gets them."""
    write_student_edition(src, dst)
    for path in dst.glob("*.ipynb"):
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                cell["outputs"], cell["execution_count"] = [], None
        path.write_text(json.dumps(nb, indent=1))


class Lab:
    """A running JupyterLab: ``url(path)``, ``api(method, path)`` and its ``root`` folder."""

    def __init__(self, root, port, token, proc, log):
        self.root, self.port, self.token, self.proc, self.log = root, port, token, proc, log
        self.base = f"http://127.0.0.1:{port}"

    def url(self, notebook, workspace):
        """The address that opens ``notebook`` in its own empty workspace."""
        return f"{self.base}/lab/workspaces/{workspace}/tree/{notebook}?token={self.token}"

    def write_notebook(self, name, cells):
        """Write a notebook of code cells into the served folder (never the repository)."""
        write_notebook(self.root / name, cells)

    def api(self, method, path):
        req = urllib.request.Request(f"{self.base}{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self):
        """End every session and its kernel, so the next notebook has the CPU to itself."""
        for session in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{session['id']}")

    def log_tail(self, lines=30):
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def write_notebook(path, cells):
    """Write a notebook of code cells (source strings) to ``path``, with the python3 kernelspec."""
    nb = {"nbformat": 4, "nbformat_minor": 5,
          "metadata": {"kernelspec": {"name": "python3", "display_name": KERNEL, "language": "python"},
                       "language_info": {"name": "python"}},
          "cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "source": source,
                     "outputs": [], "execution_count": None} for i, source in enumerate(cells)]}
    path.write_text(json.dumps(nb, indent=1))


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """Start JupyterLab on 127.0.0.1 (random port and token) over a copy of notebooks/; stop it."""
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "notebooks"
    copy_notebooks(NOTEBOOKS, root)
    settings = tmp / "settings"
    for name, values in LAB_SETTINGS.items():
        path = settings / "@jupyterlab" / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port, token = free_port(), secrets.token_hex(16)
    runtime = tmp / "runtime"
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(runtime))   # MNIST_DIR passes through
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           "--ServerApp.port_retries=0", f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}",
           f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={tmp / 'workspaces'}"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = tmp / "jupyterlab.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    server = Lab(root, port, token, proc, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited with code {proc.returncode}:\n{server.log_tail()}")
            try:
                server.api("GET", "/api/status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer within 60 s:\n{server.log_tail()}")
                time.sleep(0.2)
        yield server
    finally:
        stop_process_group(proc, runtime)


def stop_process_group(proc, runtime_dir):
    """Stop the server (SIGTERM, which also ends its kernels; SIGKILL after 15 s), then any
    kernel of this server still alive (found by its connection file in ``runtime_dir``)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        except ProcessLookupError:
            pass
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if str(runtime_dir).encode() in cmdline.read_bytes():
                os.kill(int(cmdline.parent.name), signal.SIGKILL)
        except (OSError, ValueError):
            pass


# ---------------------------------------------------------------------------- the browser
@pytest.fixture(scope="session")
def browser():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.exit(f"Chromium was not found at {CHROMIUM}. Install it (Debian/Ubuntu: "
                    "sudo apt-get install chromium) or set CHROMIUM=/path/to/chrome.", returncode=2)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshots():
    """The folder screenshots are written to (created; old PNGs from earlier runs removed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    print(f"\nscreenshots: {SCREENSHOTS}")
    return SCREENSHOTS


class Notebook:
    """One notebook open in JupyterLab in its own page, with the checks the tests make."""

    def __init__(self, page, name):
        self.page, self.name = page, name

    def wait_for_kernel(self, timeout=120):
        """Wait until the status bar names the real kernel and says it is idle.

        A bare "Idle" shows up before the kernel exists ("No Kernel | Idle"), and Run All
        then runs nothing; the kernel's name in front of it means the kernel has started.
        """
        try:
            self.page.locator("#jp-main-statusbar", has_text=f"{KERNEL} | Idle").wait_for(timeout=timeout * 1000)
        except Exception:
            bar = self.page.locator("#jp-main-statusbar").all_inner_texts()
            dialog = self.page.locator(".jp-Dialog").all_inner_texts()
            pytest.fail(f"{self.name}: no idle '{KERNEL}' kernel after {timeout} s; status bar: "
                        f"{bar}; dialog: {dialog} (is the notebook's kernelspec python3?)")

    def hide_sidebar(self):
        """Collapse the file browser, so screenshots show the notebook at full width."""
        tab = self.page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
        if tab.count():
            tab.first.click()

    def run_all(self, timeout=NOTEBOOK_TIMEOUT):
        """Run All Cells from the Run menu and wait until the whole run has finished."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        self.page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
        self.wait_until_done(timeout)

    def state(self):
        """Prompts of the non-empty code cells, the source of the first one queued or running,
        the status bar, and the number of error outputs."""
        return self.page.evaluate("""() => {
            const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
            const cells = [...panel.querySelectorAll('.jp-CodeCell')].filter(
                c => c.querySelector('.cm-content')?.textContent.trim());
            const busy = cells.find(c => c.querySelector('.jp-InputArea-prompt')?.textContent.includes('*'));
            return {
                prompts: cells.map(c => c.querySelector('.jp-InputArea-prompt')?.textContent.trim()),
                running: busy ? busy.querySelector('.cm-content').innerText.slice(0, 300) : '',
                status: document.querySelector('#jp-main-statusbar')?.innerText || '',
                errors: panel.querySelectorAll(
                    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').length,
            };
        }""")

    def wait_until_done(self, timeout, settle=1.0):
        """Wait until every code cell has run (or the run stopped at an error) and the kernel is idle.

        The kernel goes "Idle" for a moment between two cells, so one look is not enough: the
        state must hold, with no cell queued or running ("[*]"), for ``settle`` seconds.
        """
        deadline, since, state = time.monotonic() + timeout, None, None
        while time.monotonic() < deadline:
            state = self.state()
            prompts = state["prompts"]
            ran = sum(bool(re.fullmatch(r"\[\d+\]:", p or "")) for p in prompts)
            done = (f"{KERNEL} | Idle" in state["status"] and not any("*" in (p or "") for p in prompts)
                    and (ran == len(prompts) or state["errors"]))
            if not done:
                since = None
            elif since is None:
                since = time.monotonic()
            elif time.monotonic() - since >= settle:
                return
            time.sleep(0.25)
        prompts = state["prompts"]
        ran = sum(bool(re.fullmatch(r"\[\d+\]:", p or "")) for p in prompts)
        pytest.fail(f"{self.name}: not finished after {timeout:.0f} s: {ran} of {len(prompts)} code cells "
                    f"ran; status bar {state['status']!r}; still running:\n{state['running']}")

    def run_cell(self, index, timeout=60):
        """Run code cell ``index`` (0-based) alone with Ctrl+Enter; return its outputs' texts."""
        cell = self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell").nth(index)
        prompt = cell.locator(".jp-InputArea-prompt")
        before = prompt.inner_text().strip()
        prompt.click()                                   # selects the cell, in command mode
        self.page.keyboard.press("Control+Enter")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            now = prompt.inner_text().strip()
            if now != before and re.fullmatch(r"\[\d+\]:", now):
                return [text.strip() for text in cell.locator(".jp-OutputArea-output").all_inner_texts()]
            time.sleep(0.1)
        pytest.fail(f"{self.name}: code cell {index + 1} did not run within {timeout} s")

    def problems(self, widget_timeout=20):
        """Texts of error and stderr outputs and of widget error placeholders, by code cell.

        Widget views say "Loading widget..." until they render or fail (a missing model shows
        its error only then), so this first waits up to ``widget_timeout`` seconds for them;
        one still loading after that counts as a problem too.
        """
        try:
            self.page.wait_for_function("""() => ![...document.querySelectorAll('.jp-OutputArea-output')]
                .some(o => o.innerText.includes('Loading widget'))""", timeout=widget_timeout * 1000)
        except Exception:
            pass
        return self.page.evaluate("""(widgetErrors) => {
            const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
            const found = [];
            panel.querySelectorAll('.jp-CodeCell').forEach((cell, i) => {
                const where = `code cell ${i + 1} ${cell.querySelector('.jp-InputArea-prompt')?.textContent.trim()}`;
                cell.querySelectorAll('.jp-OutputArea-output').forEach(out => {
                    const text = out.innerText;
                    if (out.dataset.mimeType === 'application/vnd.jupyter.stderr')
                        found.push(`${where}: error or stderr output: ${text.slice(-1500)}`);
                    else if (widgetErrors.some(e => text.includes(e)))
                        found.push(`${where}: widget error: ${text.slice(0, 500)}`);
                    else if (text.includes('Loading widget'))
                        found.push(`${where}: widget still loading`);
                });
            });
            return found;
        }""", list(WIDGET_ERRORS))

    def screenshot(self, path, max_height=12000):
        """Save PNGs of the whole notebook: the page is made as tall as the notebook first.

        A notebook taller than ``max_height`` pixels is saved in parts, ``NAME-1.png``,
        ``NAME-2.png``, ... Returns the paths written.
        """
        page, path = self.page, Path(path)
        page.mouse.move(0, 0)                              # no hover highlights in the picture
        size = page.viewport_size
        scroll = """(top) => {
            const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
            const outer = panel.querySelector('.jp-WindowedPanel-outer');
            outer.scrollTop = top;
            const cells = panel.querySelectorAll('.jp-Cell');
            const bottom = cells[cells.length - 1].getBoundingClientRect().bottom + outer.scrollTop;
            const chrome = window.innerHeight - outer.clientHeight;   // menus, toolbar, status bar
            return {content: bottom - outer.getBoundingClientRect().top + 20, chrome, view: outer.clientHeight};
        }"""
        dims = page.evaluate(scroll, 0)
        height = min(int(dims["chrome"] + dims["content"]), max_height)
        page.set_viewport_size({"width": size["width"], "height": height})
        page.wait_for_timeout(500)
        dims = page.evaluate(scroll, 0)
        parts = max(1, -(-int(dims["content"]) // int(dims["view"])))
        paths = [path] if parts == 1 else [path.with_name(f"{path.stem}-{k + 1}{path.suffix}")
                                           for k in range(parts)]
        for k, part in enumerate(paths):
            page.evaluate(scroll, k * dims["view"])
            page.wait_for_timeout(200)
            page.screenshot(path=str(part))
        page.set_viewport_size(size)
        return paths


@pytest.fixture(scope="session")
def context(browser):
    """One browser context for the whole run, so JupyterLab's scripts are fetched only once."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


def open_in(context, lab, name, pages):
    """Open ``name`` (a path under the server's root) in a new page, in a workspace of its own."""
    page = context.new_page()
    pages.append(page)
    page.set_default_timeout(30_000)
    page.goto(lab.url(name, f"w{secrets.token_hex(6)}"))
    nb = Notebook(page, name)
    nb.wait_for_kernel()
    nb.hide_sidebar()
    return nb


def close_all(pages, lab):
    """Close the pages (without saving) and end their kernels."""
    for page in pages:
        page.close()
    lab.shutdown_kernels()


@pytest.fixture
def open_notebook(context, lab):
    """Return ``open_notebook(name) -> Notebook``; pages and kernels are closed afterwards."""
    pages = []
    yield lambda name: open_in(context, lab, name, pages)
    close_all(pages, lab)


@pytest.fixture(scope="module")
def open_notebook_for_module(context, lab):
    """Like ``open_notebook``, for a notebook that the tests of one module share."""
    pages = []
    yield lambda name: open_in(context, lab, name, pages)
    close_all(pages, lab)
