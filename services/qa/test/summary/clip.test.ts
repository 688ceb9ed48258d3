import { clip } from '../../src/summary/clip.js';

describe('clip', () => {
  it('leaves a text that fits alone', () => {
    expect(clip('Short enough.', 20)).toBe('Short enough.');
  });

  it('cuts at the last clause boundary that fits, with an ellipsis', () => {
    const text = 'Either party may terminate this Agreement, upon written notice to the other party, if the other party breaches it.';
    const out = clip(text, 90);
    expect(out).toBe('Either party may terminate this Agreement, upon written notice to the other party…');
    expect(out.length).toBeLessThanOrEqual(90);
  });

  it('cuts at a word when the only clause boundary is too early', () => {
    const out = clip('Yes, the supplier shall deliver the goods to the warehouse named in the purchase order without delay.', 60);
    expect(out).toBe('Yes, the supplier shall deliver the goods to the warehouse…');
    expect(out.length).toBeLessThanOrEqual(60);
  });
});
