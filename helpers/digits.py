"""Your own digits: MNIST's preprocessing for any drawn image, and the ways to move one.

How the MNIST digits were made, in the words of their authors (Yann LeCun, Corinna Cortes
and Christopher J. C. Burges, http://yann.lecun.com/exdb/mnist/): each NIST digit "was size
normalized to fit in a 20x20 pixel box while preserving [its] aspect ratio", which left
grey levels from the anti-aliasing, and was then "centered in a 28x28 image by computing
the center of mass of the pixels". ``to_mnist`` does the same to any image (derived step
by step in notebooks/05_your_own_digits.ipynb, section 2)::

    crop to the ink's bounding box -> scale its longer side to 20 by averaging areas
    -> paste into 28x28 so that the centre of mass falls on pixel (14, 14)

Pixel (14, 14) is where MNIST's digits have theirs (within about half a pixel in each
coordinate: rows 13.48-14.50 and columns 13.49-14.50 over the 60,000 training digits),
half a pixel below and to the right of the frame's geometric middle, (13.5, 13.5), about
which ``rotate`` turns.

``render_strokes`` turns pen strokes (what the drawing pad records) into an image.
The transforms work on batches of MNIST digits ``X: (N, 784)`` (or ``(N, 28, 28)``, or
one digit ``(784,)``) and return the same shape and dtype: ``shift``, ``random_shifts``
(an ``augment`` for ``train.train``), ``rotate``, ``add_noise``, ``thicken`` and
``transform`` (all of them at once). Plain NumPy; pixels are ink in [0, 1], 0 = background.
Notebook 05's network, its recipe and its learning-rate schedule are in ``helpers.recipe``.
"""
import functools
import math
import numbers

import numpy as np

BOX = 20        # MNIST's box: the longer side of every digit, in pixels
SIZE = 28       # MNIST's frame
CENTRE = 14     # the pixel the centre of mass lands on, as in MNIST (rows and columns 0..27;
                # the frame's middle is 13.5, half a pixel before it)
PEN = 26.0      # the drawing pad's pen, in pixels of its 280x280 canvas: wide enough that
                # drawn strokes come out about as wide as MNIST's (notebook 05, section 3)


# ----------------------------------------------------------------- preprocessing
def check_image(image, name="image"):
    """Return ``image`` as a float64 array ``(H, W)`` of ink in [0, 1], or raise a ValueError.

    image: a 2-D array, ink 1 (or grey levels) on a background of 0.
    """
    image = np.asarray(image)
    if image.dtype == bool:
        image = image.astype(np.float64)
    if not (np.issubdtype(image.dtype, np.number) and image.ndim == 2):
        hint = " (one MNIST row: reshape it with .reshape(28, 28))" if image.shape == (784,) else ""
        raise ValueError(f"{name} must be a 2-D array of numbers (H, W), not {image.dtype} "
                         f"values of shape {image.shape}{hint}")
    if image.size == 0:
        raise ValueError(f"{name} is empty: it has shape {image.shape}")
    image = image.astype(np.float64)
    lo, hi = image.min(), image.max()
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(f"{name} contains NaN or inf values")
    if lo < -1e-9 or hi > 1 + 1e-9:                # beyond what rounding error explains
        fix = "divide it by 255" if lo >= 0 and hi <= 255 else "rescale it"
        raise ValueError(f"{name} has values from {lo:g} to {hi:g}; pixels must be ink in [0, 1] "
                         f"(0 = background): {fix}")
    return np.clip(image, 0, 1)


def bounding_box(image):
    """Return ``(top, bottom, left, right)``, the rows and columns holding ink (bottom and
    right exclusive), or None if ``image (H, W)`` has no pixel above 0."""
    rows, cols = np.flatnonzero(image.max(axis=1) > 0), np.flatnonzero(image.max(axis=0) > 0)
    if rows.size == 0:
        return None
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def area_matrix(n, scale):
    """Return the ``(m, n)`` matrix that resizes ``n`` pixels by ``scale`` by averaging areas.

    Output pixel i covers the input interval [i / scale, (i + 1) / scale); its value is the
    mean of the input over it (the input is 0 beyond its end), so row i holds the length of
    overlap with each input pixel, times ``scale``. m = ceil(n * scale): the last pixel may
    be partly covered, which is what anti-aliasing means.
    """
    m = max(1, math.ceil(n * scale - 1e-9))
    out_edges, in_edges = np.arange(m + 1) / scale, np.arange(n + 1)
    lo = np.maximum(out_edges[:-1, None], in_edges[None, :-1])
    hi = np.minimum(out_edges[1:, None], in_edges[None, 1:])
    return np.clip(hi - lo, 0, None) * scale                         # (m, n)


def resize(image, scale):
    """Return ``image (H, W)`` resized by ``scale`` (the same for both sides), by averaging areas.

    Returns ``(ceil(H * scale), ceil(W * scale))``. Shrinking averages blocks of pixels,
    which turns the edges of a black-and-white stroke into grey levels.
    """
    image = np.asarray(image, dtype=np.float64)
    return area_matrix(image.shape[0], scale) @ image @ area_matrix(image.shape[1], scale).T


def center_of_mass(image):
    """Return ``(row, col)``, the ink-weighted mean position of the pixels of ``image (H, W)``."""
    total = image.sum()
    rows, cols = np.arange(image.shape[0]), np.arange(image.shape[1])
    return float(image.sum(axis=1) @ rows / total), float(image.sum(axis=0) @ cols / total)


def stroke_width(image, threshold=0.5):
    """Return the mean width in pixels of the strokes of ``image (H, W)``: 2 * area / perimeter.

    area: the pixels above ``threshold``; perimeter: the pixel edges between them and the
    rest. A stroke of width w and length L has area w L and perimeter 2 (w + L), so for
    L much longer than w this is close to w. Returns 0 for an image with no such pixel.
    """
    ink = np.pad(np.asarray(image) > threshold, 1)
    perimeter = np.sum(ink[1:] != ink[:-1]) + np.sum(ink[:, 1:] != ink[:, :-1])
    return 2 * float(ink.sum()) / perimeter if perimeter else 0.0


def paste(image, top, left, size=SIZE):
    """Return a ``(size, size)`` frame with ``image`` placed at ``(top, left)``; what falls
    outside the frame is cut off."""
    frame = np.zeros((size, size))
    h, w = image.shape
    r0, c0 = max(top, 0), max(left, 0)
    r1, c1 = min(top + h, size), min(left + w, size)
    if r0 < r1 and c0 < c1:
        frame[r0:r1, c0:c1] = image[r0 - top:r1 - top, c0 - left:c1 - left]
    return frame


def to_mnist(image, box=BOX, size=SIZE):
    """Return the MNIST-style input ``(size * size,)`` (float32, in [0, 1]) of a drawn ``image``.

    image: ``(H, W)`` of any size and shape, ink in [0, 1] on 0. The ink's bounding box is
    scaled so that its longer side is ``box`` pixels (keeping the aspect ratio, averaging
    areas), then placed in a ``size x size`` frame with its centre of mass on pixel
    ``(size // 2, size // 2)``: (14, 14) for MNIST's 28, half a pixel past the frame's
    middle, 13.5, as in MNIST. The move is rounded to whole pixels, as in MNIST, so the
    centre of mass ends up within half a pixel of 14 in each coordinate. A blank image
    raises a ValueError: it has no digit to scale or centre.
    """
    image = check_image(image)
    found = bounding_box(image)
    if found is None:
        raise ValueError("image is blank (no pixel above 0): there is no digit to scale and centre")
    top, bottom, left, right = found
    crop = image[top:bottom, left:right]
    small = resize(crop, box / max(crop.shape))                      # longer side: box pixels
    cy, cx = center_of_mass(small)
    centre = size // 2
    frame = paste(small, math.floor(centre - cy + 0.5), math.floor(centre - cx + 0.5), size)
    return np.clip(frame, 0, 1).astype(np.float32).reshape(-1)


def render_strokes(strokes, size=(280, 280), width=PEN, scale=0.5):
    """Return the image ``(round(H * scale), round(W * scale))`` of pen strokes, ink in [0, 1].

    strokes: a list of strokes, each a list of points ``(x, y)`` (or a flat list
        ``[x0, y0, x1, y1, ...]``) in pixels of a ``size = (H, W)`` canvas, x to the right
        and y down, as the drawing pad records them.
    width: the pen's width in canvas pixels; its edge is anti-aliased over one output pixel.
    scale: output pixels per canvas pixel (0.5: a 280x280 pad becomes 140x140).
    """
    H, W = size
    out = np.zeros((round(H * scale), round(W * scale)))
    radius = 0.5 * width * scale
    for stroke in strokes:
        points = np.asarray(stroke, dtype=np.float64).reshape(-1, 2) * scale      # (P, 2) x, y
        if not np.isfinite(points).all():
            raise ValueError("strokes: every point must be a pair of finite numbers (x, y)")
        if len(points) == 1:                                          # a dot
            _draw_segment(out, points[0], points[0], radius)
        for p, q in zip(points[:-1], points[1:]):
            _draw_segment(out, p, q, radius)
    return out


def _draw_segment(out, p, q, radius):
    """Ink every pixel of ``out`` within ``radius`` of the segment p-q (in place, by max)."""
    lo = np.floor(np.minimum(p, q) - radius - 1).astype(int)
    hi = np.ceil(np.maximum(p, q) + radius + 1).astype(int)
    x0, y0 = max(lo[0], 0), max(lo[1], 0)
    x1, y1 = min(hi[0], out.shape[1]), min(hi[1], out.shape[0])
    if x0 >= x1 or y0 >= y1:
        return
    y, x = np.mgrid[y0:y1, x0:x1] + 0.5                              # pixel centres
    d = q - p
    t = np.clip(((x - p[0]) * d[0] + (y - p[1]) * d[1]) / max(d @ d, 1e-12), 0, 1)
    dist = np.hypot(x - p[0] - t * d[0], y - p[1] - t * d[1])
    ink = np.clip(radius + 0.5 - dist, 0, 1)
    np.maximum(out[y0:y1, x0:x1], ink, out=out[y0:y1, x0:x1])


# ------------------------------------------------------------------- transforms
def _as_images(X, name="X"):
    """Return ``X`` as ``(N, 28, 28)`` and a function that gives a result X's own shape back."""
    X = np.asarray(X)
    if not np.issubdtype(X.dtype, np.floating):
        raise ValueError(f"{name} must hold float pixels in [0, 1], not {X.dtype} values")
    shape = X.shape
    if shape not in [(784,), (28, 28)] and shape[1:] not in [(784,), (28, 28)]:
        raise ValueError(f"{name} must be MNIST digits (N, 784), (N, 28, 28) or one (784,); "
                         f"got shape {shape}")
    return X.reshape(-1, 28, 28), lambda images: images.reshape(shape).astype(X.dtype, copy=False)


def _whole(value, name):
    """Return ``value`` as an int, or raise a ValueError naming ``name`` if it is not a whole number."""
    if not (isinstance(value, numbers.Integral) and not isinstance(value, bool)):
        raise ValueError(f"{name} must be a whole number of pixels, not {value!r}")
    return int(value)


def shift(X, dx=0, dy=0):
    """Return the digits ``X`` moved ``dx`` pixels right and ``dy`` down (whole pixels;
    what leaves the frame is lost, what enters is background)."""
    images, back = _as_images(X)
    dx, dy = _whole(dx, "dx"), _whole(dy, "dy")
    out = np.zeros_like(images)
    h, w = 28 - abs(dy), 28 - abs(dx)
    if h > 0 and w > 0:
        out[:, max(dy, 0):max(dy, 0) + h, max(dx, 0):max(dx, 0) + w] = \
            images[:, max(-dy, 0):max(-dy, 0) + h, max(-dx, 0):max(-dx, 0) + w]
    return back(out)


def random_shifts(X, rng, max_shift=2):
    """Return the digits ``X`` each moved by its own random whole-pixel shift.

    dx and dy are drawn independently and uniformly from -max_shift..max_shift. The
    signature fits ``train.train(..., augment=...)``: pass
    ``functools.partial(digits.random_shifts, max_shift=2)``.
    """
    images, back = _as_images(X)
    m, N = _whole(max_shift, "max_shift"), len(images)
    if m < 0:
        raise ValueError(f"max_shift must be 0 or more, not {m}")
    dy, dx = rng.integers(-m, m + 1, size=(2, N))                     # (N,) each
    P = 28 + 2 * m                                                     # the padded side
    padded = np.zeros((N, P, P), images.dtype)
    padded[:, m:m + 28, m:m + 28] = images
    # Output pixel (r, c) of image n is padded pixel (r + m - dy, c + m - dx) of image n:
    # one gather of flat indices, the frame's own offsets plus one offset per image.
    frame = (np.arange(28)[:, None] * P + np.arange(28)).reshape(-1)   # (784,)
    start = np.arange(N) * P * P + (m - dy) * P + (m - dx)             # (N,)
    return back(padded.reshape(-1).take(start[:, None] + frame))


def rotate(X, degrees):
    """Return the digits ``X`` turned ``degrees`` anticlockwise about the frame's centre.

    Each output pixel takes the value at its source point (the inverse rotation), by
    bilinear interpolation between the four nearest pixels; outside the frame is 0.
    """
    images, back = _as_images(X)
    theta = math.radians(float(degrees))
    r, c = np.mgrid[0:28, 0:28] - 13.5                                # (28, 28) from the centre
    cos, sin = math.cos(theta), math.sin(theta)
    src_r = cos * r + sin * c + 13.5             # rows point down: anticlockwise on the screen
    src_c = -sin * r + cos * c + 13.5
    r0, c0 = np.floor(src_r).astype(int), np.floor(src_c).astype(int)
    fr, fc = src_r - r0, src_c - c0
    flat = images.reshape(len(images), -1)
    out = np.zeros(flat.shape, dtype=np.float64)
    for dr, dc, weight in [(0, 0, (1 - fr) * (1 - fc)), (0, 1, (1 - fr) * fc),
                           (1, 0, fr * (1 - fc)), (1, 1, fr * fc)]:
        rr, cc = r0 + dr, c0 + dc
        inside = (rr >= 0) & (rr < 28) & (cc >= 0) & (cc < 28)
        index = np.where(inside, rr * 28 + cc, 0).reshape(-1)
        out += flat[:, index] * (weight * inside).reshape(-1)
    return back(out)


def add_noise(X, sigma, rng):
    """Return the digits ``X`` plus Gaussian noise of standard deviation ``sigma``, clipped to [0, 1]."""
    images, back = _as_images(X)
    if not (isinstance(sigma, numbers.Real) and sigma >= 0):
        raise ValueError(f"sigma must be a number >= 0, not {sigma!r}")
    rng = np.random.default_rng(rng)
    return back(np.clip(images + sigma * rng.standard_normal(images.shape), 0, 1))


def thicken(X, steps=1):
    """Return the digits ``X`` with strokes made thicker (``steps`` > 0) or thinner (< 0).

    Each step replaces every pixel by the largest (thicker: a grey-level dilation) or the
    smallest (thinner: an erosion) value of itself and its four neighbours, a "+" shape.
    """
    images, back = _as_images(X)
    steps = _whole(steps, "steps")
    pick = np.maximum if steps > 0 else np.minimum
    out = images
    for _ in range(abs(steps)):
        padded = np.pad(out, ((0, 0), (1, 1), (1, 1)))
        out = functools.reduce(pick, [padded[:, 1:29, 1:29], padded[:, :28, 1:29], padded[:, 2:, 1:29],
                                      padded[:, 1:29, :28], padded[:, 1:29, 2:]])
    return back(out)


def transform(X, dx=0, dy=0, degrees=0.0, noise=0.0, thickness=0, rng=0):
    """Return the digits ``X`` thickened, turned, shifted and noised, in that order.

    The arguments are those of ``thicken`` (thickness), ``rotate`` (degrees), ``shift``
    (dx, dy) and ``add_noise`` (noise, rng); a value of 0 skips its step.
    """
    out = np.asarray(X)
    if thickness:
        out = thicken(out, thickness)
    if degrees:
        out = rotate(out, degrees)
    if dx or dy:
        out = shift(out, dx, dy)
    if noise:
        out = add_noise(out, noise, rng)
    return out
