"""The prefilter literals of macro regex_required_literals, which lf_votes searches with instr before it runs
a function's regular expression: a text the expression matches must contain one of them, or the function
would silently stop firing there. Checked on known patterns (the literals expected) and on every seed
pattern against texts that match it (the real projects and texts written to hit each construct)."""

import json
import re
from pathlib import Path

import pytest

from oracles.labeling_reference import labeling_functions, project_texts
from support.commands import run_dbt

MARKER = "-- literals: "

KNOWN = {
    "transformers?": ["transformer"],
    "hugging ?face": ["hugging"],
    "tensorflow\\.?js|tfjs|tf\\.js": ["tensorflow", "tfjs", "tf.js"],
    "(^|[^a-z])gpt(-?[0-9])?([^a-z0-9]|$)": ["gpt"],
    "auto-?encoder|(^|[^a-z])vaes?([^a-z]|$)": ["encoder", "vae"],
    "weights (&|and) biases": ["weights "],
    "ab+cd": ["ab"],  # abbcd holds ab and bcd, not abcd
    "a\\d+bc": ["bc"],  # \d is a class, not a literal
    "x{2}yz": ["yz"],  # a counted character may repeat: not a literal run
    "[]a]bc|de[^f]g": ["bc", "de"],  # classes, including one that starts with ]
    "fine-?tun": ["fine"],
    "c\\+\\+": ["c++"],  # escaped punctuation is a literal
    # No prefilter: an alternative with no run of 2 characters, or flags set inside the pattern.
    "(^|[^A-Za-z])(RL|DQN|PPO)([^A-Za-z]|$)": [],
    "interpretab|(shap|lime)": [],
    "a|bc": [],
    "(?i)abc": [],
    "ab.*": ["ab"],
    "a.b": [],
    # Escapes with an argument, quoted text and classes inside classes: no prefilter (found in review).
    "\\x41bc|xyz": [],  # \x41 is A: "Abc" matches
    "\\pLab": [],  # any letter, then ab
    "\\101bc": [],  # octal A
    "\\Qabc\\E*": [],  # the * applies to c
    "[[:digit:]ab]cd": [],  # "1cd" matches
    "ab\ncd": ["ab\ncd"],  # a newline is a character of the run
    "\\d+ms|\\bgpu": ["ms", "gpu"],  # class escapes only end a run
}


@pytest.fixture(scope="module")
def literals_of(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Each pattern (KNOWN and the seed's regex functions) -> the macro's literals, from one dbt compile."""
    patterns = sorted(set(KNOWN) | {lf.regex.pattern for lf in labeling_functions() if lf.regex is not None})
    lines = [
        f"{MARKER}{{{{ tojson([{json.dumps(pattern)}, regex_required_literals({json.dumps(pattern)})]) }}}}"
        for pattern in patterns
    ]
    db_path = tmp_path_factory.mktemp("literals") / "compile.duckdb"
    result = run_dbt(db_path, "compile", "--quiet", "--inline", "\n".join([*lines, "select 1"]))
    found = {}
    for line in result.stdout.splitlines():
        if line.startswith(MARKER):
            pattern, literals = json.loads(line[len(MARKER) :])
            found[pattern] = literals
    assert set(found) == set(patterns), result.stdout[-3000:]
    return found


@pytest.mark.parametrize("pattern", sorted(KNOWN))
def test_known_patterns(literals_of: dict[str, list[str]], pattern: str) -> None:
    assert literals_of[pattern] == KNOWN[pattern]


# Texts that hit the edges of the seed's expressions: optional characters, alternatives, case folding
# (RE2 and Python fold U+017F to s and U+212A to k), words at the very start and end.
CONSTRUCTED = [
    "GPT-3 and gpt2 and ChatGPT",
    "HuggingFace, Hugging Face and huggingface",
    "tensorflowjs, TensorFlow.js, tfjs, TF.JS",
    "GANs and Generative Adversarial nets",
    "Scikit Learn, scikit-learn, ſklearn and SKLEARN",
    "auto-encoder, AutoEncoders, VAE, vaes",
    "Weights & Biases and weights and biases",
    "fine-tuning, finetune, Fine Tuned, Transfer Learning",
    "time-series, Time Series, forecasting",
    "self-supervised, SelfSupervised, contrastive",
    "\u212aeras and \u212aNN, CNNs and a convolution",
    "pre-trained, pretraining, representation",
]


def test_every_seed_pattern_keeps_every_match(literals_of: dict[str, list[str]], real_data_dir: Path) -> None:
    texts = [*project_texts(real_data_dir).values(), *CONSTRUCTED]
    checked = 0
    for lf in labeling_functions():
        if lf.regex is None:
            continue  # a keyword's literal is the keyword itself (macro labeling_function_condition)
        literals = literals_of.get(lf.regex.pattern)
        if not literals:
            continue  # functions without a prefilter: the regular expression sees every text
        ignore_case = bool(lf.regex.flags & re.IGNORECASE)
        for text in texts:
            if lf.regex.search(text):
                # What the model searches: lower(text) with U+017F as s (macro labeling_function_lower_text).
                haystack = text.lower().replace("\u017f", "s") if ignore_case else text
                needles = [literal.lower() if ignore_case else literal for literal in literals]
                assert any(needle in haystack for needle in needles), (lf.name, literals, text[:200])
                checked += 1
    assert checked > 1000
