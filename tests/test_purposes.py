"""Draw purposes and tenure codes are named constants, each declared once."""

import re
from pathlib import Path

from sim.agents import purposes
from sim.agents.config import MORTGAGE, OWNING, RENTING, TENURE
from sim.core.random import purpose_code

SIM = Path(__file__).resolve().parents[1] / "sim"
PURPOSES = {name: value for name, value in vars(purposes).items() if name.isupper()}


def test_every_draw_purpose_is_distinct():
    """Two decisions keyed by one purpose would draw the same uniform: correlated."""
    assert len(set(PURPOSES.values())) == len(PURPOSES)
    assert len({purpose_code(p) for p in PURPOSES.values()}) == len(PURPOSES)


def test_the_purpose_strings_are_the_keys_results_depend_on():
    """Renaming a constant is free; changing its string changes every result drawn with it."""
    assert PURPOSES == {
        "POP_COHORT": "pop.cohort", "POP_FEMALE": "pop.female", "POP_AGE": "pop.age",
        "POP_VETERAN": "pop.veteran", "POP_SERVICE": "pop.service", "POP_TENURE": "pop.tenure",
        "POP_LEVEL": "pop.level", "POP_SHARE": "pop.share", "POP_EDUCATION": "pop.education",
        "POP_CHILDREN": "pop.children", "POP_CREDIT": "pop.credit",
        "POP_INTENTION": "pop.intention", "POP_RESIDENCY": "pop.residency",
        "POP_QUARTERLY": "pop.quarterly", "POP_RENT_USER": "pop.rent_user", "POP_DEPOSIT_STYLE": "pop.deposit_style",
        "BOOK_INTENTION": "book.intention", "REPAYMENT_USER": "repayment.user",
        "MORTGAGE_LEFT": "mortgage.left", "INCOME_START_ACTIVE": "income.start_active",
        "INCOME_START_PERSISTENT": "income.start_persistent", "INCOME_CHAIN": "income.chain",
        "LEAVE_JOIN": "choice.leave_join",
        "STAY_DEPOSIT": "choice.stay_deposit", "EXIT_BUY": "choice.exit_buy",
        "BUY_PRICE": "buy.price", "BUY_GREEN": "buy.green",
    }  # fmt: skip


def test_the_model_keys_no_draw_by_a_bare_string_and_uses_every_purpose():
    """Outside ``sim.core.random`` itself, whose docstring shows the calls with example strings."""
    sources = {p: p.read_text() for p in SIM.rglob("*.py") if p != SIM / "core" / "random.py"}
    bare = re.compile(r"\.(?:uniform|normal|key)\(\s*[\"']")
    assert [str(p) for p, text in sources.items() if bare.search(text)] == []
    used = set().union(*(re.findall(r"purposes\.([A-Z_]+)", text) for text in sources.values()))
    assert used == set(PURPOSES)


def test_tenure_codes_index_the_tenure_names():
    assert (TENURE[RENTING], TENURE[OWNING], TENURE[MORTGAGE]) == ("renting", "owning", "mortgage")
    assert sorted((RENTING, OWNING, MORTGAGE)) == list(range(len(TENURE)))
