#!/usr/bin/env node
// ort-run.js - reference runner: the aic-run command-line contract, executed
// with ONNX Runtime (npm package onnxruntime-node, installed into
// benchmarks/node_modules by `scripts/setup.sh --with-ort`, or by hand with
// `cd benchmarks && npm install --ignore-scripts`).
//
//   node benchmarks/ort-run.js MODEL.onnx --inputs DIR --outputs OUTDIR
//       reads DIR/input_0.pb, input_1.pb, ... (serialized ONNX TensorProto,
//       graph-input order, initializers excluded) and writes
//       OUTDIR/output_0.pb, ... in graph-output order.
//   node benchmarks/ort-run.js MODEL.onnx --bench [--inputs DIR]
//       [--threads N] [--warmup W] [--runs R] [--json]
//       times session.run (inputs random unless --inputs); with --json
//       prints one JSON object with median_ms, p90_ms, runs, threads, ...
//   node benchmarks/ort-run.js MODEL.onnx --first-result [--inputs DIR]
//       [--threads N]
//       start-up cost, for a fresh process: prints one JSON object with
//       load_ms (InferenceSession.create), first_run_ms (the first
//       session.run), baseline_rss_kb (VmRSS once onnxruntime-node is
//       loaded, before the session) and peak_rss_kb (VmHWM after the first
//       run; the peak-RSS mark is reset at the baseline by writing 5 to
//       /proc/self/clear_refs). Inputs are made outside the timed region.
//
// --threads N sets intraOpNumThreads (0 = ONNX Runtime's default). Errors:
// one line on stderr, exit status 1 (2 for usage errors). TensorProto files
// are decoded/encoded by the small protobuf codec below (no dependencies),
// outside the timed region.
'use strict';

const fs = require('fs');
const path = require('path');

const USAGE =
  'usage: ort-run.js MODEL.onnx (--inputs DIR --outputs OUTDIR | --bench ' +
  '[--inputs DIR] [--threads N] [--warmup W] [--runs R] [--json] | ' +
  '--first-result [--inputs DIR] [--threads N])';

function die(msg, code = 1) {
  process.stderr.write('ort-run: ' + String(msg).replace(/\s*\n\s*/g, ' ').trim() + '\n');
  process.exit(code);
}

// ---------------------------------------------------------------------------
// Minimal protobuf codec for onnx.TensorProto.
// ---------------------------------------------------------------------------

// ONNX TensorProto.DataType -> [ort type name, typed array constructor]
const DTYPES = {
  1: ['float32', Float32Array],
  2: ['uint8', Uint8Array],
  3: ['int8', Int8Array],
  4: ['uint16', Uint16Array],
  5: ['int16', Int16Array],
  6: ['int32', Int32Array],
  7: ['int64', BigInt64Array],
  8: ['string', null],
  9: ['bool', Uint8Array],
  10: ['float16', Uint16Array],
  11: ['float64', Float64Array],
  12: ['uint32', Uint32Array],
  13: ['uint64', BigUint64Array],
};
const ORT_TO_ONNX = {};
for (const [k, [name]] of Object.entries(DTYPES)) ORT_TO_ONNX[name] = Number(k);

class Reader {
  constructor(buf) {
    this.buf = buf;
    this.pos = 0;
  }
  eof() {
    return this.pos >= this.buf.length;
  }
  varint() { // as BigInt (uint64)
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
    }
  }
  bytes() {
    const n = Number(this.varint());
    if (this.pos + n > this.buf.length) throw new Error('truncated field');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(wire) {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error('unsupported protobuf wire type ' + wire);
  }
}

// Reads a repeated scalar field that may be packed (wire 2) or not.
function readRepeated(r, wire, kind, out) {
  const one = (rr) => {
    if (kind === 'varint') out.push(rr.varint());
    else if (kind === 'f32') { out.push(rr.buf.readFloatLE(rr.pos)); rr.pos += 4; }
    else if (kind === 'f64') { out.push(rr.buf.readDoubleLE(rr.pos)); rr.pos += 8; }
  };
  if (wire === 2) {
    const sub = new Reader(r.bytes());
    while (!sub.eof()) one(sub);
  } else {
    one(r);
  }
}

function decodeTensorProto(buf) {
  const r = new Reader(buf);
  const t = { dims: [], dataType: 0, name: '', raw: null, floats: [], ints32: [],
              ints64: [], uints64: [], doubles: [], strings: [] };
  while (!r.eof()) {
    const key = Number(r.varint());
    const field = key >>> 3;
    const wire = key & 7;
    switch (field) {
      case 1: readRepeated(r, wire, 'varint', t.dims); break;
      case 2: t.dataType = Number(r.varint()); break;
      case 4: readRepeated(r, wire, 'f32', t.floats); break;
      case 5: readRepeated(r, wire, 'varint', t.ints32); break;
      case 6: t.strings.push(Buffer.from(r.bytes()).toString('utf8')); break;
      case 7: readRepeated(r, wire, 'varint', t.ints64); break;
      case 8: t.name = Buffer.from(r.bytes()).toString('utf8'); break;
      case 9: t.raw = r.bytes(); break;
      case 10: readRepeated(r, wire, 'f64', t.doubles); break;
      case 11: readRepeated(r, wire, 'varint', t.uints64); break;
      case 14: if (Number(r.varint()) !== 0) throw new Error('external tensor data is not supported'); break;
      default: r.skip(wire);
    }
  }
  const dims = t.dims.map((d) => Number(BigInt.asIntN(64, d)));
  const count = dims.reduce((a, b) => a * b, 1);
  const entry = DTYPES[t.dataType];
  if (!entry) throw new Error(`tensor '${t.name}': unsupported data type ${t.dataType}`);
  const [type, Ctor] = entry;
  let data;
  if (type === 'string') {
    data = t.strings;
  } else if (t.raw) {
    const copy = new Uint8Array(t.raw.length);
    copy.set(t.raw); // aligned copy
    if (copy.length !== count * Ctor.BYTES_PER_ELEMENT)
      throw new Error(`tensor '${t.name}': raw_data has ${copy.length} bytes, expected ${count * Ctor.BYTES_PER_ELEMENT}`);
    data = new Ctor(copy.buffer, 0, count);
  } else {
    let src;
    if (t.dataType === 1) src = t.floats;
    else if (t.dataType === 11) src = t.doubles;
    else if (t.dataType === 7) src = t.ints64.map((v) => BigInt.asIntN(64, v));
    else if (t.dataType === 13) src = t.uints64.map((v) => BigInt.asUintN(64, v));
    else if (t.dataType === 12) src = t.uints64.map((v) => Number(v));
    else src = t.ints32.map((v) => Number(BigInt.asIntN(32, v)));
    if (src.length !== count)
      throw new Error(`tensor '${t.name}': has ${src.length} elements, expected ${count}`);
    data = Ctor.from(src);
  }
  return { name: t.name, type, dims, data };
}

function encVarint(v, out) {
  let x = BigInt.asUintN(64, BigInt(v));
  while (x >= 0x80n) {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
}

function encodeTensorProto(name, type, dims, data) {
  const dataType = ORT_TO_ONNX[type];
  if (!dataType) throw new Error(`output '${name}': unsupported type ${type}`);
  const head = [];
  if (dims.length) {
    const packed = [];
    for (const d of dims) encVarint(d, packed);
    head.push(0x0a); encVarint(packed.length, head); head.push(...packed);
  }
  head.push(0x10); encVarint(dataType, head);
  const nameBytes = Buffer.from(name, 'utf8');
  head.push(0x42); encVarint(nameBytes.length, head);
  const parts = [Buffer.from(head), nameBytes];
  if (type === 'string') {
    for (const s of data) {
      const b = Buffer.from(s, 'utf8');
      const h = [0x32]; encVarint(b.length, h);
      parts.push(Buffer.from(h), b);
    }
  } else {
    const raw = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const h = [0x4a]; encVarint(raw.length, h);
    parts.push(Buffer.from(h), raw);
  }
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------

function parseArgs(argv) {
  const opts = { model: null, inputs: null, outputs: null, bench: false, firstResult: false,
                 json: false, threads: 0, warmup: 10, runs: 100 };
  const intArg = (name, v, min) => {
    if (v === undefined || !/^\d+$/.test(v) || Number(v) < min)
      die(`${name} expects an integer >= ${min}\n${USAGE}`, 2);
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--inputs') opts.inputs = argv[++i];
    else if (a === '--outputs') opts.outputs = argv[++i];
    else if (a === '--bench') opts.bench = true;
    else if (a === '--first-result') opts.firstResult = true;
    else if (a === '--json') opts.json = true;
    else if (a === '--threads') opts.threads = intArg(a, argv[++i], 0);
    else if (a === '--warmup') opts.warmup = intArg(a, argv[++i], 0);
    else if (a === '--runs') opts.runs = intArg(a, argv[++i], 1);
    else if (a === '-h' || a === '--help') { process.stdout.write(USAGE + '\n'); process.exit(0); }
    else if (a.startsWith('-')) die(`unknown option ${a}\n${USAGE}`, 2);
    else if (opts.model === null) opts.model = a;
    else die(`unexpected argument ${a}\n${USAGE}`, 2);
    if ((a === '--inputs' || a === '--outputs') && argv[i] === undefined) die(`${a} expects a directory`, 2);
  }
  if (!opts.model) die(USAGE, 2);
  if (opts.bench && opts.firstResult) die('--bench and --first-result exclude each other', 2);
  if (!opts.bench && !opts.firstResult && (!opts.inputs || !opts.outputs))
    die('--inputs and --outputs are required unless --bench or --first-result\n' + USAGE, 2);
  return opts;
}

function loadOrt() {
  try {
    return require('onnxruntime-node');
  } catch (e) {
    die('cannot load onnxruntime-node (run `npm install --ignore-scripts` in benchmarks/): ' + e.message);
  }
}

function readInputs(ort, session, dir) {
  const names = session.inputNames;
  const feeds = {};
  for (let i = 0; ; i++) {
    const file = path.join(dir, `input_${i}.pb`);
    if (!fs.existsSync(file)) {
      if (i < names.length) throw new Error(`missing ${file} (model has ${names.length} inputs)`);
      break;
    }
    if (i >= names.length) throw new Error(`${file}: model has only ${names.length} inputs`);
    const t = decodeTensorProto(fs.readFileSync(file));
    feeds[names[i]] = new ort.Tensor(t.type, t.data, t.dims);
  }
  return feeds;
}

function randomInputs(ort, session) {
  const meta = session.inputMetadata;
  if (!meta) throw new Error('this onnxruntime-node has no inputMetadata; pass --inputs DIR');
  const feeds = {};
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296) * 2 - 1;
  for (const m of meta) {
    if (!m.isTensor) throw new Error(`input '${m.name}' is not a tensor`);
    const dims = m.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : 1));
    const n = dims.reduce((a, b) => a * b, 1);
    const entry = Object.values(DTYPES).find(([t]) => t === m.type);
    if (!entry || !entry[1]) throw new Error(`input '${m.name}': unsupported type ${m.type}`);
    const data = new entry[1](n);
    if (m.type === 'float32' || m.type === 'float64') for (let i = 0; i < n; i++) data[i] = rnd();
    feeds[m.name] = new ort.Tensor(m.type, data, dims);
  }
  return feeds;
}

// Returns the value in kB of a "Key:   123 kB" line of /proc/self/status.
function statusKb(key) {
  const m = fs.readFileSync('/proc/self/status', 'utf8').match(new RegExp(`^${key}:\\s*(\\d+)`, 'm'));
  return m ? Number(m[1]) : -1;
}

function resetPeakRss() {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
  } catch (e) {
    // Older kernels: VmHWM then also covers the start-up before the baseline.
  }
}

function percentile(sorted, p) { // nearest rank
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(opts.model)) die(`cannot open model ${opts.model}`);
  if (!opts.model.endsWith('.onnx'))
    die(`${opts.model}: only .onnx models are supported by the ONNX Runtime reference runner`);
  const ort = loadOrt();
  ort.env.logLevel = 'error';
  const sessionOptions = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: opts.threads,
    interOpNumThreads: 1,
    logSeverityLevel: 3,
  };
  const baselineRssKb = statusKb('VmRSS');
  resetPeakRss();
  let session;
  const t0 = process.hrtime.bigint();
  try {
    session = await ort.InferenceSession.create(opts.model, sessionOptions);
  } catch (e) {
    die(`${opts.model}: ${e.message}`);
  }
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
  let feeds;
  try {
    feeds = opts.inputs ? readInputs(ort, session, opts.inputs) : randomInputs(ort, session);
  } catch (e) {
    die(e.message);
  }

  if (opts.firstResult) {
    const t1 = process.hrtime.bigint();
    try {
      await session.run(feeds);
    } catch (e) {
      die(`run failed: ${e.message}`);
    }
    const firstRunMs = Number(process.hrtime.bigint() - t1) / 1e6;
    process.stdout.write(JSON.stringify({ load_ms: loadMs, first_run_ms: firstRunMs,
                                          baseline_rss_kb: baselineRssKb,
                                          peak_rss_kb: statusKb('VmHWM') }) + '\n');
    return;
  }

  if (!opts.bench) {
    let results;
    try {
      results = await session.run(feeds);
    } catch (e) {
      die(`run failed: ${e.message}`);
    }
    fs.mkdirSync(opts.outputs, { recursive: true });
    session.outputNames.forEach((name, i) => {
      const t = results[name];
      fs.writeFileSync(path.join(opts.outputs, `output_${i}.pb`),
                       encodeTensorProto(name, t.type, t.dims, t.data));
    });
    return;
  }

  const times = [];
  try {
    for (let i = 0; i < opts.warmup; i++) await session.run(feeds);
    for (let i = 0; i < opts.runs; i++) {
      const t0 = process.hrtime.bigint();
      await session.run(feeds);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  } catch (e) {
    die(`run failed: ${e.message}`);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  const r = (x) => Math.round(x * 1e4) / 1e4;
  const summary = {
    model: opts.model,
    runtime: 'onnxruntime',
    version: (ort.env.versions && ort.env.versions.node) || null,
    threads: opts.threads,
    warmup: opts.warmup,
    runs: n,
    median_ms: r(median),
    p90_ms: r(percentile(sorted, 0.9)),
    min_ms: r(sorted[0]),
    mean_ms: r(times.reduce((a, b) => a + b, 0) / n),
    max_ms: r(sorted[n - 1]),
  };
  if (opts.json) {
    process.stdout.write(JSON.stringify(summary) + '\n');
  } else {
    process.stdout.write(`${path.basename(opts.model)}: onnxruntime ${summary.version}, ` +
      `threads ${opts.threads}, ${n} runs: median ${summary.median_ms} ms, ` +
      `p90 ${summary.p90_ms} ms, min ${summary.min_ms} ms\n`);
  }
}

main().catch((e) => die(e && e.message ? e.message : e));
