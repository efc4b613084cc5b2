"""The one password rule (core.passwords): one behaviour a test."""

from __future__ import annotations

from core.passwords import (
    MADE_OF_ACCOUNT,
    MIN_PASSWORD_LENGTH,
    TOO_EASY,
    account_words,
    password_problem,
    plain_advice,
)

SAM = ("sam.lee", "Sam Lee", "sam.lee@example.org")


def test_a_strong_password_is_accepted():
    assert password_problem("Lantern-kettle-moss-river", SAM) is None


def test_a_short_password_is_refused_with_the_minimum_length():
    problem = password_problem("Kx9-moss", SAM)
    assert problem == f"The password must be at least {MIN_PASSWORD_LENGTH} characters long."


def test_a_common_password_of_twelve_characters_is_refused():
    problem = password_problem("password1234")
    assert problem is not None and problem.startswith(TOO_EASY)


def test_eleven_spaces_and_a_letter_are_refused():
    problem = password_problem(" " * 11 + "x")
    assert problem is not None and problem.startswith(TOO_EASY)


def test_only_spaces_are_refused():
    assert password_problem(" " * 14) == "The password cannot be only spaces."


def test_more_than_bcrypt_reads_is_refused():
    assert "at most 72 bytes" in (password_problem("é" * 40) or "")


def test_the_refusal_gives_zxcvbn_advice_in_plain_english():
    problem = password_problem("password1234") or ""
    assert "It is a very common password." in problem
    assert "top-10" not in problem and "Capitalization" not in problem


def test_a_password_made_of_the_username_is_refused():
    problem = password_problem("sam.lee.sam.lee", SAM)
    assert problem is not None and problem.startswith(MADE_OF_ACCOUNT)


def test_the_same_password_is_accepted_for_another_account():
    assert password_problem("sam.lee.sam.lee", ("jo.khan", "Jo Khan", "")) is None


def test_the_username_with_a_year_is_refused():
    assert password_problem("Sam.Lee.2026", SAM) is not None


def test_the_names_of_the_system_count_as_easy_words():
    assert password_problem("amhe-dashboard") is not None


def test_account_words_split_names_and_email():
    words = account_words("sam.lee", "Sam Lee", "sam.lee@example.org")
    assert {"sam.lee", "samlee", "sam", "lee", "sam lee", "example"} <= set(words)
    assert words == sorted(words, key=lambda w: (-len(w), w))


def test_advice_with_nothing_said_still_says_what_to_do():
    assert plain_advice("", []) == "Add another word or two that are not connected to each other."


def test_advice_not_rewritten_is_kept_as_zxcvbn_says_it():
    assert plain_advice("Avoid sequences.", []) == "Avoid sequences."
