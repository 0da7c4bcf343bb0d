"""One canary secret used throughout the tests: it must never appear in any output, log or file."""

CANARY = "TW-CANARY-7f3a9c1e-Secret9"
