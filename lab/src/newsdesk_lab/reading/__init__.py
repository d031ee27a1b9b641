"""What changed since a reader last read a story: the labelled check of "new fact" (`newsdesk eval newfacts`)."""
