"""Training in the background, under the slider panel's control: pause, step, stop.

The panel's buttons must be heard while a network trains, so ``train`` runs in a thread of
its own and the kernel's main thread stays free. The thread calls back into its ``Runner``
twice per mini-batch:

- before the step, through the learning rate: ``train(..., lr=runner.rate)`` treats it as a
  schedule and asks it for the rate of every step. That is where the thread waits while
  the run is paused, and where a new learning rate takes effect (``set_lr``).
- after the step, through ``train(..., on_step=runner.on_step)``: it counts the step
  against a Step budget and, every ``interval`` seconds or so, calls ``frame(runner)`` so
  that the panel can show where training is.

``train(..., stop=runner.stopping)`` ends the run cleanly when ``stop`` is called.

How a run meets the kernel (JupyterLab with ipykernel):

- Making a new panel, e.g. by running a panel's cell again, stops every run still going in
  this kernel (``stop_all("replaced")``) and waits for its thread to end: the old panel's
  widgets may be gone from the page, so nobody could press its Stop button any more, and
  its run would keep a core busy until the kernel is restarted. An old panel still on the
  page (another cell's) says that its run was stopped by a new panel.
- Kernel > Interrupt sends SIGINT to the kernel. Python runs signal handlers in the main
  thread only, and ipykernel ignores SIGINT while it is idle, so an interrupt would never
  reach a training thread. ``hook_interrupt`` (called by every panel) therefore puts a
  handler in the two places where ipykernel keeps one: the handler it restores after each
  message (the idle one), and the one it sets before each cell runs. The handler stops
  every run, then does what ipykernel's own would have done: nothing when idle, a
  KeyboardInterrupt in a running cell. A run trained in the cell itself (``Runner.run``,
  i.e. ``panel.run()``) is stopped instead, at its next step, and ``panel.run()`` then
  raises the KeyboardInterrupt: an exception raised at a random point could be lost (in a
  weakref callback while a frame is drawn) or leave the panel half updated.
- Reloading the page (or closing it without shutting the kernel down) keeps the kernel
  and its threads alive, but the panel's views are gone. A view sends a heartbeat
  (``beat``) every second; a run started with ``watch`` pauses before its next mini-batch
  once no heartbeat has come for ``timeout`` seconds, so it never trains out of sight. A
  new panel or an Interrupt stops it. Restarting the kernel ends everything.
- The thread is a daemon thread: it never keeps Python from exiting.
"""
import signal
import threading
import time
import weakref

_RUNNERS = weakref.WeakSet()             # every Runner of this process, for stop_all


class Runner:
    """Run ``work(runner)`` in a background thread that can be paused, stepped and stopped.

    frame(runner): called from the training thread about every ``interval`` seconds while
        it trains, and each time it pauses; None for no frames. A frame that takes long
        spaces the next ones out, so that drawing never takes more than about a ninth
        of the time.
    timeout: seconds without a heartbeat (``beat``) after which a watched run pauses.
    State, for the panel to read: ``state`` ("idle", "running" or "paused"), ``held_by``
    (why it pauses: "you", "step" or "no view"), ``last`` (the last ``train.Step``),
    ``lr`` (the learning rate now), ``reason`` (why it was stopped: "", "stopped",
    "interrupted", "replaced", "reset"), ``changes`` ([(t, lr), ...]: when a new learning
    rate was first used, t in epochs done), ``seconds()`` (time spent running, pauses left
    out) and ``seen`` (when the last heartbeat came, time.monotonic(), or None).
    """

    def __init__(self, frame=None, interval=0.25, timeout=10.0):
        self.frame, self.interval, self.timeout = frame, interval, timeout
        self.state, self.reason, self.last, self.thread = "idle", "", None, None
        self.held_by, self.seen, self._watch, self.here = "", None, False, False
        self.stopping = threading.Event()
        self.changes = []
        self._lr = self._used = None
        self._pause, self._budget = False, None    # budget: steps to go before pausing
        self._wake = threading.Condition()
        self._started = self._ended = self._paused_for = self._pause_start = self._next_frame = 0.0
        _RUNNERS.add(self)

    # ----------------------------------------------------------- the thread's side
    def rate(self, t):
        """Return the learning rate of the next step (``t``: epochs done); wait while paused."""
        if self._watch and time.monotonic() - self.seen > self.timeout and not self._pause:
            self._pause, self.held_by = True, "no view"           # nobody can see the run
        if self._pause or self._budget == 0:
            self._wait()
        if self._lr != self._used:
            if self._used is not None:                 # the first rate is not a change
                self.changes.append((t, self._lr))
            self._used = self._lr
        return self._lr

    def on_step(self, step):
        """Count the step ``step`` (a ``train.Step``) and show a frame if one is due."""
        self.last = step
        if self._budget:
            self._budget -= 1
        if self.frame is not None and time.perf_counter() >= self._next_frame:
            self._show()

    def _show(self):
        start = time.perf_counter()
        self.frame(self)
        took = time.perf_counter() - start
        self._next_frame = time.perf_counter() + max(self.interval, 8 * took)

    def _wait(self):
        self.state = "paused"
        start = self._pause_start = time.perf_counter()
        if self.frame is not None:
            self._show()
        with self._wake:
            while (self._pause or self._budget == 0) and not self.stopping.is_set():
                self._wake.wait()
        self._paused_for += time.perf_counter() - start
        self.state = "running"
        if self.frame is not None and not self.stopping.is_set():
            self._show()                                # show at once that it runs again

    # ------------------------------------------------------------- the panel's side
    def start(self, work, lr, budget=None, watch=False):
        """Start ``work(self)`` in a new thread at learning rate ``lr``; return False if one runs.

        budget: pause after this many mini-batches (a Step), or None to run on.
        watch: pause once no heartbeat has come for ``timeout`` seconds.
        """
        if self.alive():
            return False
        self._begin(lr, budget)
        if watch:
            self.beat()
        self._watch = watch
        self.thread = threading.Thread(target=self._main, args=(work,), daemon=True,
                                       name="training panel run")
        self.thread.start()
        return True

    def reserve(self):
        """Say that a run here (``run``) is about to start: from now on an interrupt stops it
        rather than raising KeyboardInterrupt, also before ``run`` is called."""
        self.stopping.clear()
        self.reason, self.here = "", True

    def run(self, work, lr):
        """Run ``work(self)`` here, in the calling thread, to the end (nobody can pause it)."""
        if self.alive():
            raise RuntimeError("a run is going on in the background: stop it first")
        self._begin(lr, None, keep_stop=self.here)
        self._watch, self.thread, self.here = False, None, True
        try:
            self._main(work)
        finally:
            self.here = False

    def _begin(self, lr, budget, keep_stop=False):
        if not keep_stop:                       # (a stop that came after ``reserve`` stands)
            self.stopping.clear()
            self.reason = ""
        self.last, self.changes = None, []
        self._lr, self._used = lr, None
        self._pause, self._budget, self._watch = False, budget, False
        self.held_by = "step" if budget is not None else ""
        self._started, self._ended, self._paused_for, self._next_frame = time.perf_counter(), None, 0.0, 0.0
        self.state = "running"

    def _main(self, work):
        try:
            work(self)
        finally:
            self._ended = time.perf_counter()
            self.state = "idle"

    def held(self):
        """Return whether the run is paused, or will pause before its next mini-batch."""
        return self.alive() and (self._pause or self._budget == 0 or self.state == "paused")

    def alive(self):
        """Return whether the run's thread is still going (running or paused)."""
        return self.thread is not None and self.thread.is_alive()

    def seconds(self):
        """Return the time the run has spent running so far, pauses left out."""
        now = self._ended or time.perf_counter()
        paused = self._paused_for + (now - self._pause_start if self.state == "paused" else 0.0)
        return max(0.0, now - self._started - paused)

    @property
    def lr(self):
        """The learning rate of the next step."""
        return self._lr

    def beat(self):
        """A view of the run is there: note the time (see ``timeout``)."""
        self.seen = time.monotonic()

    def set_lr(self, lr):
        """Use the learning rate ``lr`` from the next step on."""
        self._lr = lr

    def pause(self):
        """Pause before the next mini-batch (the thread waits in ``rate``)."""
        self._pause, self.held_by = True, "you"

    def resume(self):
        """Run on without a limit."""
        with self._wake:
            self._pause, self._budget, self.held_by = False, None, ""
            if self._watch:
                self.beat()                     # the Resume came from a view
            self._wake.notify_all()

    def step(self, n=1):
        """Train ``n`` more mini-batches, then pause again (Steps pressed quickly add up)."""
        with self._wake:
            self._pause, self._budget, self.held_by = False, (self._budget or 0) + n, "step"
            if self._watch:
                self.beat()
            self._wake.notify_all()

    def stop(self, reason="stopped"):
        """End the run before its next mini-batch; ``reason`` says why (kept in ``reason``)."""
        with self._wake:
            if (self.alive() or self.here) and not self.stopping.is_set():
                self.reason = reason
            self.stopping.set()
            self._wake.notify_all()

    def join(self, timeout=None):
        """Wait until the run's thread has ended (at most ``timeout`` seconds); return whether it has."""
        if self.thread is not None and self.thread is not threading.current_thread():
            self.thread.join(timeout)
        return not self.alive()


def stop_all(reason, wait=5.0):
    """Stop every run of this process (in a thread or here), and wait up to ``wait`` seconds
    for their threads; return the runners stopped."""
    runners = [r for r in list(_RUNNERS) if r.alive() or r.here]
    for r in runners:
        r.stop(reason)
    deadline = time.monotonic() + wait
    for r in runners:
        r.join(max(0.0, deadline - time.monotonic()))
    return runners


def hook_interrupt(kernel=None):
    """Make Kernel > Interrupt stop every run too (see the module docstring); return whether it does.

    kernel: the ipykernel Kernel (default: the one running this code, if any). Safe to call
    many times; does nothing outside a kernel or outside the main thread.
    """
    if kernel is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        kernel = getattr(get_ipython(), "kernel", None)
    if kernel is None or threading.current_thread() is not threading.main_thread():
        return False
    if getattr(kernel, "_interrupt_stops_runs", False):
        return True
    if not (hasattr(kernel, "pre_handler_hook") and hasattr(kernel, "saved_sigint_handler")):
        return False                    # another kernel than ipykernel's: leave it alone
    idle_before, pre_handler_hook = kernel.saved_sigint_handler, kernel.pre_handler_hook

    def when_idle(signum, frame):
        stop_all("interrupted", wait=0)
        if callable(idle_before):
            idle_before(signum, frame)

    def in_cell(signum, frame):
        if any(r.here for r in stop_all("interrupted", wait=0)):
            return          # Runner.run() ends its run at the next step; the caller raises then
        raise KeyboardInterrupt

    def hooked_pre_handler_hook():
        pre_handler_hook()                              # saves the idle handler, as before
        signal.signal(signal.SIGINT, in_cell)

    kernel.pre_handler_hook = hooked_pre_handler_hook
    kernel.saved_sigint_handler = when_idle             # restored after this message
    signal.signal(signal.SIGINT, in_cell)               # for the cell running now
    kernel._interrupt_stops_runs = True
    return True
