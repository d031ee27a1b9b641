"""newsdesk's lab: what measures and trains the desk, never what runs it.

Training, cross-validation and screening of the grouping model, tuning of the story writer, the evaluations
behind `newsdesk eval …` and the benchmarks behind `newsdesk bench …`. Installed beside the product
(`pip install -e lab/`, done by `make test`); it reaches the product only through each stage's package surface.
"""
