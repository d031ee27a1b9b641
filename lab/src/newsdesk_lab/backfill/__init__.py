"""Backfill measurements: generated WARC files, `bench backfill`, segmented against sequential grouping."""
