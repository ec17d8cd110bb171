import { describe, expect, it } from 'vitest';
import { SITES } from '../../src/engine/schema.ts';
import { count, eventSentence, readable, SITE_NAMES, siteShort } from '../../src/ui/words.ts';

describe('the words of the page', () => {
  it('names every site in words, not identifiers', () => {
    expect(Object.keys(SITE_NAMES).sort()).toEqual([...SITES].sort());
    for (const site of SITES) expect(siteShort(site)).not.toMatch(/[a-z][A-Z]/);
  });

  it('writes numbers without exponents, with units in the right number', () => {
    expect(readable(0)).toBe('0');
    expect(readable(69274)).toBe('69,274');
    expect(readable(1_234_567)).toBe('1.2 million');
    expect(readable(25_000_000_000)).toBe('25 billion');
    expect(readable(0.0015)).toBe('0.0015');
    expect(count(1, 'cell', 'cells')).toBe('1 cell');
    expect(count(0, 'cell', 'cells')).toBe('0 cells');
    expect(count(2, 'macrometastasis', 'macrometastases')).toBe('2 macrometastases');
  });

  it('says what happened in a sentence', () => {
    expect(eventSentence('node_status', 'sentinelNode', 0, 'itc')).toBe(
      'Lymph nodes examined: isolated tumour cells in the sentinel lymph node.',
    );
    expect(eventSentence('surgery', 'primary', 1, 'residual cells')).toBe(
      'Surgery removed the primary tumour (1 cell left behind).',
    );
    expect(eventSentence('first_macro', 'lung', 5e8, 'cohort')).toBe(
      'The first macrometastasis, in the lungs.',
    );
  });
});
