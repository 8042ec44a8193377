// Print the token ids of the text on standard input as a JSON array, using a tokenizer.json.
//
// Usage: node tools/tokenize_text.mjs path/to/tokenizer.json < text.txt
// Uses the Rust Hugging Face tokenizers (npm `tokenizers`), the reference the engine's
// tokenizer is tested against. No special tokens are added.

import fs from 'node:fs';
import tokenizers from 'tokenizers';

const tokenizerPath = process.argv[2];
if (!tokenizerPath) {
  console.error('usage: node tools/tokenize_text.mjs path/to/tokenizer.json < text.txt');
  process.exit(2);
}
const tokenizer = tokenizers.Tokenizer.fromFile(tokenizerPath);
const text = fs.readFileSync(0, 'utf8');
const encoding = await tokenizer.encode(text, null, { addSpecialTokens: false });
process.stdout.write(JSON.stringify(encoding.getIds()) + '\n');
