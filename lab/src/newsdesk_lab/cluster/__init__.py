"""The grouping's lab: labelled data, B-cubed metrics, evaluation, training, cross-validation, feature screening."""
