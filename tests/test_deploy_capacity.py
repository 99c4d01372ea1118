"""The per-replica session cap (dashboard/ui/capacity.py): its logic, and the busy page under
AppTest. tests/test_deploy_limits.py checks it on real replicas."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.present.i18n import t
from dashboard.ui import capacity

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, capacity.DEFAULT_MAX_SESSIONS),
        ("", capacity.DEFAULT_MAX_SESSIONS),
        ("  ", capacity.DEFAULT_MAX_SESSIONS),
        ("25", 25),
        (" 7 ", 7),
        ("0", None),
        ("-3", capacity.DEFAULT_MAX_SESSIONS),
        ("many", capacity.DEFAULT_MAX_SESSIONS),
        ("2.5", capacity.DEFAULT_MAX_SESSIONS),
    ],
)
def test_cap_from_the_environment(raw: str | None, expected: int | None) -> None:
    """A positive integer is the cap, 0 turns it off, anything else gives the default."""
    environ = {} if raw is None else {capacity.ENV: raw}
    assert capacity.max_sessions(environ) == expected


def test_sessions_are_let_in_up_to_the_cap() -> None:
    admissions = capacity.Admissions()
    active = {"a", "b", "c", "d"}
    assert admissions.admit("a", active.__contains__, 2)
    assert admissions.admit("b", active.__contains__, 2)
    assert not admissions.admit("c", active.__contains__, 2)
    assert not admissions.admit("c", active.__contains__, 2)  # asked again: still full
    assert len(admissions) == 2


def test_a_session_let_in_stays_in_when_the_replica_is_full() -> None:
    """Existing readers are never cut: a session let in is let in again at every run, even
    when the cap has since been lowered or more sessions have come in."""
    admissions = capacity.Admissions()
    active = {"a", "b"}
    assert admissions.admit("a", active.__contains__, 2)
    assert admissions.admit("b", active.__contains__, 2)
    assert admissions.admit("a", active.__contains__, 1)
    assert admissions.admit("b", active.__contains__, 0)


def test_a_session_gone_frees_its_place() -> None:
    """A closed or disconnected session no longer counts; one that reconnects is counted
    again (``keep``) without being asked."""
    admissions = capacity.Admissions()
    active = {"a", "b", "c"}
    assert admissions.admit("a", active.__contains__, 2)
    assert admissions.admit("b", active.__contains__, 2)
    assert not admissions.admit("c", active.__contains__, 2)
    active.discard("a")
    assert admissions.admit("c", active.__contains__, 2)
    assert len(admissions) == 2
    admissions.keep("a")  # a reconnected; its next run says it was let in before
    assert len(admissions) == 3


def test_no_cap_lets_everyone_in() -> None:
    admissions = capacity.Admissions()
    assert all(admissions.admit(str(i), lambda _: True, None) for i in range(500))


def test_concurrent_new_sessions_never_overshoot_the_cap() -> None:
    """Script threads of many new sessions ask at once: exactly ``cap`` get in."""
    admissions = capacity.Admissions()
    start = threading.Barrier(64)
    results: dict[str, bool] = {}

    def ask(i: int) -> None:
        start.wait()
        results[str(i)] = admissions.admit(str(i), lambda _: True, 10)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(64)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results.values()) == 10


@pytest.mark.parametrize(
    ("query_lang", "locale", "lang"),
    [
        ("fr", "en-US", "fr"),
        ("en", "fr-FR", "en"),
        (None, "fr-CA", "fr"),
        (None, "de-DE", "en"),
        (None, None, "en"),
        ("de", "fr-FR", "fr"),  # an unknown ?lang= falls back to the browser's
        (["fr"], None, "en"),  # not a string: ignored
    ],
)
def test_busy_page_language(query_lang: object, locale: str | None, lang: str) -> None:
    """?lang= when it is a known language, else the browser's locale, as the app does."""
    assert capacity.busy_lang(query_lang, locale) == lang


def test_busy_labels_exist_in_both_languages() -> None:
    for key in ("capacity_busy_title", "capacity_busy_text", "capacity_retry"):
        assert t(key, "en") != t(key, "fr")


# --- the busy page, under AppTest ----------------------------------------------------------


@pytest.fixture
def full_replica(monkeypatch: pytest.MonkeyPatch) -> capacity.Admissions:
    """A replica whose cap (2) is taken by two other connected sessions."""
    admissions = capacity.Admissions()
    for other in ("other-1", "other-2"):
        admissions.admit(other, lambda _: True, None)
    monkeypatch.setattr(capacity, "ADMISSIONS", admissions)
    monkeypatch.setattr(capacity, "_active_check", lambda: lambda _: True)
    monkeypatch.setenv(capacity.ENV, "2")
    return admissions


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_new_session_on_a_full_replica_gets_the_busy_page(
    full_replica: capacity.Admissions, lang: str
) -> None:
    """The busy page: a title, one line, a "Try again" button, in the reader's language;
    nothing of the dashboard is drawn (no sidebar, no page) and nothing fails."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception
    assert [h.value for h in at.title] == [t("capacity_busy_title", lang)]
    assert [i.value for i in at.info] == [t("capacity_busy_text", lang)]
    assert [b.label for b in at.button] == [t("capacity_retry", lang)]
    assert not at.sidebar.multiselect
    assert len(full_replica) == 2


def test_try_again_lets_the_reader_in_once_there_is_room(
    full_replica: capacity.Admissions, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A place freed, "Try again" opens the dashboard at the view of the link followed."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["lang"] = "en"
    at.query_params["sector"] = "industry"
    at.run()
    assert at.title[0].value == t("capacity_busy_title", "en")
    monkeypatch.setattr(capacity, "_active_check", lambda: lambda s: s != "other-1")
    at.button[0].click().run()
    assert not at.exception
    assert at.title[0].value != t("capacity_busy_title", "en")
    assert at.sidebar.multiselect
    assert at.query_params.get("sector") in (["industry"], "industry")
    assert len(full_replica) == 2


def test_a_session_let_in_keeps_its_page_when_the_replica_fills_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A reader let in while there was room still gets the dashboard on every rerun after
    the cap has been reached by others."""
    admissions = capacity.Admissions()
    monkeypatch.setattr(capacity, "ADMISSIONS", admissions)
    monkeypatch.setattr(capacity, "_active_check", lambda: lambda _: True)
    monkeypatch.setenv(capacity.ENV, "1")
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert at.sidebar.multiselect
    assert len(admissions) == 1
    # The session was forgotten (as while disconnected) and another took the only place.
    later = capacity.Admissions()
    later.keep("someone-else")
    monkeypatch.setattr(capacity, "ADMISSIONS", later)
    at.run()
    assert not at.exception
    assert at.sidebar.multiselect
    assert all(h.value != t("capacity_busy_title", "en") for h in at.title)
    assert len(later) == 2  # counted again


def test_without_a_runtime_every_session_is_let_in() -> None:
    """Under AppTest (no Streamlit server) there is nothing to count: no busy page."""
    assert capacity._active_check() is None
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert at.sidebar.multiselect
