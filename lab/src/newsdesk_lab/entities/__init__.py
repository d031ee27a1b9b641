"""Measures of the entities stage: the merges of names into things, on the project's labelled demo aliases, and
the NER against a labelled CoNLL-format set."""
