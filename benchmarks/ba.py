"""Workload 5: ADBench's bundle-adjustment reprojection error, as a scalar loss.

ADBench's model: each camera has 11 parameters (a Rodrigues rotation, the
centre, the focal length, the principal point, two radial distortion
coefficients); each observation projects a 3-D point through its camera
and compares it with the measured feature, weighted by `w`. ADBench asks
for the sparse Jacobian of the residuals; here the workload is the
gradient of the sum of squared weighted residuals (plus ADBench's weight
term (1 - w^2)^2), so that every method computes the same vector.
"""
import math

import numba
import numpy as np


def loss(cams, X, w, feats, cam_of, pt_of):
    total = 0.0
    for o in range(feats.shape[0]):
        c, p = cam_of[o], pt_of[o]
        r0, r1, r2 = cams[c, 0], cams[c, 1], cams[c, 2]
        x0, x1, x2 = X[p, 0] - cams[c, 3], X[p, 1] - cams[c, 4], X[p, 2] - cams[c, 5]
        theta = math.sqrt(r0 * r0 + r1 * r1 + r2 * r2)
        k0, k1, k2 = r0 / theta, r1 / theta, r2 / theta
        cos, sin = math.cos(theta), math.sin(theta)
        along = (k0 * x0 + k1 * x1 + k2 * x2) * (1.0 - cos)
        y0 = x0 * cos + (k1 * x2 - k2 * x1) * sin + k0 * along
        y1 = x1 * cos + (k2 * x0 - k0 * x2) * sin + k1 * along
        y2 = x2 * cos + (k0 * x1 - k1 * x0) * sin + k2 * along
        u, v = y0 / y2, y1 / y2
        rsq = u * u + v * v
        distort = 1.0 + cams[c, 9] * rsq + cams[c, 10] * rsq * rsq
        e0 = w[o] * (u * distort * cams[c, 6] + cams[c, 7] - feats[o, 0])
        e1 = w[o] * (v * distort * cams[c, 6] + cams[c, 8] - feats[o, 1])
        total = total + e0 * e0 + e1 * e1 + (1.0 - w[o] * w[o]) ** 2
    return total


def loss_vectorised(cams, X, w, feats, cam_of, pt_of):
    """The same loss over all observations at once (for autograd and JAX, whose `np` it then names)."""
    C, P = cams[cam_of], X[pt_of]
    r = C[:, 0:3]
    x = P - C[:, 3:6]
    theta = np.sqrt(np.sum(r * r, axis=1))
    k = r / theta[:, None]
    cos, sin = np.cos(theta)[:, None], np.sin(theta)[:, None]
    along = np.sum(k * x, axis=1)[:, None] * (1.0 - cos)
    cross = np.stack([k[:, 1] * x[:, 2] - k[:, 2] * x[:, 1], k[:, 2] * x[:, 0] - k[:, 0] * x[:, 2],
                      k[:, 0] * x[:, 1] - k[:, 1] * x[:, 0]], axis=1)
    y = x * cos + cross * sin + k * along
    uv = y[:, 0:2] / y[:, 2:3]
    rsq = np.sum(uv * uv, axis=1)
    distort = 1.0 + C[:, 9] * rsq + C[:, 10] * rsq * rsq
    e = w[:, None] * (uv * (distort * C[:, 6])[:, None] + C[:, 7:9] - feats)
    return np.sum(e * e) + np.sum((1.0 - w * w) ** 2)


primal = numba.njit(cache=True)(loss)


def args(quick):
    """A few hundred observations (quick: 100): 10 cameras, 100 points in front of them; fixed seed."""
    rng = np.random.default_rng(7)
    n_cams, n_pts, n_obs = 10, 100, 100 if quick else 500
    cams = np.zeros((n_cams, 11))
    cams[:, 0:3] = rng.uniform(-0.2, 0.2, (n_cams, 3))
    cams[:, 3:6] = rng.uniform(-1.0, 1.0, (n_cams, 3))
    cams[:, 6] = rng.uniform(400.0, 600.0, n_cams)
    cams[:, 7:9] = rng.uniform(-5.0, 5.0, (n_cams, 2))
    cams[:, 9:11] = rng.uniform(-1e-3, 1e-3, (n_cams, 2))
    X = rng.uniform(-1.0, 1.0, (n_pts, 3)) + np.array([0.0, 0.0, 10.0])
    w = rng.uniform(0.5, 1.0, n_obs)
    feats = rng.uniform(-50.0, 50.0, (n_obs, 2))
    cam_of, pt_of = rng.integers(0, n_cams, n_obs), rng.integers(0, n_pts, n_obs)
    return cams, X, w, feats, cam_of, pt_of
