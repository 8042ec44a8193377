/**
 * The one sequential colour scale for attention weights. A weight of 0 is the
 * theme's editor background and a weight of 1 is an accent chosen per theme
 * kind, so the scale runs from "nothing" to "strong" in lightness on every
 * theme: dark blue on light themes, amber on dark ones, pure yellow and dark
 * blue on the two high-contrast themes.
 */

/** The theme classes VS Code puts on the webview's body. */
export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

/** An sRGB colour with channels from 0 to 255. */
export interface Rgb {
  readonly r: number;
  readonly g: number;
  readonly b: number;
}

/** Weight-1 colour for each theme kind. */
export const ACCENT_COLORS: Readonly<Record<ThemeKind, Rgb>> = {
  light: { r: 0, g: 84, b: 178 },
  dark: { r: 255, g: 176, b: 32 },
  'high-contrast': { r: 255, g: 255, b: 0 },
  'high-contrast-light': { r: 0, g: 50, b: 140 },
};

/** Editor background and foreground of VS Code's default themes, used when a CSS variable is missing. */
export const DEFAULT_BACKGROUNDS: Readonly<Record<ThemeKind, Rgb>> = {
  light: { r: 255, g: 255, b: 255 },
  dark: { r: 31, g: 31, b: 31 },
  'high-contrast': { r: 0, g: 0, b: 0 },
  'high-contrast-light': { r: 255, g: 255, b: 255 },
};

export const DEFAULT_FOREGROUNDS: Readonly<Record<ThemeKind, Rgb>> = {
  light: { r: 59, g: 59, b: 59 },
  dark: { r: 204, g: 204, b: 204 },
  'high-contrast': { r: 255, g: 255, b: 255 },
  'high-contrast-light': { r: 41, g: 41, b: 41 },
};

/**
 * Largest accent opacity behind token text. Above it the text colour of the
 * theme loses contrast against the shading; the unit tests check a contrast
 * ratio of at least 3 for each theme kind at this opacity.
 */
export const TEXT_SHADE_MAX_ALPHA = 0.5;

/** Number of distinct shades; weights are rounded to the nearest one. */
export const SCALE_LEVELS = 64;

/** Reads `#rgb`, `#rrggbb`, `#rrggbbaa`, `rgb(...)` and `rgba(...)`; returns null for anything else. Alpha is ignored. */
export function parseCssColor(text: string): Rgb | null {
  const value = text.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(value);
  if (hex) {
    const digits = hex[1];
    if (digits.length === 3) {
      const [r, g, b] = [...digits].map((digit) => parseInt(digit + digit, 16));
      return { r, g, b };
    }
    return {
      r: parseInt(digits.slice(0, 2), 16),
      g: parseInt(digits.slice(2, 4), 16),
      b: parseInt(digits.slice(4, 6), 16),
    };
  }
  const functional = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(value);
  if (functional) {
    const [r, g, b] = functional.slice(1, 4).map((channel) => Math.min(255, Math.round(Number(channel))));
    return { r, g, b };
  }
  return null;
}

/** Mixes `from` toward `to` by `amount` (0 to 1) in sRGB. */
export function mixColors(from: Rgb, to: Rgb, amount: number): Rgb {
  const t = Math.min(1, Math.max(0, amount));
  return {
    r: Math.round(from.r + (to.r - from.r) * t),
    g: Math.round(from.g + (to.g - from.g) * t),
    b: Math.round(from.b + (to.b - from.b) * t),
  };
}

/** WCAG 2.1 relative luminance, 0 (black) to 1 (white). */
export function relativeLuminance(color: Rgb): number {
  const linear = (channel: number) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(color.r) + 0.7152 * linear(color.g) + 0.0722 * linear(color.b);
}

/** WCAG 2.1 contrast ratio, 1 to 21. */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** Maps a weight in [0, 1] to a shade index in [0, SCALE_LEVELS - 1]; NaN and negatives map to 0. */
export function weightToLevel(weight: number): number {
  if (!(weight > 0)) return 0;
  if (weight >= 1) return SCALE_LEVELS - 1;
  return Math.round(weight * (SCALE_LEVELS - 1));
}

/**
 * Maps an attention probability to a position on the scale. The square root
 * keeps small weights visible: in a row of n tokens a uniform head gives each
 * 1/n, which a linear scale would draw as background for n above a few dozen.
 */
export function probabilityToScale(probability: number): number {
  return probability > 0 ? Math.sqrt(Math.min(1, probability)) : 0;
}

/** The scale resolved for one theme: opaque shades for canvas, translucent ones for text. */
export interface ColorScale {
  readonly kind: ThemeKind;
  readonly background: Rgb;
  readonly accent: Rgb;
  /** [SCALE_LEVELS, 4] RGBA bytes, opaque, background to accent. */
  readonly opaque: Uint8ClampedArray;
  /** SCALE_LEVELS CSS colours for token backgrounds: the accent at opacity up to TEXT_SHADE_MAX_ALPHA; level 0 is transparent. */
  readonly textShades: readonly string[];
  /** Fill of masked cells: the hatch lines, and the background between them. */
  readonly maskLine: Rgb;
  readonly maskBackground: Rgb;
}

export function createColorScale(kind: ThemeKind, background: Rgb, foreground: Rgb): ColorScale {
  const accent = ACCENT_COLORS[kind];
  const opaque = new Uint8ClampedArray(SCALE_LEVELS * 4);
  const textShades: string[] = [];
  for (let level = 0; level < SCALE_LEVELS; level++) {
    const t = level / (SCALE_LEVELS - 1);
    const color = mixColors(background, accent, t);
    opaque.set([color.r, color.g, color.b, 255], level * 4);
    const alpha = (t * TEXT_SHADE_MAX_ALPHA).toFixed(3);
    textShades.push(level === 0 ? 'transparent' : `rgba(${accent.r}, ${accent.g}, ${accent.b}, ${alpha})`);
  }
  // Masked cells are neutral: thin foreground-tinted lines on the background,
  // so they read as "not attended to at all", never as a weight of zero.
  const lineAmount = kind === 'high-contrast' || kind === 'high-contrast-light' ? 0.6 : 0.3;
  return {
    kind,
    background,
    accent,
    opaque,
    textShades,
    maskLine: mixColors(background, foreground, lineAmount),
    maskBackground: background,
  };
}
