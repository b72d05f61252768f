"""Time the Python reference corruptions on this machine, for bench/corruptions.bench.ts.

The reference is Hendrycks & Dietterich's ImageNet-C / CIFAR-10-C generators
(ImageNet-C/imagenet_c/imagenet_c/corruptions.py, ImageNet-C/create_c/make_cifar_c.py). Each
corruption below is written from its published definition (docs/corruptions.md lists them) with
the same library calls the reference makes (numpy, scipy.ndimage, skimage, OpenCV, Pillow), so
its cost is the reference's. Not here: motion_blur and snow (ImageMagick through Wand, not
installed) and frost (reads photographs we do not ship); the bench quotes figures for those.

Protocol: one JSON request per stdin line, {"name", "size", "params", "seconds"}, where params
maps each corruption to its parameters at the benchmarked severity (from
src/corruptions/params.ts, so the tables are not written twice); one JSON answer per stdout line,
{"name", "size", "ips"}: corrupted images per second of CPU time (time.process_time), one
thread, random RGB images, including the conversion to uint8 that the reference's saving loop
does (np.uint8(x); for a Pillow image, its decode). ips is null for a corruption not here.

Run by the bench with Debian's python3 (numpy, scipy, scikit-image, OpenCV, Pillow).
"""

import io
import json
import os
import sys
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import skimage as sk  # noqa: E402
from PIL import Image  # noqa: E402
from scipy.ndimage import map_coordinates  # noqa: E402
from scipy.ndimage import zoom as scizoom  # noqa: E402
from skimage.filters import gaussian  # noqa: E402

cv2.setNumThreads(1)


def _gaussian(x, sigma, **kw):
    # skimage 0.19 takes multichannel=, newer versions channel_axis=.
    try:
        return gaussian(x, sigma=sigma, channel_axis=-1 if x.ndim == 3 else None, **kw)
    except TypeError:
        return gaussian(x, sigma=sigma, multichannel=x.ndim == 3, **kw)


def disk(radius, alias_blur):
    if radius <= 8:
        grid, ksize = np.arange(-8, 8 + 1), (3, 3)
    else:
        grid, ksize = np.arange(-radius, radius + 1), (5, 5)
    xx, yy = np.meshgrid(grid, grid)
    d = np.array((xx**2 + yy**2) <= radius**2, dtype=np.float32)
    d /= np.sum(d)
    return cv2.GaussianBlur(d, ksize=ksize, sigmaX=alias_blur)


def plasma_fractal(mapsize, wibbledecay):
    """Diamond-square height map in [0, 1] (mapsize a power of two)."""
    maparray = np.empty((mapsize, mapsize), dtype=np.float64)
    maparray[0, 0] = 0
    stepsize = mapsize
    wibble = 100.0

    def wibbledmean(array):
        return array / 4 + wibble * np.random.uniform(-wibble, wibble, array.shape)

    while stepsize >= 2:
        half = stepsize // 2
        corners = maparray[0:mapsize:stepsize, 0:mapsize:stepsize]
        square = corners + np.roll(corners, -1, axis=0)
        square += np.roll(square, -1, axis=1)
        maparray[half:mapsize:stepsize, half:mapsize:stepsize] = wibbledmean(square)
        msize = maparray.shape[0]
        drgrid = maparray[half:msize:stepsize, half:msize:stepsize]
        ulgrid = maparray[0:msize:stepsize, 0:msize:stepsize]
        ldrsum = drgrid + np.roll(drgrid, 1, axis=0)
        lulsum = ulgrid + np.roll(ulgrid, -1, axis=1)
        ltsum = ldrsum + lulsum
        maparray[0:msize:stepsize, half:msize:stepsize] = wibbledmean(ltsum)
        tdrsum = drgrid + np.roll(drgrid, 1, axis=1)
        tulsum = ulgrid + np.roll(ulgrid, -1, axis=0)
        ttsum = tdrsum + tulsum
        maparray[half:msize:stepsize, 0:msize:stepsize] = wibbledmean(ttsum)
        stepsize //= 2
        wibble /= wibbledecay
    maparray -= maparray.min()
    return maparray / maparray.max()


def clipped_zoom(img, zoom_factor):
    h = img.shape[0]
    ch = int(np.ceil(h / zoom_factor))
    top = (h - ch) // 2
    img = scizoom(img[top : top + ch, top : top + ch], (zoom_factor, zoom_factor, 1), order=1)
    trim = (img.shape[0] - h) // 2
    return img[trim : trim + h, trim : trim + h]


def make(size, p):
    """The reference corruptions for images of side `size` with severity-3 parameters p."""

    def gaussian_noise(x):
        x = np.array(x) / 255.0
        return np.clip(x + np.random.normal(size=x.shape, scale=p["gaussian_noise"]), 0, 1) * 255

    def shot_noise(x):
        c = p["shot_noise"]
        x = np.array(x) / 255.0
        return np.clip(np.random.poisson(x * c) / c, 0, 1) * 255

    def impulse_noise(x):
        x = sk.util.random_noise(np.array(x) / 255.0, mode="s&p", amount=p["impulse_noise"])
        return np.clip(x, 0, 1) * 255

    def speckle_noise(x):
        x = np.array(x) / 255.0
        return np.clip(x + x * np.random.normal(size=x.shape, scale=p["speckle_noise"]), 0, 1) * 255

    def gaussian_blur(x):
        return np.clip(_gaussian(np.array(x) / 255.0, p["gaussian_blur"]), 0, 1) * 255

    def glass_blur(x):
        sigma, delta, iterations = p["glass_blur"]
        delta, iterations = int(delta), int(iterations)
        x = np.uint8(_gaussian(np.array(x) / 255.0, sigma) * 255)
        for _ in range(iterations):
            for h in range(size - delta, delta, -1):
                for w in range(size - delta, delta, -1):
                    dx, dy = np.random.randint(-delta, delta, size=(2,))
                    hp, wp = h + dy, w + dx
                    x[h, w], x[hp, wp] = x[hp, wp], x[h, w]
        return np.clip(_gaussian(x / 255.0, sigma), 0, 1) * 255

    def defocus_blur(x):
        radius, alias = p["defocus_blur"]
        x = np.array(x) / 255.0
        kernel = disk(radius, alias)
        channels = np.array([cv2.filter2D(x[:, :, d], -1, kernel) for d in range(3)])
        return np.clip(channels.transpose((1, 2, 0)), 0, 1) * 255

    def zoom_blur(x):
        x = (np.array(x) / 255.0).astype(np.float32)
        out = np.zeros_like(x)
        for z in p["zoom_blur"]:
            out += clipped_zoom(x, z)
        return np.clip((x + out) / (len(p["zoom_blur"]) + 1), 0, 1) * 255

    def fog(x):
        amount, decay = p["fog"]
        x = np.array(x) / 255.0
        max_val = x.max()
        mapsize = 256 if size > 32 else 32
        x += amount * plasma_fractal(mapsize, decay)[:size, :size][..., np.newaxis]
        return np.clip(x * max_val / (max_val + amount), 0, 1) * 255

    def brightness(x):
        x = sk.color.rgb2hsv(np.array(x) / 255.0)
        x[:, :, 2] = np.clip(x[:, :, 2] + p["brightness"], 0, 1)
        return np.clip(sk.color.hsv2rgb(x), 0, 1) * 255

    def contrast(x):
        x = np.array(x) / 255.0
        means = np.mean(x, axis=(0, 1), keepdims=True)
        return np.clip((x - means) * p["contrast"] + means, 0, 1) * 255

    def elastic_transform(image):
        alpha, sigma, jitter = p["elastic_transform"]
        image = np.array(image, dtype=np.float32) / 255.0
        shape = image.shape
        shape_size = shape[:2]
        center = np.float32(shape_size) // 2
        square = min(shape_size) // 3
        pts1 = np.float32(
            [center + square, [center[0] + square, center[1] - square], center - square]
        )
        pts2 = pts1 + np.random.uniform(-jitter, jitter, size=pts1.shape).astype(np.float32)
        m = cv2.getAffineTransform(pts1, pts2)
        image = cv2.warpAffine(image, m, shape_size[::-1], borderMode=cv2.BORDER_REFLECT_101)
        field = lambda: (  # noqa: E731
            _gaussian(np.random.uniform(-1, 1, size=shape[:2]), sigma, mode="reflect", truncate=3)
            * alpha
        ).astype(np.float32)
        dx, dy = field()[..., np.newaxis], field()[..., np.newaxis]
        xx, yy, zz = np.meshgrid(np.arange(shape[1]), np.arange(shape[0]), np.arange(shape[2]))
        idx = (
            np.reshape(yy + dy, (-1, 1)),
            np.reshape(xx + dx, (-1, 1)),
            np.reshape(zz, (-1, 1)),
        )
        out = map_coordinates(image, idx, order=1, mode="reflect").reshape(shape)
        return np.clip(out, 0, 1) * 255

    def pixelate(x):
        c = p["pixelate"]
        x = x.resize((int(size * c), int(size * c)), Image.BOX)
        return x.resize((size, size), Image.BOX)

    def jpeg_compression(x):
        out = io.BytesIO()
        x.save(out, "JPEG", quality=int(p["jpeg_compression"]))
        return Image.open(out)

    def spatter(x):
        loc, scale, sigma, thr, k, mud = p["spatter"]
        x = np.array(x, dtype=np.float32) / 255.0
        liquid = np.random.normal(size=x.shape[:2], loc=loc, scale=scale)
        liquid = _gaussian(liquid, sigma)
        liquid[liquid < thr] = 0
        if mud == 0:
            liquid = (liquid * 255).astype(np.uint8)
            dist = 255 - cv2.Canny(liquid, 50, 150)
            dist = cv2.distanceTransform(dist, cv2.DIST_L2, 5)
            _, dist = cv2.threshold(dist, 20, 20, cv2.THRESH_TRUNC)
            dist = cv2.blur(dist, (3, 3)).astype(np.uint8)
            dist = cv2.equalizeHist(dist)
            ker = np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]])
            dist = cv2.filter2D(dist, cv2.CV_8U, ker)
            dist = cv2.blur(dist, (3, 3)).astype(np.float32)
            m = cv2.cvtColor(liquid * dist, cv2.COLOR_GRAY2BGRA)
            m /= np.max(m, axis=(0, 1))
            m *= k
            ones = np.ones_like(m[..., :1])
            color = np.concatenate((175 / 255.0 * ones, 238 / 255.0 * ones, 238 / 255.0 * ones), 2)
            color = cv2.cvtColor(color, cv2.COLOR_BGR2BGRA)
            x = cv2.cvtColor(x, cv2.COLOR_BGR2BGRA)
            return cv2.cvtColor(np.clip(x + m * color, 0, 1), cv2.COLOR_BGRA2BGR) * 255
        m = np.where(liquid > thr, 1, 0)
        m = _gaussian(m.astype(np.float32), k)
        m[m < 0.8] = 0
        ones = np.ones_like(x[..., :1])
        color = np.concatenate((63 / 255.0 * ones, 42 / 255.0 * ones, 20 / 255.0 * ones), 2)
        color *= m[..., np.newaxis]
        x *= 1 - m[..., np.newaxis]
        return np.clip(x + color, 0, 1) * 255

    def saturate(x):
        a, b = p["saturate"]
        x = sk.color.rgb2hsv(np.array(x) / 255.0)
        x[:, :, 1] = np.clip(x[:, :, 1] * a + b, 0, 1)
        return np.clip(sk.color.hsv2rgb(x), 0, 1) * 255

    return {f.__name__: f for f in [
        gaussian_noise, shot_noise, impulse_noise, defocus_blur, glass_blur, zoom_blur, fog,
        brightness, contrast, elastic_transform, pixelate, jpeg_compression, speckle_noise,
        gaussian_blur, spatter, saturate,
    ]}


def throughput(fn, images, seconds):
    """Corrupted images per CPU second, cycling through `images` (one warm-up call first)."""
    np.uint8(fn(images[0]))
    n = 0
    start = time.process_time()
    while True:
        np.uint8(fn(images[n % len(images)]))
        n += 1
        elapsed = time.process_time() - start
        if (elapsed >= seconds and n >= 3) or elapsed >= 20 * seconds:
            return n / elapsed


def main():
    """One request per stdin line, one answer per stdout line (so the bench can time the
    reference and ours back to back, under the same load)."""
    np.random.seed(0)
    rng = np.random.default_rng(0)
    images = {}
    for line in sys.stdin:
        req = json.loads(line)
        size = req["size"]
        if size not in images:
            images[size] = [
                Image.fromarray(rng.integers(0, 256, (size, size, 3), dtype=np.uint8))
                for _ in range(8)
            ]
        fns = make(size, req["params"])
        fn = fns.get(req["name"])
        ips = throughput(fn, images[size], req["seconds"]) if fn else None
        print(json.dumps({"name": req["name"], "size": size, "ips": ips}), flush=True)


if __name__ == "__main__":
    main()
