"""The story writer's lab: ROUGE against human neutral summaries, and the tuning of the writer's weights."""
