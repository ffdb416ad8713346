"""The advice table: every error type of the core has its own line and action."""

from __future__ import annotations

import inspect

from seedance_studio.core import errors
from seedance_studio.core.advice import BY_CODE, BY_TYPE, Action, advise, error_types
from seedance_studio.core.errors import (
    AuthError,
    ContentBlockedError,
    GenerationFailedError,
    InsufficientCreditsError,
    MissingKeyError,
)
from seedance_studio.core.provider import INTERRUPTED_CODE


def test_every_error_type_of_the_core_has_a_rule_of_its_own() -> None:
    defined = {
        cls
        for _, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, errors.SeedanceError)
    }
    assert defined <= set(BY_TYPE), sorted(c.__name__ for c in defined - set(BY_TYPE))
    assert {cls.__name__ for cls in defined} <= set(error_types())


def test_advice_follows_the_exception_type_not_its_text() -> None:
    assert "refused the API key" in advise(AuthError("quota exceeded"), provider="Kinovi").text
    assert advise(InsufficientCreditsError("Unauthorized"), provider="Kinovi").text.startswith(
        "Your Kinovi account has no credits"
    )
    assert advise("InsufficientCreditsError", provider="X") == advise(
        InsufficientCreditsError, provider="X"
    )
    missing = advise(MissingKeyError, provider="eachlabs")
    assert missing.open_settings and "No API key for eachlabs" in missing.text
    assert advise("NoSuchError", provider="X", detail="odd").text == "X: odd"


def test_a_subclass_gets_its_nearest_base_s_advice() -> None:
    class CustomAuthError(AuthError):
        pass

    assert advise(CustomAuthError("x"), provider="P") == advise(AuthError("x"), provider="P")
    assert advise(MissingKeyError("x"), provider="P") != advise(AuthError("x"), provider="P")


def test_a_known_provider_code_decides_over_the_type() -> None:
    interrupted = advise(
        GenerationFailedError, provider="Animatic (local)", detail="gone", code=INTERRUPTED_CODE
    )
    assert interrupted.action is Action.RETRY and "closed" in interrupted.text
    # An unknown code keeps the type's advice, with the provider's words in it.
    face = advise("GenerationFailedError", provider="Kinovi", detail="Face detected", code="face")
    assert face.text == "Kinovi could not make this video: Face detected"
    assert set(BY_CODE) >= {INTERRUPTED_CODE}


def test_actions_say_what_can_be_done() -> None:
    assert advise(ContentBlockedError, provider="P").action is Action.EDIT
    assert advise(errors.RateLimitedError, provider="P").action is Action.WAIT
    assert advise(errors.SubmissionUnknownError, provider="P").action is Action.CHECK_AGAIN
    assert advise(errors.BudgetExceeded, provider="P").action is Action.CONFIRM
    assert advise(errors.NetworkError, provider="P").action is Action.RETRY
