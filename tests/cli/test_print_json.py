"""--json prints valid JSON whatever the numbers: NaN and infinities become null."""

import json
import math
from datetime import date

import pytest

from needle.cli.output import print_json


class _Result:
    def to_json(self) -> dict:
        return {"rate": math.nan, "when": date(2024, 1, 2)}


@pytest.mark.parametrize(("data", "printed"), [
    ({"x": math.nan, "y": [math.inf, -math.inf, 1.5]}, {"x": None, "y": [None, None, 1.5]}),
    ([(1, math.nan)], [[1, None]]),
    ({"result": _Result()}, {"result": {"rate": None, "when": "2024-01-02"}}),
    (math.inf, None),
])
def test_print_json_is_always_valid_json(capsys, data, printed):
    print_json(data)

    def refuse(word: str) -> None:
        raise ValueError(word)

    assert json.loads(capsys.readouterr().out, parse_constant=refuse) == printed
