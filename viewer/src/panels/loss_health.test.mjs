// Loss-health folding: spans per branch, the current class, the worst class, bands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lossHealthOf, healthBands, healthSummary } from './loss_health.js';

const ev = (payload) => ({ type: 'train.health', payload });

test('spans close at the next verdict of the same branch and the worst current class wins', () => {
  const health = lossHealthOf([
    ev({ task: 'recon', from: 'a', step: 100, health: 'trivial', previous: null, reason: 'r1' }),
    ev({ task: 'recon', from: 'b', step: 100, health: 'healthy', previous: null, reason: 'r2' }),
    { type: 'train.metrics', payload: { step: 150 } },
    ev({ task: 'recon', from: 'a', step: 300, health: 'healthy', previous: 'trivial', reason: 'r3' }),
    ev({ task: 'recon', from: 'b', step: 400, health: 'plateau', previous: 'healthy', reason: 'r4' }),
    ev({ task: 'kl', from: 'a', step: 100, health: 'diverging', previous: null, reason: 'r5' }),
  ]);
  const recon = health.get('recon');
  assert.deepEqual(recon.spans.map((s) => [s.from, s.health, s.start, s.end]), [
    ['a', 'trivial', 100, 300], ['b', 'healthy', 100, 400], ['a', 'healthy', 300, null], ['b', 'plateau', 400, null],
  ]);
  assert.equal(recon.worst, 'plateau');
  assert.equal(health.get('kl').worst, 'diverging');
  assert.deepEqual(healthBands(recon).map((s) => [s.health, s.start, s.end]), [['trivial', 100, 300], ['plateau', 400, null]]);
  assert.match(healthSummary(recon).split('\n')[0], /^from b: plateau since step 400 — r4$/);
});

test('malformed or unknown-class events are ignored, and no events means no tasks', () => {
  assert.equal(lossHealthOf([]).size, 0);
  const health = lossHealthOf([
    ev({ task: 'recon', step: 10, health: 'sick' }),
    ev({ task: 'recon', health: 'trivial' }),
    ev({ step: 10, health: 'trivial' }),
  ]);
  assert.equal(health.size, 0);
  assert.deepEqual(healthBands(undefined), []);
});
