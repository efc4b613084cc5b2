"""Search: matching by code, title or words, and the order of the results."""

from __future__ import annotations

from core.search import ACTION, FEEDBACK, METRIC, PROJECT, Findable, search, words

ITEMS = [
    Findable(METRIC, 1, 7, "CA1", "Staff trained in cultural awareness", "Share of staff"),
    Findable(METRIC, 2, 7, "CA10", "Cultural awareness sessions held", "Sessions run"),
    Findable(ACTION, 3, 7, "WF2", "Recruit a diverse workforce", "Owner: HR lead"),
    Findable(PROJECT, 4, 7, "", "Barbershop conversations", "Lewisham barbers and churches"),
    Findable(FEEDBACK, 5, 7, "", "Evening sessions please", "We did: evening drop-in started"),
]


def found(query: str) -> list[int]:
    return [f.item.item_id for f in search(ITEMS, query)]


def test_an_exact_code_comes_first_whatever_its_case() -> None:
    assert found("ca1")[0] == 1
    assert found("CA1") == [1, 2]  # CA10 starts with CA1


def test_every_word_must_be_found() -> None:
    assert found("cultural awareness") == [1, 2]
    assert found("cultural barbers") == []


def test_words_match_at_their_start() -> None:
    assert found("barb") == [4]
    assert found("arber") == []


def test_title_matches_rank_above_matches_in_other_words() -> None:
    # "sessions" is in CA10's title, and only in the other words of CA1 (no) and the
    # feedback's title: both titles, then by kind (metrics before feedback).
    assert found("sessions") == [2, 5]
    assert found("evening") == [5]
    assert found("drop") == [5]


def test_an_empty_query_finds_nothing() -> None:
    assert found("") == [] and found("  ,. ") == []


def test_a_result_links_to_its_page_with_the_item_and_region() -> None:
    metric = search(ITEMS, "CA1")[0]
    assert metric.page == "pages/metrics.py"
    assert metric.query_params() == {"metric": "CA1", "region": "7"}
    action = search(ITEMS, "WF2")[0]
    assert action.query_params() == {"action": "3", "region": "7"}
    assert action.label == "Plan action · WF2 Recruit a diverse workforce"
    assert search(ITEMS, "barbershop")[0].query_params()["project"] == "4"
    assert search(ITEMS, "evening")[0].query_params()["feedback"] == "5"


def test_long_words_are_cut_around_the_match() -> None:
    long = Findable(FEEDBACK, 9, 1, "", "Long one", "x " * 200 + "needle " + "y " * 200)
    (hit,) = search([long], "needle")
    assert "needle" in hit.snippet and len(hit.snippet) <= 170
    assert hit.snippet.startswith("...") and hit.snippet.endswith("...")


def test_words_are_lower_case_and_keep_apostrophes() -> None:
    assert words("Carers' Forum, CA1!") == ["carers'", "forum", "ca1"]


def test_results_are_capped() -> None:
    many = [Findable(METRIC, i, 1, f"M{i}", "Same title") for i in range(50)]
    assert len(search(many, "same")) == 30
