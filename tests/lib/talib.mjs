// Reference values for the indicator tests: TA-Lib's own C code, built to
// WebAssembly (the npm package talib-web).  Candles come in on stdin as CSV
// lines "open,high,low,close,volume" in time order; one line goes out per
// candle with the function's output(s) for that row, empty where TA-Lib has
// none (the rows before its lookback), so the lines match tsq-query's rows.
//
//   node talib.mjs NODE_DIR [-o FILE] FUNCTION [NAME=VALUE]... [-- [-o FILE] FUNCTION ...]...
//
// FUNCTION is TA-Lib's name (SMA, EMA, RSI, ...: the table below, where
// MAX_HIGH and MIN_LOW are MAX of the high and MIN of the low); NAME=VALUE
// sets one of its parameters, e.g. timePeriod=20 or fastPeriod=12.  Calls
// separated by -- share one read of the candles (and one start of node);
// -o FILE writes a call's lines to FILE instead of standard output.
//
// The C functions are called directly: talib-web's wrapper sizes its arrays
// one element short and leaves out where the output starts.
import fs from 'node:fs';
import { createRequire } from 'node:module';

// Each function's inputs, parameters (with TA-Lib's defaults) and number of
// outputs, in the order of its C signature.
const FUNCTIONS = {
  SMA: { inputs: ['close'], params: { timePeriod: 30 }, outputs: 1 },
  EMA: { inputs: ['close'], params: { timePeriod: 30 }, outputs: 1 },
  RSI: { inputs: ['close'], params: { timePeriod: 14 }, outputs: 1 },
  BBANDS: { inputs: ['close'], params: { timePeriod: 5, nbDevUp: 2, nbDevDn: 2, MAType: 0 }, outputs: 3 },
  MACD: { inputs: ['close'], params: { fastPeriod: 12, slowPeriod: 26, signalPeriod: 9 }, outputs: 3 },
  WMA: { inputs: ['close'], params: { timePeriod: 30 }, outputs: 1 },
  ROC: { inputs: ['close'], params: { timePeriod: 10 }, outputs: 1 },
  WILLR: { inputs: ['high', 'low', 'close'], params: { timePeriod: 14 }, outputs: 1 },
  CCI: { inputs: ['high', 'low', 'close'], params: { timePeriod: 14 }, outputs: 1 },
  ATR: { inputs: ['high', 'low', 'close'], params: { timePeriod: 14 }, outputs: 1 },
  OBV: { inputs: ['close', 'volume'], params: {}, outputs: 1 },
  STOCH: {
    inputs: ['high', 'low', 'close'],
    params: { fastKPeriod: 5, slowKPeriod: 3, slowKMAType: 0, slowDPeriod: 3, slowDMAType: 0 },
    outputs: 2,
  },
  STOCHRSI: {
    inputs: ['close'], params: { timePeriod: 14, fastKPeriod: 5, fastDPeriod: 3, fastDMAType: 0 }, outputs: 2,
  },
  PLUS_DI: { inputs: ['high', 'low', 'close'], params: { timePeriod: 14 }, outputs: 1 },
  MINUS_DI: { inputs: ['high', 'low', 'close'], params: { timePeriod: 14 }, outputs: 1 },
  ADX: { inputs: ['high', 'low', 'close'], params: { timePeriod: 14 }, outputs: 1 },
  MFI: { inputs: ['high', 'low', 'close', 'volume'], params: { timePeriod: 14 }, outputs: 1 },
  // MAX and MIN of one input: the Donchian channel's bounds.
  MAX_HIGH: { fn: 'MAX', inputs: ['high'], params: { timePeriod: 30 }, outputs: 1 },
  MIN_LOW: { fn: 'MIN', inputs: ['low'], params: { timePeriod: 30 }, outputs: 1 },
};

const [nodeDir, ...rest] = process.argv.slice(2);
const calls = [[]];
for (const a of rest) {
  if (a === '--') calls.push([]);
  else calls[calls.length - 1].push(a);
}
const require = createRequire(`${nodeDir}/package.json`);
// Node's fetch cannot read a file: let the runtime read the .wasm itself.
globalThis.fetch = undefined;
const talib = require('talib-web');
const wasm = await talib.init(require.resolve('talib-web/lib/talib.wasm'));

const rows = fs.readFileSync(0, 'utf8').split('\n').filter((l) => l !== '')
  .map((l) => l.split(',').map(Number));
const n = rows.length;
const column = { open: 0, high: 1, low: 2, close: 3, volume: 4 };

const doubles = (count) => wasm._malloc(8 * count);

// One call: its output lines, one per candle.
function run(name, opts) {
  const fn = FUNCTIONS[name];
  if (!fn) throw new Error(`talib.mjs: no function ${name}`);
  const params = { ...fn.params };
  for (const o of opts) {
    const [k, v] = o.split('=');
    if (!(k in params)) throw new Error(`talib.mjs: ${name} has no parameter ${k}`);
    params[k] = Number(v);
  }
  const inputs = fn.inputs.map((c) => {
    const p = doubles(n);
    wasm.HEAPF64.set(rows.map((r) => r[column[c]]), p / 8);
    return p;
  });
  const outputs = Array.from({ length: fn.outputs }, () => doubles(n));
  const begIdx = wasm._malloc(4);
  const nbElement = wasm._malloc(4);
  const args = [0, n - 1, ...inputs, ...Object.values(params), begIdx, nbElement, ...outputs];
  const cname = `TA_${fn.fn ?? name}`;
  const rc = wasm.ccall(cname, 'number', args.map(() => 'number'), args);
  if (rc !== 0) throw new Error(`talib.mjs: ${cname} returned ${rc}`);
  const begin = wasm.HEAP32[begIdx / 4];
  const count = wasm.HEAP32[nbElement / 4];
  const values = outputs.map((p) => Array.from(wasm.HEAPF64.subarray(p / 8, p / 8 + count)));
  for (const p of [...inputs, ...outputs, begIdx, nbElement]) wasm._free(p);
  return rows.map((_, i) => values
    .map((v) => (i < begin || i >= begin + count ? '' : String(v[i - begin]))).join(','));
}

for (const call of calls) {
  let file = null;
  if (call[0] === '-o') file = call.splice(0, 2)[1];
  const [name, ...opts] = call;
  const text = run(name, opts).join('\n') + '\n';
  if (file) fs.writeFileSync(file, text);
  else process.stdout.write(text);
}
