"""Copy detection's lab: precision and recall on the project's labelled pairs (`testset.json`)."""
