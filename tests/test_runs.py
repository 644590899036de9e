"""The panel's records of runs: labels, the table that compares them, and what they say in words."""
import numpy as np
import pytest

from helpers import runs


def run(number=1, unit="epoch", planned=3, per=5000, **settings):
    base = dict(hidden=30, lr=3.0, batch_size=10, epochs=3, subset=50_000, seed=0)
    base.update(settings)
    return runs.Run(number=number, settings=base, unit=unit, planned=planned, steps_per_unit=per)


def test_a_label_names_the_settings_asked_for_in_words():
    r = run(lr=0.5, loss="cross_entropy", init="lecun", input_scale=255.0)
    assert r.label(["lr", "batch_size"]) == "run 1: η = 0.5, batch 10"
    assert r.label([]) == "run 1"
    assert [runs.describe(n, r.settings[n]) for n in ("loss", "init", "input_scale", "subset")] == \
        ["cross-entropy", "init LeCun", "pixels 0..255", "50,000 images"]


def test_the_table_shows_only_the_settings_that_differ():
    a, b = run(1), run(2, lr=0.5)
    a.history.test_acc, a.ended, a.seconds = [0.91, 0.93, 0.925], "done", 12.34
    b.ended, b.marks = "stopped", [(1.5, "η = 0.1")]
    assert runs.differing([a, b], ["hidden", "lr", "batch_size"]) == ["lr"]
    table = runs.table_html([a, b], ["hidden", "lr", "batch_size"])
    assert "<th>lr</th>" in table and "<th>hidden</th>" not in table
    assert "<td>92.50 %</td><td>93.00 %</td><td>12.3</td><td>done</td>" in table
    assert "<td>–</td><td>–</td><td>0.0</td><td>stopped (η = 0.1)</td>" in table
    assert runs.table_html([], ["lr"]) == ""


@pytest.mark.parametrize("t, text, k, part", [
    (0.0, "epoch 1 of 3", 0, 0),
    (0.25, "epoch 1 of 3 · mini-batch 1,250 of 5,000", 1, 1250),
    (2.0, "epoch 2 of 3 done", 2, 0),
])
def test_where_a_run_is_in_words(t, text, k, part):
    assert runs.where(run(), t) == (text, k, part)
    assert runs.where(run(unit="iteration", planned=200, per=1), 120.0) == ("iteration 120 of 200", 120, 0)


def test_a_stopped_run_says_where_in_plain_words():
    r = run()
    r.ended = "stopped"
    assert runs.ending(r, 1.25) == ("Stopped during epoch 2, after 1,250 of its 5,000 mini-batches. The curves "
                                    "show the run up to there; the network keeps what it learned, and "
                                    "Continue trains it further.")
    r.ended = "interrupted"
    assert runs.ending(r, 2.0).startswith("Kernel > Interrupt stopped the run after epoch 2.")
    r.ended = "replaced"
    assert runs.ending(r, 2.0).startswith("A new panel was made in this kernel (a panel's cell ran), and a "
                                          "kernel trains one panel's run at a time: this run was stopped after epoch 2.")
    r.ended = "diverged"
    assert runs.ending(r, 1.0, 2.31, 56.2201, 3.0) == (
        "The run diverged after epoch 1: the training loss grew from 2.31 to 56.22. η = 3 is probably too large: "
        "try one 3 to 10 times smaller. The network is back to its weights of the last full evaluation "
        "(or the start); the curves stop where it happened.")
    assert "the training loss became inf or NaN" in runs.ending(r, 1.0, 2.31, float("inf"), 3.0)
    stuck = runs.ending(r, 0.5, 2.31, 2.2, 100.0, unscaled=True, hint="every input now gives the same output")
    assert "every input now gets the same output" in stuck and "inputs scaled to 0..1" in stuck
    assert "saturated" not in stuck                  # a ReLU network has no slope to saturate
    r.ended = "done"
    assert runs.ending(r, 3.0) == ""


def test_warnings_for_one_class_and_for_chance():
    r = run(planned=4)
    labels = np.arange(100) % 10
    sevens = np.full(100, 7)
    sevens[:5] = 0
    assert "answers “7” for 95% of the images: it has collapsed onto one class" in runs.warning(r, 0.5, sevens, labels)
    guessing = (labels + 1) % 10                                 # every answer wrong, no class favoured
    assert runs.warning(r, 0.5, guessing, labels) == ""          # too early to say
    assert "After 1 of 4 epochs the network is still near chance (0.0 %)" in runs.warning(r, 1.0, guessing, labels)
    assert runs.warning(r, 1.0, labels, labels) == ""


def test_the_parts_of_a_continued_run_make_one_history():
    first, second = runs.History(step=[1, 2], loss=[0.5, 0.4], test_acc=[0.8, 0.85]), \
        runs.History(step=[1], loss=[0.3], test_acc=[0.9], stopped="stopped")
    h = runs.merged([(0, first), (2.5, second)], "epoch")
    assert h.step == [1, 2, 3.5] and h.test_acc == [0.8, 0.85, 0.9] and h.stopped == "stopped"


def test_a_narrow_table_scrolls_and_never_breaks_a_cell():
    table = runs.table_html([run(1), run(2, lr=0.5)], ["lr"])
    assert "overflow-x:auto" in table and "white-space: nowrap" in table


def test_durations_read_as_a_person_would_say_them():
    assert [runs.duration(s) for s in (42, 200, 7000)] == ["42 s", "3 min", "1 h 57 min"]
