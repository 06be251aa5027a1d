// Reference values for the indicator tests, from the npm package
// technicalindicators: closes in on stdin (one per line), one line out per
// close with the indicator's value(s), empty where it has none yet, so the
// lines match tsq-query's rows one for one.
//
//   node indicators.mjs NODE_DIR sma|ema|rsi PERIOD
//   node indicators.mjs NODE_DIR bollinger PERIOD K      -> upper,middle,lower
//   node indicators.mjs NODE_DIR macd FAST SLOW SIGNAL   -> macd,signal,histogram
import fs from 'node:fs';
import { createRequire } from 'node:module';

const [nodeDir, name, ...args] = process.argv.slice(2);
const require = createRequire(`${nodeDir}/package.json`);
const ti = require('technicalindicators');
const values = fs.readFileSync(0, 'utf8').split('\n').filter((l) => l !== '').map(Number);
const n = args.map(Number);
let out;
let pad = (list, cols) => Array(values.length - list.length).fill(cols).concat(list);
switch (name) {
  case 'sma': out = pad(ti.SMA.calculate({ period: n[0], values }).map(String), ''); break;
  case 'ema': out = pad(ti.EMA.calculate({ period: n[0], values }).map(String), ''); break;
  case 'rsi': out = pad(ti.RSI.calculate({ period: n[0], values }).map(String), ''); break;
  case 'bollinger':
    out = pad(ti.BollingerBands.calculate({ period: n[0], stdDev: n[1], values })
      .map((b) => `${b.upper},${b.middle},${b.lower}`), ',,');
    break;
  case 'macd':
    out = pad(ti.MACD.calculate({ values, fastPeriod: n[0], slowPeriod: n[1], signalPeriod: n[2],
      SimpleMAOscillator: false, SimpleMASignal: false })
      .map((m) => `${m.MACD},${m.signal ?? ''},${m.histogram ?? ''}`), ',,');
    break;
  default: throw new Error(`unknown indicator ${name}`);
}
process.stdout.write(out.join('\n') + '\n');
