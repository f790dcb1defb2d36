"""The learned labels: a tag classifier, a label model combining it with the labeling functions, label
issues from confident learning, and their metrics. Pure functions over arrays; the dbt Python models in
models/marts/labeling/ call them (docs/labeling.md)."""
