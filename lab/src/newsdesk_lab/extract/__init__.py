"""Extraction's lab: the Scrapinghub benchmark's shingle metric."""
