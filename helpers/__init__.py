"""helpers: the small library shared by every notebook of the course.

Modules, one responsibility each:

- ``mnist``        load the real MNIST digits, verified, downloading them if needed
- ``activations``  step, sigmoid, ReLU and softmax, with their derivatives
- ``losses``       the quadratic (MSE) and cross-entropy costs, and the one-hot targets they compare with
- ``network``      a layered network: forward pass, backprop and the SGD step for a whole mini-batch
- ``fast_step``    the same step, bit for bit, faster: into arrays kept from step to step (``train`` uses it)
- ``reference``    the same backprop one example at a time (the "why vectorise" baseline)
- ``train``        the training loop, its history, its learning-rate schedule and divergence
                   guard, and ``python -m helpers.train``
- ``gradcheck``    centred finite differences and relative errors
- ``plots``        digits, curves, confusion matrices
- ``panel``        ``TrainingPanel``, the slider panel the notebooks make: its settings and buttons
- ``panel_state``  the panel's run in one state object, and the run control, the only code that changes it
- ``panel_view``   the panel's widgets, drawn from that state (heartbeat, names, theme colours)
- ``runner``       the panel's training in the background: pause, step, stop, interrupts
- ``runs``         the panel's record of each run, and the table that compares them
- ``digits``       your own digits: MNIST's preprocessing for any drawing; shift, rotate,
                   noise and thicken
- ``recipe``       notebook 05's network: its recipe and schedule, trained once and kept in data/
- ``pad``          the drawing pad and the robustness sliders of notebook 05
- ``progress``     a one-line text progress bar (downloads, long training runs)
- ``checks``       the exercises' self-checks: ``check(N)``, ``hint(N)`` and ``points(N)``

Conventions everywhere: a batch is a matrix of rows, ``X: (N, 784)``; weights are
``W: (n_in, n_out)`` and biases ``b: (n_out,)``; ``y`` holds integer labels ``(N,)`` and
``Y`` their one-hot rows ``(N, 10)``. The data are ``x_train`` and ``x_test`` as
``mnist.load_mnist()`` returns them; ``X`` is a batch inside a function; ``lr`` is the
learning rate, Nielsen's eta.
"""
