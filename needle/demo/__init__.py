"""The demo product: a fictional team task tracker with planted, documented effects."""

from needle.demo.build import DemoExists, DemoInfo, build, demo_info
from needle.demo.truth import TRUTH, DemoTruth, evidence_themes, truth_for

__all__ = [
    "TRUTH",
    "DemoExists",
    "DemoInfo",
    "DemoTruth",
    "build",
    "demo_info",
    "evidence_themes",
    "truth_for",
]
