"""Password rules and hashing (bcrypt).

One rule for every new password, wherever it is set (an account made by an
administrator or on the command line, an administrator's reset, a person choosing
their own): at least :data:`MIN_PASSWORD_LENGTH` characters, not made of the account's
own username, name or email address, and hard to guess as the zxcvbn strength
estimator judges it (a score of at least :data:`MIN_STRENGTH` out of 4: about 10^8
guesses, which with bcrypt and the sign-in lock-out is out of reach). A refusal says
why in plain English, with zxcvbn's advice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import bcrypt
from zxcvbn import zxcvbn

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_BYTES = 72  # bcrypt reads no further
#: zxcvbn's score runs from 0 (too guessable) to 4 (very unguessable); 3 is "safely
#: unguessable" (at least 10^8 guesses).
MIN_STRENGTH = 3
#: Words anyone would try first on this system's accounts.
SYSTEM_WORDS = ("amhe", "rethink", "dashboard", "advancing", "equalities")
#: What remains of a password once the account's own words are taken out must hold
#: at least this many letters or digits.
MIN_OWN_CHARACTERS = 4

PASSWORD_HINT = (
    f"At least {MIN_PASSWORD_LENGTH} characters and hard to guess: three or four "
    "unrelated words work well. Common passwords and the account's own username, "
    "name or email address are refused."
)

TOO_EASY = "This password is too easy to guess."
MADE_OF_ACCOUNT = (
    "This password is made of the account's username, name or email address, which "
    "are the first things anyone would try."
)
NO_ADVICE = "Add another word or two that are not connected to each other."

#: zxcvbn's advice in plainer (and British) English; anything else is shown as it is.
PLAIN_ENGLISH = {
    "This is a top-10 common password.": "It is one of the 10 most common passwords.",
    "This is a top-100 common password.": "It is one of the 100 most common passwords.",
    "This is a very common password.": "It is a very common password.",
    "This is similar to a commonly used password.": "It is very like a common password.",
    'Repeats like "aaa" are easy to guess.': (
        'A character repeated (like "aaa") is easy to guess.'
    ),
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': (
        'Something repeated (like "abcabc") is hardly harder to guess than "abc".'
    ),
    'Sequences like "abc" or "6543" are easy to guess.': (
        'Sequences (like "abc" or "6543") are easy to guess.'
    ),
    "Straight rows of keys are easy to guess.": (
        'Keys in a row on the keyboard (like "qwerty") are easy to guess.'
    ),
    "Short keyboard patterns are easy to guess.": (
        "Patterns of keys next to each other are easy to guess."
    ),
    "Use a longer keyboard pattern with more turns.": (
        "Avoid patterns of keys next to each other."
    ),
    "Capitalization doesn't help very much.": (
        "Starting with a capital letter does not help much."
    ),
    "All-uppercase is almost as easy to guess as all-lowercase.": (
        "Capitals throughout are almost as easy to guess as small letters."
    ),
    "Reversed words aren't much harder to guess.": (
        "A word spelt backwards is not much harder to guess."
    ),
    "Predictable substitutions like '@' instead of 'a' don't help very much.": (
        "Swapping letters for look-alikes (like '@' for 'a') does not help much."
    ),
    "No need for symbols, digits, or uppercase letters.": (
        "There is no need for symbols, digits or capitals."
    ),
}


def account_words(*values: str | None) -> list[str]:
    """The words of an account (username, name, email) a guesser would try: each
    whole, its parts (split at spaces, dots, @ and the like) and each without its
    separators, in lower case."""
    words: set[str] = set()
    for value in values:
        text = (value or "").strip().lower()
        if not text:
            continue
        words.add(text)
        parts = [p for p in re.split(r"[^0-9a-z]+", text) if p]
        words.update(p for p in parts if len(p) >= 3)
        words.add("".join(parts))
        if "@" in text:
            words.add(text.split("@", 1)[0])
    words.discard("")
    return sorted(words, key=lambda w: (-len(w), w))


def _made_of(password: str, words: list[str]) -> bool:
    """True when, with the account's words taken out, too little of the password is left."""
    rest = password.lower()
    for word in words:  # the longest first
        rest = rest.replace(word, "")
    if rest == password.lower():
        return False
    return len(re.sub(r"[\W_]+", "", rest)) < MIN_OWN_CHARACTERS


def plain_advice(warning: str, suggestions: Iterable[str]) -> str:
    """zxcvbn's warning and suggestions as sentences in plain English."""
    said = [PLAIN_ENGLISH.get(text, text) for text in (warning, *suggestions) if text]
    return " ".join(said) or NO_ADVICE


def password_problem(password: str, user_inputs: Iterable[str | None] = ()) -> str | None:
    """Why a new password is not acceptable, or None when it is.

    ``user_inputs`` are the account's username, name and email address: a password
    made of them is refused, and zxcvbn counts them as the easiest words to guess."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"The password must be at least {MIN_PASSWORD_LENGTH} characters long."
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        return f"The password must be at most {MAX_PASSWORD_BYTES} bytes long."
    if not password.strip():
        return "The password cannot be only spaces."
    words = account_words(*user_inputs)
    if _made_of(password, words):
        return f"{MADE_OF_ACCOUNT} {NO_ADVICE}"
    estimate = zxcvbn(password, user_inputs=[*words, *SYSTEM_WORDS])
    if estimate["score"] < MIN_STRENGTH:
        feedback = estimate["feedback"]
        return f"{TOO_EASY} {plain_advice(feedback['warning'], feedback['suggestions'])}"
    return None


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


def check_password(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode("utf-8"), password_hash.encode("ascii"))
    except ValueError:
        return False
