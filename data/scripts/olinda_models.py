"""The three baseline network definitions (python3-torch), shared by training and the reference tests."""
import torch
from torch import nn
import torch.nn.functional as F

BANDS = 6
CLASSES = 4


class PatchClassifier(nn.Module):
    """8x8 patch -> 4 class logits. Dropout before the head; `mc_dropout` keeps it active."""

    def __init__(self, p=0.3):
        super().__init__()
        self.c1 = nn.Conv2d(BANDS, 16, 3, padding=1)
        self.c2 = nn.Conv2d(16, 32, 3, padding=1)
        self.drop = nn.Dropout(p)
        self.head = nn.Linear(32, CLASSES)

    def forward(self, x):
        h = F.relu(self.c1(x))
        h = F.relu(self.c2(h))
        h = h.mean(dim=(2, 3))
        return self.head(self.drop(h))


class Segmenter(nn.Module):
    """Fully convolutional per-pixel classifier; receptive field 7x7 (3-pixel halo)."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(BANDS, 16, 3, padding=1)
        self.c2 = nn.Conv2d(16, 16, 3, padding=2, dilation=2)
        self.head = nn.Conv2d(16, CLASSES, 1)

    def forward(self, x):
        return self.head(F.relu(self.c2(F.relu(self.c1(x)))))


class ElevationRegressor(nn.Module):
    """Per-pixel elevation (m) and its log-variance (log m^2); receptive field 15x15 (7-pixel halo)."""

    def __init__(self, target_mean=0.0, target_std=1.0):
        super().__init__()
        self.c1 = nn.Conv2d(BANDS, 16, 3, padding=1)
        self.c2 = nn.Conv2d(16, 16, 3, padding=2, dilation=2)
        self.c3 = nn.Conv2d(16, 16, 3, padding=4, dilation=4)
        self.head = nn.Conv2d(16, 2, 1)
        self.register_buffer("tm", torch.tensor(float(target_mean)))
        self.register_buffer("ts", torch.tensor(float(target_std)))

    def forward_normalized(self, x):
        h = F.relu(self.c3(F.relu(self.c2(F.relu(self.c1(x))))))
        o = self.head(h)
        return o[:, 0:1], o[:, 1:2]

    def forward(self, x):
        mu, logvar = self.forward_normalized(x)
        return torch.cat([mu * self.ts + self.tm, logvar + 2 * torch.log(self.ts)], dim=1)
