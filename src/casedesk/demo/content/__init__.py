"""The demo's text corpora, one module per domain: pure data, no Django."""
