import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  contrastRatio,
  createColorScale,
  DEFAULT_BACKGROUNDS,
  DEFAULT_FOREGROUNDS,
  mixColors,
  parseCssColor,
  probabilityToScale,
  relativeLuminance,
  SCALE_LEVELS,
  TEXT_SHADE_MAX_ALPHA,
  weightToLevel,
  type ThemeKind,
} from '../../../webview/colorScale';

const KINDS: ThemeKind[] = ['light', 'dark', 'high-contrast', 'high-contrast-light'];

test('parseCssColor reads hex and rgb forms', () => {
  assert.deepEqual(parseCssColor('#fff'), { r: 255, g: 255, b: 255 });
  assert.deepEqual(parseCssColor(' #1E1E1E '), { r: 30, g: 30, b: 30 });
  assert.deepEqual(parseCssColor('#11223380'), { r: 17, g: 34, b: 51 });
  assert.deepEqual(parseCssColor('rgb(1, 2, 3)'), { r: 1, g: 2, b: 3 });
  assert.deepEqual(parseCssColor('rgba(10 20 30 / 50%)'), { r: 10, g: 20, b: 30 });
});

test('parseCssColor rejects other values', () => {
  assert.equal(parseCssColor(''), null);
  assert.equal(parseCssColor('red'), null);
  assert.equal(parseCssColor('#12'), null);
  assert.equal(parseCssColor('var(--x)'), null);
});

test('weightToLevel clamps and rounds', () => {
  assert.equal(weightToLevel(0), 0);
  assert.equal(weightToLevel(-1), 0);
  assert.equal(weightToLevel(Number.NaN), 0);
  assert.equal(weightToLevel(1), SCALE_LEVELS - 1);
  assert.equal(weightToLevel(5), SCALE_LEVELS - 1);
  assert.equal(weightToLevel(0.5), Math.round(0.5 * (SCALE_LEVELS - 1)));
});

test('probabilityToScale is a square root', () => {
  assert.equal(probabilityToScale(0), 0);
  assert.equal(probabilityToScale(0.25), 0.5);
  assert.equal(probabilityToScale(1), 1);
  assert.equal(probabilityToScale(2), 1);
});

for (const kind of KINDS) {
  test(`scale for ${kind} runs from background to accent`, () => {
    const background = DEFAULT_BACKGROUNDS[kind];
    const scale = createColorScale(kind, background, DEFAULT_FOREGROUNDS[kind]);
    assert.deepEqual([...scale.opaque.slice(0, 4)], [background.r, background.g, background.b, 255]);
    const last = (SCALE_LEVELS - 1) * 4;
    assert.deepEqual([...scale.opaque.slice(last, last + 4)], [scale.accent.r, scale.accent.g, scale.accent.b, 255]);
    assert.equal(scale.textShades[0], 'transparent');
  });

  test(`scale for ${kind} changes luminance monotonically`, () => {
    const scale = createColorScale(kind, DEFAULT_BACKGROUNDS[kind], DEFAULT_FOREGROUNDS[kind]);
    const luminances = Array.from({ length: SCALE_LEVELS }, (_, level) =>
      relativeLuminance({ r: scale.opaque[level * 4], g: scale.opaque[level * 4 + 1], b: scale.opaque[level * 4 + 2] }),
    );
    const rising = luminances[SCALE_LEVELS - 1] > luminances[0];
    for (let level = 1; level < SCALE_LEVELS; level++) {
      if (rising) assert.ok(luminances[level] >= luminances[level - 1], `level ${level} is darker than ${level - 1}`);
      else assert.ok(luminances[level] <= luminances[level - 1], `level ${level} is lighter than ${level - 1}`);
    }
  });

  test(`strongest ${kind} heatmap colour stands out from background`, () => {
    const scale = createColorScale(kind, DEFAULT_BACKGROUNDS[kind], DEFAULT_FOREGROUNDS[kind]);
    assert.ok(contrastRatio(scale.accent, scale.background) >= 4.5);
  });

  test(`text stays readable on strongest ${kind} shade`, () => {
    const background = DEFAULT_BACKGROUNDS[kind];
    const scale = createColorScale(kind, background, DEFAULT_FOREGROUNDS[kind]);
    const shaded = mixColors(background, scale.accent, TEXT_SHADE_MAX_ALPHA);
    const ratio = contrastRatio(DEFAULT_FOREGROUNDS[kind], shaded);
    assert.ok(ratio >= 3, `contrast ${ratio.toFixed(2)} is below 3`);
  });

  test(`masked hatch for ${kind} differs from zero weight`, () => {
    const scale = createColorScale(kind, DEFAULT_BACKGROUNDS[kind], DEFAULT_FOREGROUNDS[kind]);
    assert.notDeepEqual(scale.maskLine, scale.background);
    assert.ok(contrastRatio(scale.maskLine, scale.background) > 1.3);
  });
}

test('contrastRatio of black and white is 21', () => {
  assert.equal(Math.round(contrastRatio({ r: 0, g: 0, b: 0 }, { r: 255, g: 255, b: 255 })), 21);
});
