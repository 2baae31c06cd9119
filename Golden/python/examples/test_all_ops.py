"""Grade every op of numpy_ops.py against the golden suite, one pytest test per case (run: pytest).

A valid case must come out within its tolerance; an invalid case must be refused with
numpy_ops.InvalidInput (any other exception is a crash, not a refusal) whose kind is the case's
flag (ShapeMismatch, NonFinite, OutOfRange or ZeroDenominator)."""
import numpy as np
import pytest
from nlgolden.pytest_plugin import assert_conforms, golden_cases

from numpy_ops import OPS, InvalidInput


@pytest.mark.parametrize("case", golden_cases(*OPS), ids=str)
def test_case(case):
    assert_conforms(case, OPS[case.op], refuses=InvalidInput)
    if case.result == "invalid":
        with pytest.raises(InvalidInput) as refusal, np.errstate(all="ignore"):
            OPS[case.op](**case.arguments)
        assert refusal.value.kind in case.flags, f"refused for {refusal.value.kind}: {refusal.value}"
