#!/usr/bin/python3
"""PyTorch CPU reference for gopinn's BenchmarkStepReference.

Same problem and network as pinn/bench_test.go: 2-D Poisson
-lap(u) = 2 pi^2 sin(pi x) sin(pi y) on [0,1]^2, u = 0 on the boundary,
MLP 2-64x4-1 tanh, 1024 interior + 256 boundary points, inputs mapped to
[-1, 1], one full Adam step (forward, Laplacian by nested autograd, loss,
backward, update) per iteration. The points are fixed (gopinn resamples only
every 100 steps, which is not in the step time either).

Usage: /usr/bin/python3 benchmarks/torch_poisson.py [--dtype float64|float32]
       [--steps N] [--threads T]
Prints ms/step (whole timed loop / steps) and the peak RSS of the process.
"""
import argparse
import math
import os
import resource
import time

# Debian's torch calls OpenBLAS (pthreads) for matmuls while its own OpenMP
# pool runs the other ops: with both at 2 threads on 2 cores they oversubscribe
# and a step takes ~6x longer (measured 736 vs 126 ms/step). One BLAS thread
# plus torch.set_num_threads is torch's best configuration here; override by
# setting OPENBLAS_NUM_THREADS yourself.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import torch  # noqa: E402  (must follow the environment setting)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    dt = torch.float64 if a.dtype == "float64" else torch.float32
    torch.manual_seed(1)

    layers = [2, 64, 64, 64, 64, 1]
    mods = []
    for i in range(len(layers) - 1):
        lin = torch.nn.Linear(layers[i], layers[i + 1]).to(dt)
        torch.nn.init.xavier_normal_(lin.weight)
        torch.nn.init.zeros_(lin.bias)
        mods.append(lin)
        if i + 2 < len(layers):
            mods.append(torch.nn.Tanh())
    net = torch.nn.Sequential(*mods)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)

    # interior points (uniform) and boundary points (uniform on the 4 edges)
    xi = torch.rand(1024, 2, dtype=dt)
    t = torch.rand(256, dtype=dt)
    side = torch.arange(256) % 4
    xb = torch.stack([torch.where(side == 0, torch.zeros_like(t), torch.where(side == 1, torch.ones_like(t), t)),
                      torch.where(side == 2, torch.zeros_like(t), torch.where(side == 3, torch.ones_like(t), t))], 1)
    f = 2 * math.pi ** 2 * torch.sin(math.pi * xi[:, 0]) * torch.sin(math.pi * xi[:, 1])
    # normalised inputs x_n = 2x - 1: d/dx = 2 d/dx_n, handled by autograd
    # through the affine map itself.

    def step():
        opt.zero_grad(set_to_none=True)
        x = xi.clone().requires_grad_(True)
        u = net(2 * x - 1)
        (g,) = torch.autograd.grad(u.sum(), x, create_graph=True)
        lap = 0
        for d in range(2):
            (gd,) = torch.autograd.grad(g[:, d].sum(), x, create_graph=True)
            lap = lap + gd[:, d]
        res = lap + f
        ub = net(2 * xb - 1)
        loss = (res ** 2).mean() + (ub ** 2).mean()
        loss.backward()
        opt.step()
        return loss

    for _ in range(a.warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        loss = step()
    el = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"torch {torch.__version__} {a.dtype} threads={a.threads}: {1e3 * el / a.steps:.3f} ms/step "
          f"peak_rss={rss:.1f} MiB loss={loss.item():.4e}")


if __name__ == "__main__":
    main()
