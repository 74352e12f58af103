#!/usr/bin/python3
"""Checks the memory plan line printed by `aic-compile -v`.

Usage: check_plan.py PLAN_TXT --max-ratio R
Fails unless peak arena bytes <= R * the sum of intermediate tensor sizes.
"""
import argparse
import re
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("plan")
    ap.add_argument("--max-ratio", type=float, required=True)
    args = ap.parse_args()
    text = open(args.plan).read()
    m = re.search(r"peak arena (\d+) bytes; sum of intermediate tensors (\d+) bytes", text)
    if not m:
        print("error: no memory plan line in " + args.plan, file=sys.stderr)
        return 1
    peak, total = int(m.group(1)), int(m.group(2))
    ratio = peak / total if total else 0.0
    print(f"peak {peak} bytes, sum {total} bytes, ratio {ratio:.3f}")
    if ratio > args.max_ratio:
        print(f"error: peak/sum {ratio:.3f} exceeds {args.max_ratio}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
