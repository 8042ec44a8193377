#!/usr/bin/env python3
"""Print the most frequent words of one or more text files, or of standard input."""

import argparse
import collections
import re
import sys

WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def count_words(lines, min_length):
    """Count lowercase words of at least min_length letters."""
    counts = collections.Counter()
    for line in lines:
        for word in WORD.findall(line.lower()):
            if len(word) >= min_length:
                counts[word] += 1
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="*", help="text files to read (default: standard input)")
    parser.add_argument("-n", "--top", type=int, default=10, help="number of words to print")
    parser.add_argument("--min-length", type=int, default=1, help="ignore shorter words")
    args = parser.parse_args()

    counts = collections.Counter()
    if not args.files:
        counts = count_words(sys.stdin, args.min_length)
    for name in args.files:
        with open(name, encoding="utf-8") as handle:
            counts += count_words(handle, args.min_length)

    total = sum(counts.values())
    for word, count in counts.most_common(args.top):
        print(f"{count:8d}  {count / total:6.2%}  {word}")


if __name__ == "__main__":
    main()
