"""Fleiss' kappa for items rated by different numbers of annotators, from Fleiss (1971) with each item's own
number of raters n_i: statsmodels' fleiss_kappa needs the same number on every item, so this is the
reference where they differ (and it equals statsmodels where they do not, which the tests check)."""


def fleiss_kappa(items: list[list[int]]) -> tuple[float, float, float | None]:
    """(P-bar, P-bar_e, kappa) for yes/no answers (1/0), one list per item, each of at least 2 answers.

    P_i, the share of the item's ordered pairs of distinct raters that agree: sum over answers j of
    n_ij (n_ij - 1), over n_i (n_i - 1). p_j, the share of all answers that are j. P-bar_e = sum of p_j^2.
    kappa = (P-bar - P-bar_e) / (1 - P-bar_e), undefined (None) when P-bar_e = 1."""
    shares = []
    for answers in items:
        n = len(answers)
        assert n >= 2, "an item needs 2 raters or more"
        agreeing_pairs = sum(answers.count(value) * (answers.count(value) - 1) for value in (0, 1))
        shares.append(agreeing_pairs / (n * (n - 1)))
    p_bar = sum(shares) / len(shares)
    all_answers = [answer for answers in items for answer in answers]
    p_yes = sum(all_answers) / len(all_answers)
    p_e = p_yes**2 + (1 - p_yes) ** 2
    kappa = None if p_e == 1 else (p_bar - p_e) / (1 - p_e)
    return p_bar, p_e, kappa
