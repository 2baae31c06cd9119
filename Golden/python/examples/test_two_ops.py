"""Grade two numpy ops against the golden suite, one pytest test per case (run: pytest)."""
import pytest
from nlgolden.pytest_plugin import assert_conforms, golden_cases

from numpy_ops import delta_rule_sequence, linear_attention_recurrent


@pytest.mark.parametrize("case", golden_cases("linear_attention.recurrent"), ids=str)
def test_linear_attention(case):
    assert_conforms(case, linear_attention_recurrent)


@pytest.mark.parametrize("case", golden_cases("delta_rule.sequence"), ids=str)
def test_delta_rule(case):
    assert_conforms(case, delta_rule_sequence)
