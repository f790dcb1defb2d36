{#- SQL expression: a labeling function's weight in the label model, ln(recall / false-positive rate),
    add-one smoothed so a function that is never wrong (or never right) keeps a finite weight. The formula
    is documented in _labeling__learned.yml (label_model); lf_summary and int_label_model_weights use it. -#}
{% macro labeling_function_weight(n_correct, n_incorrect, n_gold_label, n_gold_other) -%}
    ln(
        (({{ n_correct }} + 1.0) / ({{ n_gold_label }} + 2.0))
        / (({{ n_incorrect }} + 1.0) / ({{ n_gold_other }} + 2.0))
    )
{%- endmacro %}
