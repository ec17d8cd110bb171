/**
 * The page's scenarios and share links without a browser: a link's seed and the
 * seed box follow the schema's seed rule, with the message a scenario file gets.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/engine/scenario.ts';
import { parseSeed } from '../../src/engine/schema.ts';
import { parseGuided, parseShareHash, resolver, shareHash } from '../../src/ui/scenarios.ts';

const SEED_MESSAGE = 'not a valid seed (got 99999999999, expected an integer from 0 to 2147483647)';

describe('share links', () => {
  it('open the scenario they name at their seed, and round-trip', () => {
    const chosen = parseShareHash('#scenario=teaching-basic&seed=5');
    expect(chosen?.seed).toBe(5);
    expect(chosen?.scenario.name).toBe('teaching-basic');
    expect(chosen && shareHash(chosen)).toBe('#scenario=teaching-basic&seed=5');
  });

  it('refuse a seed outside 0…2^31−1 with the message a scenario file gets', () => {
    expect(() => parseShareHash('#scenario=teaching-basic&seed=99999999999')).toThrow(
      `link: seed: ${SEED_MESSAGE}`,
    );
    expect(() => loadScenario({ name: 'f.yaml', text: 'seed: 99999999999\n' })).toThrow(
      `f.yaml: seed: ${SEED_MESSAGE}`,
    );
    expect(() => parseShareHash('#scenario=teaching-basic&seed=1.5')).toThrow(
      'link: seed: not a valid seed (got 1.5,',
    );
    expect(() => parseShareHash('#scenario=teaching-basic&seed=-3')).toThrow(
      'link: seed: not a valid seed (got -3,',
    );
    expect(() => parseShareHash('#scenario=teaching-basic&seed=')).toThrow(
      'link: seed: not a valid seed (got "",',
    );
    expect(parseShareHash('#scenario=teaching-basic&seed=2147483647')?.seed).toBe(2147483647);
  });

  it('suggest the nearest built-in for a misspelt scenario', () => {
    expect(() => parseShareHash('#scenario=teaching-basci&seed=1')).toThrow(
      'link: scenario: no built-in scenario named "teaching-basci" (did you mean "teaching-basic"?)',
    );
    expect(() => resolver('breast-her2-erly', '')).toThrow('(did you mean "breast-her2-early"?)');
  });
});

describe('the seed box', () => {
  // main.ts reads the box with parseSeed(value, 'seed'), the function --seed and links use.
  it('refuses what --seed and a link refuse, with the same words', () => {
    expect(() => parseSeed('99999999999', 'seed')).toThrow(`seed: ${SEED_MESSAGE}`);
    expect(() => parseSeed('', 'seed')).toThrow('seed: not a valid seed (got "",');
    expect(parseSeed('12', 'seed')).toBe(12);
  });
});

describe('the guided mode in a link', () => {
  it('is on with guided=1, off with 0 or none, and refused otherwise', () => {
    expect(parseGuided('#scenario=teaching-basic&seed=42&guided=1')).toBe(true);
    expect(parseGuided('#scenario=teaching-basic&seed=42&guided=0')).toBe(false);
    expect(parseGuided('#scenario=teaching-basic&seed=42')).toBe(false);
    for (const bad of ['yes', 'true', '', '2'])
      expect(() => parseGuided(`#seed=1&guided=${bad}`)).toThrow(
        `link: guided: expected 1 (on) or 0 (off) (got "${bad}")`,
      );
  });

  it('is carried by a share link only when on', () => {
    const chosen = parseShareHash('#scenario=teaching-basic&seed=42');
    if (!chosen) throw new Error('no choice');
    expect(shareHash(chosen, true)).toBe('#scenario=teaching-basic&seed=42&guided=1');
    expect(shareHash(chosen)).toBe('#scenario=teaching-basic&seed=42');
    expect(parseShareHash(shareHash(chosen, true))?.seed).toBe(42);
  });
});
