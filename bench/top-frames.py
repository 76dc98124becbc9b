#!/usr/bin/env python3
"""Summarises async-profiler's collapsed stacks (bench/cpu-profile.sh --async-profiler): the top self frames and the
top inclusive frames, each as a share of all samples, optionally only for stacks that pass through a frame matching
--only. Usage: bench/top-frames.py FILE.collapsed [--top N] [--only REGEX]"""
import argparse
import collections
import re

parser = argparse.ArgumentParser()
parser.add_argument("file")
parser.add_argument("--top", type=int, default=25)
parser.add_argument("--only", default=None)
args = parser.parse_args()

self_counts = collections.Counter()
incl_counts = collections.Counter()
total = 0
with open(args.file) as f:
    for line in f:
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        if args.only and not any(re.search(args.only, fr) for fr in frames):
            continue
        n = int(count)
        total += n
        self_counts[frames[-1]] += n
        for fr in set(frames):
            incl_counts[fr] += n
print(f"samples={total}")
print("-- self")
for fr, n in self_counts.most_common(args.top):
    print(f"{100.0 * n / total:6.1f}%  {fr}")
print("-- inclusive")
for fr, n in incl_counts.most_common(args.top * 2):
    print(f"{100.0 * n / total:6.1f}%  {fr}")
