/** Numbers in messages, written the same way everywhere: US English digit grouping, e.g. "1,032,226". */
export function formatNumber(value: number): string {
  return value.toLocaleString('en-US');
}

/** Formats a count with its noun, singular for one: "1 token", "5,778 tokens". */
export function formatCount(count: number, noun: string): string {
  return `${formatNumber(count)} ${count === 1 ? noun : `${noun}s`}`;
}
