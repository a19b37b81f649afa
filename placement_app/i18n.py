"""Words and formats of the card in the operator's language.

The language comes from the portal (``LANG``); anything unknown falls back to
English so that a strange value never leaves the card without words.  Like
the code catalogue, these strings are exported for the JS fallback view.
"""

from __future__ import annotations

from datetime import UTC, datetime

LANGUAGES = ("en", "ru")
DEFAULT_LANGUAGE = "en"
#: Portal languages whose operators are best served by the Russian texts.
ALIASES = {"by": "ru", "kz": "ru"}

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Call timeline",
        "state.idle": "No connection",
        "state.connecting": "Ringing",
        "state.connected": "Talking",
        "state.unknown": "Waiting for the call",
        "outcome.waiting": "Waiting for the call",
        "outcome.ringing": "Ringing…",
        "outcome.talking": "On the call",
        "outcome.answered": "Call answered and ended",
        "outcome.failed": "Call failed",
        "outcome.not_answered": "Not answered",
        "ring_time": "Ring time",
        "talk_time": "Talk time",
        "since_open": "(since the card opened)",
        "code": "Code",
        "next_step": "Next step",
        "notice.client": "Client",
        "notice.closing": "Card closing",
        "notice.unrecognised": "Unrecognised event",
        "notice.error": "Display error",
        "dropped": "{count} earlier entries not shown",
        "engine.loading": "Starting the timeline…",
        "engine.failed": "The full timeline could not start; call states are still shown.",
        "no_frame": "Open this page from a Bitrix24 call card.",
        "lookup.pending": "Looking up the reason in the portal's call statistics…",
        "lookup.source": "from call statistics",
        "lookup.found": "Code from the portal's call statistics",
        "lookup.no_record": "The portal's call statistics have no record of this call.",
        "lookup.no_scope": "The app may not read call statistics (the telephony scope is missing).",
        "lookup.auth": "The portal did not accept the app's authorisation for call statistics.",
        "lookup.unreachable": "The portal's call statistics could not be reached.",
        "lookup.refused": "The portal's call statistics gave an unreadable answer.",
    },
    "ru": {
        "title": "Хронология звонка",
        "state.idle": "Нет соединения",
        "state.connecting": "Вызов",
        "state.connected": "Разговор",
        "state.unknown": "Ожидание звонка",
        "outcome.waiting": "Ожидание звонка",
        "outcome.ringing": "Идёт вызов…",
        "outcome.talking": "Идёт разговор",
        "outcome.answered": "Звонок состоялся и завершён",
        "outcome.failed": "Звонок не состоялся",
        "outcome.not_answered": "Нет ответа",
        "ring_time": "Время вызова",
        "talk_time": "Время разговора",
        "since_open": "(с момента открытия карточки)",
        "code": "Код",
        "next_step": "Что сделать",
        "notice.client": "Клиент",
        "notice.closing": "Карточка закрывается",
        "notice.unrecognised": "Нераспознанное событие",
        "notice.error": "Ошибка отображения",
        "dropped": "Ранние записи скрыты: {count}",
        "engine.loading": "Запуск хронологии…",
        "engine.failed": "Полная хронология не запустилась; состояния звонка всё равно показаны.",
        "no_frame": "Откройте эту страницу из карточки звонка Битрикс24.",
        "lookup.pending": "Ищем причину в статистике звонков портала…",
        "lookup.source": "из статистики звонков",
        "lookup.found": "Код из статистики звонков портала",
        "lookup.no_record": "В статистике звонков портала нет записи об этом звонке.",
        "lookup.no_scope": "Приложению не разрешено читать статистику звонков (нет права telephony).",
        "lookup.auth": "Портал не принял авторизацию приложения для статистики звонков.",
        "lookup.unreachable": "Статистика звонков портала недоступна.",
        "lookup.refused": "Статистика звонков портала ответила непонятно.",
    },
}


def resolve_language(lang: str | None) -> str:
    """One of :data:`LANGUAGES` for a portal ``LANG`` value (any text)."""
    key = (lang or "").strip().lower()[:5]
    key = ALIASES.get(key, key)
    return key if key in LANGUAGES else DEFAULT_LANGUAGE


def text(key: str, lang: str | None = None, **values: object) -> str:
    """The string ``key`` in ``lang``, with ``values`` filled in."""
    words = STRINGS[resolve_language(lang)].get(key) or STRINGS[DEFAULT_LANGUAGE][key]
    return words.format(**values) if values else words


def format_duration(milliseconds: float) -> str:
    """``m:ss`` below an hour, ``h:mm:ss`` above; never negative."""
    seconds = int(max(0.0, milliseconds) // 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes}:{seconds:02d}"


def format_clock(epoch_ms: float, utc_offset_minutes: int = 0) -> str:
    """Wall-clock ``HH:MM:SS`` in the operator's time zone.

    The offset comes from the browser, since Pyodide has no time-zone data.
    """
    seconds = int(epoch_ms // 1000) + utc_offset_minutes * 60
    seconds %= 86400
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"


def iso_time(epoch_ms: float) -> str:
    """The exact moment, machine-readable (UTC, milliseconds), for ``<time datetime>``."""
    try:
        moment = datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return ""
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def export() -> dict[str, dict[str, str]]:
    """The strings as plain data, for the JS fallback view."""
    return {lang: dict(words) for lang, words in STRINGS.items()}
