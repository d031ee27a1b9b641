"""The desk's lab: story grouping measured through the production desk on a temporary database."""
