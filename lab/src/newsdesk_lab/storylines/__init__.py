"""Storylines: the link model's training and its measures."""
