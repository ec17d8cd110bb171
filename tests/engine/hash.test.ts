import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex } from '../../src/engine/hash.ts';
import { ENGINE_VERSION } from '../../src/engine/version.ts';

describe('provenance', () => {
  it('sha256 agrees with Node for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (t) => {
        expect(sha256Hex(t)).toBe(createHash('sha256').update(t).digest('hex'));
      }),
    );
  });

  it('canonical JSON does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3] } })).toBe(canonicalJson({ a: { c: [3], d: 2 }, b: 1 }));
  });

  it('the engine version is the package version', () => {
    expect(ENGINE_VERSION).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });
});
