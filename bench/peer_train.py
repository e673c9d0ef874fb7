"""Row 1 peer: the acc models and training loop written in plain PyTorch.

Mirrors core/models/{linear_ae,conv_blocks,conv_ae,conv_vae,cross_attention,factor_slot_vae}
layer for layer and core/train/trainer.cpp step for step: one batch of `batch` indices drawn
with torch.randint over the MNIST train split, forward, each task's loss (reconstruction = L1
mean per pixel, kl = per-dim mean KL times its weight), `.item()` on every task loss and on the
total (acc reads them for its NaN check and its events), backward, Adam step.

Prints one JSON object: steps, loop seconds (first step to last, excluding start-up and data
loading, as acc's train.progress does), steps/s and the mean loss over the last log interval.
Run with OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1; --threads sets torch.set_num_threads.
"""
import argparse
import gzip
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def load_mnist_train(data_dir, image_size):
    with gzip.open(os.path.join(data_dir, "mnist", "train-images-idx3-ubyte.gz"), "rb") as f:
        raw = f.read()
    n, rows, cols = (int.from_bytes(raw[i:i + 4], "big") for i in (4, 8, 12))
    images = torch.from_numpy(np.frombuffer(raw, np.uint8, n * rows * cols, 16).copy())
    images = images.view(n, 1, rows, cols)
    if image_size == 32 and rows == 28:
        images = F.pad(images, (2, 2, 2, 2))
    return images.float().div_(255).contiguous()


def halving_conv(cin, cout):
    return nn.Conv2d(cin, cout, 3, stride=2, padding=1)


def doubling_deconv(cin, cout):
    return nn.ConvTranspose2d(cin, cout, 3, stride=2, padding=1, output_padding=1)


class LinearAE(nn.Module):
    def __init__(self, image_size, hidden):
        super().__init__()
        self.side = image_size
        self.encoder = nn.Linear(image_size * image_size, hidden)
        self.decoder = nn.Linear(hidden, image_size * image_size)

    def forward(self, x):
        latent = torch.relu(self.encoder(x.flatten(1)))
        pre = self.decoder(latent)
        # acc's default output: clamp to [0, 1] with a straight-through gradient.
        recon = (pre + (pre.clamp(0, 1) - pre).detach()).view(-1, 1, self.side, self.side)
        return {"latent": latent, "reconstruction": recon}


class ConvEncoder(nn.Module):
    def __init__(self, image_size, latent, head_names):
        super().__init__()
        grid = image_size // 4
        self.conv1 = halving_conv(1, 32)
        self.conv2 = halving_conv(32, 64)
        self.head_names = head_names
        for name in head_names:
            self.add_module(name, nn.Linear(64 * grid * grid, latent))

    def forward(self, x):
        features = torch.relu(self.conv2(torch.relu(self.conv1(x)))).flatten(1)
        return [getattr(self, n)(features) for n in self.head_names]


class ConvDecoder(nn.Module):
    def __init__(self, image_size, latent):
        super().__init__()
        self.grid = image_size // 4
        self.fc_dec = nn.Linear(latent, 64 * self.grid * self.grid)
        self.deconv1 = doubling_deconv(64, 32)
        self.deconv2 = doubling_deconv(32, 1)

    def forward(self, z):
        grid = torch.relu(self.fc_dec(z)).view(-1, 64, self.grid, self.grid)
        pre = self.deconv2(torch.relu(self.deconv1(grid)))
        # acc's default conv output: clamp to [0, 1] with a straight-through gradient.
        return pre + (pre.clamp(0, 1) - pre).detach()


class ConvAE(nn.Module):
    def __init__(self, image_size, latent):
        super().__init__()
        self.encoder = ConvEncoder(image_size, latent, ["fc_enc"])
        self.decoder = ConvDecoder(image_size, latent)

    def forward(self, x):
        latent = self.encoder(x)[0]
        return {"latent": latent, "reconstruction": self.decoder(latent)}


class ConvVAE(nn.Module):
    def __init__(self, image_size, latent):
        super().__init__()
        self.encoder = ConvEncoder(image_size, latent, ["fc_mu", "fc_logvar"])
        self.decoder = ConvDecoder(image_size, latent)

    def forward(self, x):
        mu, logvar = self.encoder(x)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar) if self.training else mu
        return {"latent": z, "reconstruction": self.decoder(z), "mu": mu, "logvar": logvar}


class CrossAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.dim, self.heads = dim, heads
        self.to_q, self.to_k = nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.to_v, self.to_out = nn.Linear(dim, dim), nn.Linear(dim, dim)

    def forward(self, queries, tokens):
        batch, n_tokens, n_queries = tokens.size(0), tokens.size(1), queries.size(0)
        hd = self.dim // self.heads
        q = self.to_q(queries).view(n_queries, self.heads, hd).transpose(0, 1)
        k = self.to_k(tokens).view(batch, n_tokens, self.heads, hd)
        v = self.to_v(tokens).view(batch, n_tokens, self.heads, hd)
        scale = 1.0 / math.sqrt(hd)
        scores = torch.bmm(q, k.permute(2, 3, 0, 1).reshape(self.heads, hd, batch * n_tokens))
        weights = torch.softmax(scores.view(self.heads, n_queries, batch, n_tokens) * scale, dim=-1)
        mixed = torch.bmm(
            weights.permute(2, 0, 1, 3).reshape(batch * self.heads, n_queries, n_tokens),
            v.permute(0, 2, 1, 3).reshape(batch * self.heads, n_tokens, hd))
        out = self.to_out(mixed.view(batch, self.heads, n_queries, hd).transpose(1, 2)
                          .reshape(batch, n_queries, self.dim))
        return out, weights.mean(0).transpose(0, 1)


class TokenGridDecoder(nn.Module):
    def __init__(self, grid, token_dim):
        super().__init__()
        self.grid, self.token_dim = grid, token_dim
        self.norm, self.out_norm = nn.LayerNorm(token_dim), nn.LayerNorm(token_dim)
        self.fc1, self.fc2 = nn.Linear(token_dim, 2 * token_dim), nn.Linear(2 * token_dim, token_dim)
        self.deconv1, self.deconv2 = doubling_deconv(token_dim, 32), doubling_deconv(32, 1)

    def forward(self, positions):
        h = self.out_norm(positions + self.fc2(torch.relu(self.fc1(self.norm(positions)))))
        grid = h.transpose(1, 2).reshape(-1, self.token_dim, self.grid, self.grid)
        pre = self.deconv2(torch.relu(self.deconv1(grid)))
        return pre + (pre.clamp(0, 1) - pre).detach()


class FactorSlotVAE(nn.Module):
    GROUPS = [("digit", 0, 4), ("thickness", 4, 7), ("slant", 7, 10), ("free", 10, 16)]

    def __init__(self, image_size, token_dim=64, heads=4):
        super().__init__()
        self.grid = image_size // 4
        # Built in the C++ constructor's order (initialiser list, then the per-group heads and
        # token embeddings in its body), so the same seed draws the same initial weights.
        self.backbone = nn.Sequential(halving_conv(1, 32), nn.ReLU(), halving_conv(32, 64), nn.ReLU())
        self.token_norm = nn.LayerNorm(token_dim)
        self.queries = nn.Parameter(torch.randn(self.grid * self.grid, token_dim))
        self.attention = CrossAttention(token_dim, heads)
        self.decoder = TokenGridDecoder(self.grid, token_dim)
        features = 64 * self.grid * self.grid
        heads_, tokens_ = {}, {}
        for g, s, e in self.GROUPS:
            heads_[g] = nn.Linear(features, 2 * (e - s))
            tokens_[g] = nn.Linear(e - s, token_dim)
        self.heads = nn.ModuleDict(heads_)
        self.token_embed = nn.ModuleDict(tokens_)

    def forward(self, x):
        features = self.backbone(x).flatten(1)
        mus, logvars = [], []
        for g, _, _ in self.GROUPS:
            m, lv = self.heads[g](features).chunk(2, dim=1)
            mus.append(m)
            logvars.append(lv)
        mu, logvar = torch.cat(mus, 1), torch.cat(logvars, 1)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar) if self.training else mu
        tokens = [self.token_embed[g](z[:, s:e]) for g, s, e in self.GROUPS]
        mixed, weights = self.attention(self.queries, self.token_norm(torch.stack(tokens, 1)))
        recon = self.decoder(mixed + self.queries)
        return {"latent": z, "reconstruction": recon, "mu": mu, "logvar": logvar,
                "attention": weights.transpose(1, 2)}


def kl_loss(out):
    mu, logvar = out["mu"], out["logvar"]
    return (-0.5 * (1 + logvar - mu.square() - logvar.exp())).mean()


def recon_loss(out, images):
    return F.l1_loss(out["reconstruction"], images)


# model name -> (constructor(image_size), [(task, weight)]); must match bench/run_bench.py's recipes.
MODELS = {
    "linear_ae": (lambda s: LinearAE(s, 64), [("reconstruction", 1.0)]),
    "conv_ae": (lambda s: ConvAE(s, 16), [("reconstruction", 1.0)]),
    "conv_vae": (lambda s: ConvVAE(s, 16), [("reconstruction", 1.0), ("kl", 1.0)]),
    "factor_slot_vae": (lambda s: FactorSlotVAE(s), [("reconstruction", 1.0), ("kl", 0.01)]),
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True, choices=sorted(MODELS))
    p.add_argument("--steps", type=int, required=True)
    p.add_argument("--image-size", type=int, default=28)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--data", default=os.environ.get("ACC_DATA", "data"))
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    images = load_mnist_train(a.data, a.image_size)
    make, tasks = MODELS[a.model]
    model = make(a.image_size)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    losses = {"reconstruction": lambda out, x: recon_loss(out, x), "kl": lambda out, x: kl_loss(out)}
    every = 1 if a.steps <= 500 else (a.steps + 499) // 500  # acc's default_log_every
    tail = []

    start = time.perf_counter()
    for step in range(1, a.steps + 1):
        opt.zero_grad()
        idx = torch.randint(images.size(0), (a.batch,), dtype=torch.long)
        x = images.index_select(0, idx)
        out = model(x)
        total = None
        for name, weight in tasks:
            loss = losses[name](out, x)
            value = loss.item()
            if not math.isfinite(value):
                raise SystemExit(f"loss {name} is {value} at step {step}")
            total = loss * weight if total is None else total + loss * weight
        total.backward()
        opt.step()
        tail.append(total.item())
        if step % every == 0 and step != a.steps:
            tail = []
    seconds = time.perf_counter() - start
    print(json.dumps({"model": a.model, "steps": a.steps, "seconds": seconds,
                      "steps_per_second": a.steps / seconds,
                      "final_loss": sum(tail) / len(tail),
                      "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
