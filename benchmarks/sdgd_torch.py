#!/usr/bin/env python3
"""SDGD reference (Hu, Shukla, Karniadakis, Kawaguchi): the two-body Allen-Cahn
problem of the STDE paper (PAPERS.md section 1) with the Laplacian estimated from
a random subset of B dimensions per step, each second derivative by a first-order
autograd pass over the gradient (as the SDGD code does it). Timing reference for
results/stde.md; run with Debian's python3-torch:

    /usr/bin/python3 benchmarks/sdgd_torch.py --dim 100 --steps 50
"""
import argparse, json, math, resource, time
import torch

p = argparse.ArgumentParser()
p.add_argument("--dim", type=int, default=100)
p.add_argument("--steps", type=int, default=50)
p.add_argument("--samples", type=int, default=16)
p.add_argument("--points", type=int, default=100)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--seed", type=int, default=0)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)
d, B, P = a.dim, a.samples, a.points
dt = torch.float64
c = torch.randn(d - 1, dtype=dt)

def two_body(x):
    """u*, and Lap u* in closed form (chain-rule factors included)."""
    xa, xb = x[:, :-1], x[:, 1:]
    z = xa + torch.cos(xb) + xb * torch.cos(xa)
    za, zb = 1 - xb * torch.sin(xa), -torch.sin(xb) + torch.cos(xa)
    zaa, zbb = -xb * torch.cos(xa), -torch.cos(xb)
    S = (c * torch.sin(z)).sum(1)
    lapS = (c * (-torch.sin(z) * (za**2 + zb**2) + torch.cos(z) * (zaa + zbb))).sum(1)
    g = torch.zeros_like(x)
    g[:, :-1] += c * torch.cos(z) * za
    g[:, 1:] += c * torch.cos(z) * zb
    q = 1 - (x * x).sum(1)
    u = q * S
    lap = -2 * d * S - 4 * (x * g).sum(1) + q * lapS
    return u, lap

net = torch.nn.Sequential(torch.nn.Linear(d, 128), torch.nn.Tanh(), torch.nn.Linear(128, 128), torch.nn.Tanh(),
                          torch.nn.Linear(128, 128), torch.nn.Tanh(), torch.nn.Linear(128, 1)).to(dt)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)

def ball_radial(n):
    z = torch.randn(n, d, dtype=dt)
    return torch.rand(n, 1, dtype=dt) * z / z.norm(dim=1, keepdim=True)

t_train = t_step = 0.0
for step in range(a.steps):
    t_s = time.perf_counter()
    x = ball_radial(P)
    ustar, lapstar = two_body(x)
    f = lapstar + ustar - ustar**3
    t0 = time.perf_counter()
    x.requires_grad_(True)
    u = (1 - (x * x).sum(1)) * net(x).squeeze(1)
    gu = torch.autograd.grad(u.sum(), x, create_graph=True)[0]
    idx = torch.randperm(d)[:B]
    lap = 0
    for j in idx.tolist():
        lap = lap + torch.autograd.grad(gu[:, j].sum(), x, create_graph=True)[0][:, j]
    lap = lap * (d / B)
    loss = ((lap + u - u**3 - f) ** 2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    t_train += time.perf_counter() - t0
    t_step += time.perf_counter() - t_s
def peak_rss_mb():
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child of a
    # large process would report its parent's peak.
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

# it_per_s: the network work only; it_per_s_step: the whole step (points,
# closed-form forcing and training), what gopinn's it/s measures.
print(json.dumps({"dim": d, "steps": a.steps, "samples": B, "it_per_s": a.steps / t_train,
                  "it_per_s_step": a.steps / t_step,
                  "peak_rss_mb": peak_rss_mb(),
                  "loss": float(loss), "torch": torch.__version__, "threads": a.threads}))
