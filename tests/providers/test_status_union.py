"""The job status union is defined once (core.provider.StatusResult) and every provider's
`status` returns that very type, so a new state added there reaches every client."""

from __future__ import annotations

import importlib
import inspect
import typing
from pathlib import Path

import pytest

import seedance_studio
from seedance_studio.core import provider as core_provider
from seedance_studio.core.provider import (
    Cancelled,
    Failed,
    Provider,
    Queued,
    Running,
    StatusResult,
    Succeeded,
)

CLIENTS = [
    ("seedance_studio.providers.base", "HttpProvider"),
    ("seedance_studio.providers.shortapi", "ShortApiProvider"),
    ("seedance_studio.providers.kinovi", "KinoviProvider"),
    ("seedance_studio.providers.kinovi", "KinoviLegacyProvider"),
    ("seedance_studio.providers.oxen", "OxenProvider"),
    ("seedance_studio.providers.eachlabs", "EachlabsProvider"),
    ("seedance_studio.providers.animatic", "AnimaticProvider"),
]


def test_the_union_holds_the_five_states() -> None:
    assert set(typing.get_args(StatusResult)) == {Queued, Running, Succeeded, Failed, Cancelled}


def test_the_protocol_returns_it() -> None:
    assert typing.get_type_hints(Provider.status)["return"] is StatusResult


@pytest.mark.parametrize(("module", "name"), CLIENTS)
def test_every_client_returns_the_one_union(module: str, name: str) -> None:
    cls = getattr(importlib.import_module(module), name)
    assert typing.get_type_hints(cls.status)["return"] is StatusResult


def test_no_module_spells_the_union_out_again() -> None:
    root = Path(seedance_studio.__file__).parent
    home = Path(inspect.getfile(core_provider))
    spelled = [
        str(path.relative_to(root))
        for path in sorted(root.rglob("*.py"))
        if path != home
        and "Queued | Running | Succeeded | Failed | Cancelled" in path.read_text("utf-8")
    ]
    assert spelled == []
