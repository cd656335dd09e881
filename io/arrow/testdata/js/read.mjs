// read.mjs prints an Arrow IPC file as JSON, read with the JavaScript
// implementation of Arrow (the apache-arrow package), for io/arrow's Go
// tests: node read.mjs FILE.arrow
//
// Output: {"batches": [rows per record batch], "metadata": {...},
// "fields": [{"name", "type", "nullable", "metadata"}], "columns":
// {name: [values]}}. Values are JSON numbers, strings, booleans or null;
// 64-bit integers and timestamps (their raw microseconds) are decimal
// strings, so that no digit is lost; NaN and infinities are the strings
// "NaN", "Infinity", "-Infinity".
import { readFileSync } from 'node:fs';
import { makeVector, tableFromIPC, Type } from 'apache-arrow';

const table = tableFromIPC(readFileSync(process.argv[2]));

function value(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v;
}

const columns = {};
const fields = table.schema.fields.map((f, i) => {
  const out = [];
  for (const data of table.getChildAt(i).data) {
    const chunk = makeVector(data);
    for (let j = 0; j < chunk.length; j++) {
      if (!chunk.isValid(j)) {
        out.push(null);
      } else if (f.type.typeId === Type.Timestamp) {
        // get() gives milliseconds as a float; the stored values are exact.
        out.push(data.values[data.offset + j].toString());
      } else {
        out.push(value(chunk.get(j)));
      }
    }
  }
  columns[f.name] = out;
  return { name: f.name, type: String(f.type), nullable: f.nullable, metadata: Object.fromEntries(f.metadata) };
});

process.stdout.write(JSON.stringify({
  batches: table.batches.map((b) => b.numRows),
  metadata: Object.fromEntries(table.schema.metadata),
  fields,
  columns,
}) + '\n');
