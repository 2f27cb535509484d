"""Policy files: both load, every parameter is sourced, and bad files fail in one line."""

import re

import pytest

from sim.core.errors import InputError
from sim.core.months import parse_month
from sim.fund.params import SPECS
from sim.fund.policy import POLICY_DIR, load_policy
from tests.helpers import broken_copy, expect_input_error

REQUIRED_KEYS = [
    "subsidy.holding_rate",
    "subsidy.lifetime_cap",
    "subsidy.ageing",
    "subsidy.accrual",
    "deposit.monthly_cap",
    "deposit.floor",
    "interest.deposit_rate",
]
BASE = (POLICY_DIR / "lyg-2023.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["lyg-2023", "lyg-draft"])
def test_both_policies_load_with_every_parameter_sourced(name):
    policy = load_policy(name)
    assert set(policy.params) == {s.key for s in SPECS}
    for p in policy.params.values():
        assert p.source.strip()
        assert p.description.strip()
    assert policy.id == name


def test_the_promised_key_paths_exist_with_rules_md_defaults():
    policy = load_policy("lyg-2023")
    for key in REQUIRED_KEYS:
        assert key in policy.params
    assert policy["subsidy.ageing"] == "lifo"
    assert policy["subsidy.accrual"] == "monthly_average"
    assert policy["subsidy.bonus_stacking"] == "max"
    assert policy["loan.multiplier_stacking"] == "max"
    assert policy["subsidy.lifetime_cap"] == 10_000
    assert policy.at("interest.deposit_rate", parse_month("2024-01")) == 0.015


BAD = {
    "unknown key": ("value = 0.010\n", "value = 0.010\nvalu = 1\n", "subsidy.holding_rate.valu"),
    "unknown parameter": (
        "[subsidy.lifetime_cap]",
        "[subsidy.lifetime_kap]",
        "subsidy.lifetime_kap",
    ),
    "missing source": (
        'source = "S2: A §3(5)2 每个灵活就业缴存人享受补贴的金额合计不超过1万元"\n',
        "",
        "subsidy.lifetime_cap.source",
    ),
    "missing unit": ('unit = "yuan"\nsource = "S2', 'source = "S2', "subsidy.lifetime_cap.unit"),
    "wrong unit": (
        'unit = "yuan"\nsource = "S2',
        'unit = "fen"\nsource = "S2',
        "subsidy.lifetime_cap.unit",
    ),
    "wrong type": ("value = 10000.00", 'value = "10000"', "subsidy.lifetime_cap"),
    "bool for a number": ("value = 0.010", "value = true", "subsidy.holding_rate"),
    "out of range": ("value = 0.010", "value = 0.15", "subsidy.holding_rate"),
    "bad choice": ('value = "lifo"', 'value = "newest"', "subsidy.ageing"),
    "floor above cap": (
        "values = { 2023-07-01 = 100.00 }",
        "values = { 2023-07-01 = 6000.00 }",
        "deposit.floor",
    ),
    "unsorted dates": (
        "values = { 2023-07-01 = 2070.00, 2024-01-01 = 2260.00 }",
        "values = { 2024-01-01 = 2260.00, 2023-07-01 = 2070.00 }",
        "deposit.min_wage.values",
    ),
    "overlapping dates": (
        "values = { 2023-07-01 = 2070.00, 2024-01-01 = 2260.00 }",
        "values = { 2023-07-02 = 2070.00, 2023-07-15 = 2260.00 }",  # both from August
        "deposit.min_wage.values",
    ),
    "not a date": (
        "values = { 2023-07-01 = 5000.00 }",
        'values = { "July 2023" = 5000.00 }',
        "deposit.monthly_cap.values",
    ),
    "undated yearly parameter": (
        "values = { 2023-07-01 = 5000.00 }",
        "value = 5000.00",
        "deposit.monthly_cap",
    ),
    "negative rate": (
        "values = { 2016-02-21 = 0.015 }",
        "values = { 2016-02-21 = -0.01 }",
        "interest.deposit_rate.values.2016-02-21",
    ),
    "syntax": ("[subsidy.ageing]", "[subsidy.ageing", "(syntax)"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_a_bad_policy_file_fails_in_one_line_naming_file_and_key(tmp_path, case):
    old, new, key = BAD[case]
    path = broken_copy(POLICY_DIR / "lyg-2023.toml", old, new, tmp_path / "broken.toml")
    expect_input_error(load_policy, path, key)


def test_missing_parameter_is_named(tmp_path):
    text = re.sub(r"\[subsidy\.ageing\][^\[]*", "", BASE)
    path = tmp_path / "short.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"subsidy\.ageing: missing parameter"):
        load_policy(path)


def test_unknown_policy_id_lists_the_known_ones():
    with pytest.raises(InputError, match="lyg-2023, lyg-draft"):
        load_policy("lyg-2099")


def test_overrides_replace_single_parameters():
    policy = load_policy("lyg-2023").with_overrides(
        {"subsidy.holding_rate": 0.015, "deposit.monthly_cap": 6000}, origin="scenario.toml"
    )
    assert policy["subsidy.holding_rate"] == 0.015
    assert policy.cap_fen(parse_month("2030-01")) == 600_000
    assert policy.params["subsidy.holding_rate"].origin == "scenario.toml"


def test_overrides_are_all_checked_before_any_applies():
    base = load_policy("lyg-2023")
    with pytest.raises(InputError, match=r"scenario\.toml: subsidy\.ageing"):
        base.with_overrides(
            {"subsidy.holding_rate": 0.015, "subsidy.ageing": "random"}, origin="scenario.toml"
        )
    assert base["subsidy.holding_rate"] == 0.010, "the policy is unchanged"


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"subsidy.holding_rat": 0.01}, "subsidy.holding_rat"),
        ({"subsidy.holding_rate": -0.01}, "subsidy.holding_rate"),
        ({"deposit.floor": 9000}, "deposit.floor"),
        (
            {"interest.deposit_rate": {"2024-01-01": 0.01, "2023-01-01": 0.02}},
            "interest.deposit_rate.values",
        ),
    ],
)
def test_bad_overrides_fail_naming_the_key(overrides, key):
    with pytest.raises(InputError) as err:
        load_policy("lyg-2023").with_overrides(overrides, origin="scenario.toml")
    assert err.value.key == key


def test_dated_parameter_before_its_first_date_is_an_error():
    policy = load_policy("lyg-2023")
    with pytest.raises(InputError, match="no value in force in 2020-01"):
        policy.cap_fen(parse_month("2020-01"))
