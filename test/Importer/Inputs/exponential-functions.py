"""Writes the ONNX text of a model whose 24 nested functions each call the
next twice: 2^24 nodes once inlined (functions.onnxtxt).

Usage: exponential-functions.py OUT.onnxtxt
"""
import sys

DEPTH = 24
lines = ['<ir_version: 8, opset_import: ["" : 15, "local" : 1]>',
         'g (float[2] x) => (float[2] y) {', '  y = local.F0 (x)', '}']
for i in range(DEPTH):
    lines += ['<domain: "local", opset_import: ["" : 15, "local" : 1]>',
              f'F{i} (a) => (c) {{', f'  b = local.F{i + 1} (a)',
              f'  c = local.F{i + 1} (b)', '}']
lines += ['<domain: "local", opset_import: ["" : 15]>',
          f'F{DEPTH} (a) => (c) {{', '  c = Neg (a)', '}']
with open(sys.argv[1], 'w') as f:
    f.write('\n'.join(lines) + '\n')
