"""Run every ``benchmarks/bench_*.py`` in turn and print their tables.

    python benchmarks/run_all.py            # the tables, one after the other
    python benchmarks/run_all.py --quick    # options are passed on to every benchmark
    python benchmarks/run_all.py --json     # and end with one line: {"bench_x": {...}, ...}

Each benchmark runs in its own Python process (so one cannot slow the next with
what it leaves in memory), with this interpreter, and is given only the options
its source mentions. The exit code is 1 if any benchmark failed.
"""
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run(script, args):
    """Run one benchmark, echoing its output; return (exit code, its last line parsed as JSON or None)."""
    print(f"=== {script.name} {' '.join(args)}".rstrip(), flush=True)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(script), *args], stdout=subprocess.PIPE, text=True)
    lines = done.stdout.splitlines()
    result = None
    if "--json" in args and lines:
        try:
            result = json.loads(lines[-1])
            lines = lines[:-1]
        except json.JSONDecodeError:
            pass
    print("\n".join(lines))
    status = "ok" if done.returncode == 0 else f"FAILED (exit code {done.returncode})"
    print(f"=== {script.name}: {status} in {time.perf_counter() - start:.0f} s\n", flush=True)
    return done.returncode, result


def options_for(script, args):
    """Return the options in ``args`` (each with the values after it) that ``script`` mentions."""
    groups = []
    for arg in args:
        if arg.startswith("--") or not groups:
            groups.append([arg])
        else:
            groups[-1].append(arg)                  # a value, e.g. the 5 of --repeats 5
    text = script.read_text()
    return [arg for group in groups if f'"{group[0].split("=")[0]}"' in text for arg in group]


def main(args):
    if {"-h", "--help"} & set(args):
        print(__doc__.strip())
        return 0
    scripts = sorted(HERE.glob("bench_*.py"))
    if not scripts:
        print("no benchmarks/bench_*.py found")
        return 1
    codes, results = [], {}
    for script in scripts:
        code, result = run(script, options_for(script, args))
        codes.append(code)
        results[script.stem] = result
    if "--json" in args:
        print(json.dumps(results))
    return 1 if any(codes) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
