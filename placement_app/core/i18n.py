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
        "outcome.answered": "Call answered and ended",
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
        "notice.early_dropped": "Events lost",
        "early_dropped.detail": "{count} of the first events were dropped while the timeline started (too many at once)",
        "dropped": "{count} earlier entries not shown",
        "engine.loading": "Starting the timeline…",
        "engine.failed": "The full timeline could not start; call states are still shown.",
        "engine.early_dropped": "Too many events while the timeline started: the oldest {count} were dropped.",
        "engine.drawing_lost": "The timeline could not be drawn; call states are shown here instead.",
        "no_frame": "This page runs inside a Bitrix24 call card. Open a call in Bitrix24 and choose the Call Timeline tab.",
        "lookup.pending": "Looking up the reason in the portal's call statistics…",
        "lookup.trying": "Looking up the reason in the portal's call statistics… try {attempt} of {attempts}",
        "lookup.source": "from call statistics",
        "lookup.found": "Code from the portal's call statistics",
        "lookup.no_record": "The portal's call statistics have no record of this call.",
        "lookup.no_scope": "The reason could not be looked up in the call statistics: ask your portal administrator to check the app's access.",
        "lookup.auth": "The portal refused the app's request for call statistics; if it repeats, ask your portal administrator.",
        "lookup.unreachable": "The portal's call statistics could not be reached.",
        "lookup.refused": "The call statistics could not be read; if it repeats, ask your portal administrator.",
        "headline.ended": "Call ended · {duration}",
        "headline.not_answered": "{label} · not answered",
        "answered_code": "Talked {talk}; when the call ended the telephony reported code {code}.",
        "notice.kept_open": "Close refused: the card stays open",
        "keep_open.notice": "The card stays open so you can read this; it closes by itself in {left}.",
        "keep_open.done": "Done",
        "settings.heading": "Call Timeline settings",
        "settings.loading": "Loading the settings…",
        "settings.language": "Card language",
        "settings.language.portal": "Follow the portal's language",
        "settings.language.en": "English",
        "settings.language.ru": "Russian",
        "settings.keep_open": "Keep the card open after a failed call, until the operator presses “Done”",
        "settings.keep_open.help": "While the card is held open, Bitrix24 sends the operator no new incoming call.",
        "settings.keep_open_minutes": "Let it close anyway after (minutes)",
        "settings.overrides": "Your own texts for failure codes",
        "settings.overrides.help": "Pick a code from the list or type one, then write a label, a next step or both. Leave one empty to keep the built-in text, shown greyed in it.",
        "settings.overrides.code": "Code",
        "settings.overrides.label": "Label",
        "settings.overrides.next_step": "Next step",
        "settings.overrides.actions": "Actions",
        "settings.overrides.add": "Add a code",
        "settings.overrides.remove": "Remove",
        "settings.overrides.empty": "No code has its own texts: the card shows the built-in ones.",
        "settings.reset": "Reset to defaults",
        "settings.reset_done": "The defaults are filled in. Nothing changes until you press Save.",
        "settings.unsaved": "Unsaved changes",
        "settings.expected_codes": "Outcomes that are not failures",
        "settings.expected_codes.help": "Codes separated by commas, e.g. 487, 603-S. They are drawn neutrally and never keep the card open.",
        "settings.show_client_changes": "Show client changes in the timeline",
        "settings.clock": "Time format",
        "settings.clock.24h": "24-hour (14:05:09)",
        "settings.clock.12h": "12-hour (2:05:09 PM)",
        "settings.save": "Save",
        "settings.saving": "Saving…",
        "settings.saved": "Saved. The next call card that opens uses these settings.",
        "settings.invalid": "Nothing was saved: correct the marked fields.",
        "settings.read_only": "Only a portal administrator can change these settings. You are seeing the current settings, read-only.",
        "settings.refused": "Only a portal administrator can save settings; nothing was saved.",
        "settings.not_confirmed": "The portal did not confirm the save. Check the connection and press Save again.",
        "settings.problem.corrupt": "The saved settings could not be read, so the defaults are in use. An administrator can check them and save again.",
        "settings.problem.older": "The saved settings come from an older version of the app, so the defaults are in use. An administrator can check them and save again.",
        "settings.problem.newer": "The saved settings come from a newer version of the app, so the defaults are in use. An administrator can check them and save again.",
        "settings.error.not_text": "This value is not text.",
        "settings.error.row_no_code": "Enter a code, or remove this row.",
        "settings.error.row_code": "“{code}” is not a failure code (three digits such as 486, or 603-S, or OTHER).",
        "settings.error.row_twice": "Code {code} is already in the table above.",
        "settings.error.row_empty": "Write a label or a next step for {code}, or remove this row.",
        "settings.error.row_control": "Control characters (tabs, line breaks, invisible characters) are not allowed.",
        "settings.error.row_long": "Longer than {limit} characters.",
        "settings.error.row_bar": "The character “|” is not allowed here.",
        "settings.error.too_many_overrides": "At most {limit} codes can have their own texts.",
        "settings.error.expected_code": "“{code}” is not a failure code (three digits such as 487, or 603-S, or OTHER).",
        "settings.error.too_many_expected": "At most {limit} codes can be listed.",
        "settings.error.choice": "Choose one of the offered options.",
        "settings.error.minutes": "Enter a whole number of minutes from {low} to {high}.",
        "install.heading": "Installing Call Timeline",
        "install.step.check": "Looking for the call-card tab",
        "install.step.bind": "Adding the Call Timeline tab to the call card",
        "install.step.finish": "Finishing the installation",
        "install.done": "Call Timeline is installed. Open a call card: the tab is there.",
        "install.already": "The Call Timeline tab was already on the call card, so it was not added again.",
        "install.installed": "Call Timeline is installed and its call-card tab is in place.",
        "install.error.no_telephony": "The portal did not offer the call card to this app: its telephony scope is missing. In Bitrix24, open Developer resources, edit the app, tick the scopes placement and telephony, save, and install the app again.",
        "install.error.no_scope": "The app may not add tabs: its placement scope is missing. Tick the scopes placement and telephony in the app's settings in Bitrix24, save, and install again.",
        "install.error.argument": "The portal refused the tab's settings ({detail}). Check the app's handler address in Bitrix24, then press Try again.",
        "install.error.unreachable": "The portal could not be reached. Check the connection, then press Try again.",
        "install.error.auth": "The portal did not accept the app's authorisation. Close this window and open the app again.",
        "install.error.other": "The portal answered with an error ({detail}). Press Try again; if it repeats, send this text to your Bitrix24 administrator.",
        "install.retry": "Try again",
        "page.no_frame": "Open this page from Bitrix24 (Applications → Call Timeline).",
        "page.failed": "This page could not start ({reason}). Reload it; if it repeats, tell your administrator.",
        "page.starting": "Starting…",
        "page.no_portal": "The portal did not send what this page needs. Close it and open the app again from Bitrix24.",
        "support.copy": "Copy for support",
        "support.copied": "Copied",
        "support.copy_failed": "Could not copy: select the text below and copy it",
        "support.heading": "Call Timeline: call summary for support",
        "support.call_id": "Call ID",
        "support.number": "Number",
        "support.direction": "Direction",
        "support.date": "Date",
        "support.outcome": "Outcome",
        "support.steps": "Steps",
    },
    "ru": {
        "title": "Хронология звонка",
        "state.idle": "Нет соединения",
        "state.connecting": "Вызов",
        "state.connected": "Разговор",
        "state.unknown": "Ожидание звонка",
        "outcome.answered": "Звонок состоялся и завершён",
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
        "notice.early_dropped": "События потеряны",
        "early_dropped.detail": "Первых событий отброшено, пока запускалась хронология (слишком много сразу): {count}",
        "dropped": "Ранние записи скрыты: {count}",
        "engine.loading": "Запуск хронологии…",
        "engine.failed": "Полная хронология не запустилась; состояния звонка всё равно показаны.",
        "engine.early_dropped": "Слишком много событий при запуске хронологии: самые ранние отброшены ({count}).",
        "engine.drawing_lost": "Хронологию не удалось нарисовать; состояния звонка показаны здесь.",
        "no_frame": "Эта страница работает внутри карточки звонка Битрикс24. Откройте звонок в Битрикс24 и выберите вкладку «Хронология звонка».",
        "lookup.pending": "Ищем причину в статистике звонков портала…",
        "lookup.trying": "Ищем причину в статистике звонков портала… попытка {attempt} из {attempts}",
        "lookup.source": "из статистики звонков",
        "lookup.found": "Код из статистики звонков портала",
        "lookup.no_record": "В статистике звонков портала нет записи об этом звонке.",
        "lookup.no_scope": "Причину не удалось узнать в статистике звонков: попросите администратора портала проверить доступ приложения.",
        "lookup.auth": "Портал отклонил запрос приложения к статистике звонков; если это повторится, обратитесь к администратору портала.",
        "lookup.unreachable": "Статистика звонков портала недоступна.",
        "lookup.refused": "Статистику звонков не удалось прочитать; если это повторится, обратитесь к администратору портала.",
        "headline.ended": "Звонок завершён · {duration}",
        "headline.not_answered": "{label} · без ответа",
        "answered_code": "Разговор длился {talk}; при завершении телефония сообщила код {code}.",
        "notice.kept_open": "Закрытие отменено: карточка остаётся открытой",
        "keep_open.notice": "Карточка не закроется, пока вы это читаете; она закроется сама через {left}.",
        "keep_open.done": "Готово",
        "settings.heading": "Настройки «Хронологии звонка»",
        "settings.loading": "Загрузка настроек…",
        "settings.language": "Язык карточки",
        "settings.language.portal": "Как на портале",
        "settings.language.en": "Английский",
        "settings.language.ru": "Русский",
        "settings.keep_open": "Не закрывать карточку после неудачного звонка, пока оператор не нажмёт «Готово»",
        "settings.keep_open.help": "Пока карточка удерживается открытой, Битрикс24 не передаёт оператору новые входящие звонки.",
        "settings.keep_open_minutes": "Всё же закрыть через (минут)",
        "settings.overrides": "Свои тексты для кодов ошибок",
        "settings.overrides.help": "Выберите код из списка или введите его, затем напишите название, «что сделать» или и то и другое. Пустое поле оставит встроенный текст — он виден в поле серым.",
        "settings.overrides.code": "Код",
        "settings.overrides.label": "Название",
        "settings.overrides.next_step": "Что сделать",
        "settings.overrides.actions": "Действия",
        "settings.overrides.add": "Добавить код",
        "settings.overrides.remove": "Удалить",
        "settings.overrides.empty": "Своих текстов нет ни у одного кода: карточка показывает встроенные.",
        "settings.reset": "Вернуть настройки по умолчанию",
        "settings.reset_done": "Подставлены настройки по умолчанию. Они вступят в силу только после нажатия «Сохранить».",
        "settings.unsaved": "Есть несохранённые изменения",
        "settings.expected_codes": "Исходы, которые не считаются ошибкой",
        "settings.expected_codes.help": "Коды через запятую, например 487, 603-S. Они показываются нейтрально и не удерживают карточку.",
        "settings.show_client_changes": "Показывать смену клиента в хронологии",
        "settings.clock": "Формат времени",
        "settings.clock.24h": "24 часа (14:05:09)",
        "settings.clock.12h": "12 часов (2:05:09 PM)",
        "settings.save": "Сохранить",
        "settings.saving": "Сохранение…",
        "settings.saved": "Сохранено. Следующая открытая карточка звонка использует эти настройки.",
        "settings.invalid": "Ничего не сохранено: исправьте отмеченные поля.",
        "settings.read_only": "Менять эти настройки может только администратор портала. Вы видите текущие настройки без права изменения.",
        "settings.refused": "Сохранять настройки может только администратор портала; ничего не сохранено.",
        "settings.not_confirmed": "Портал не подтвердил сохранение. Проверьте связь и нажмите «Сохранить» ещё раз.",
        "settings.problem.corrupt": "Сохранённые настройки не читаются, поэтому действуют настройки по умолчанию. Администратор может проверить их и сохранить заново.",
        "settings.problem.older": "Сохранённые настройки записаны старой версией приложения, поэтому действуют настройки по умолчанию. Администратор может проверить их и сохранить заново.",
        "settings.problem.newer": "Сохранённые настройки записаны более новой версией приложения, поэтому действуют настройки по умолчанию. Администратор может проверить их и сохранить заново.",
        "settings.error.not_text": "Это значение не текст.",
        "settings.error.row_no_code": "Укажите код или удалите эту строку.",
        "settings.error.row_code": "«{code}» — не код ошибки (три цифры, например 486, или 603-S, или OTHER).",
        "settings.error.row_twice": "Код {code} уже есть в таблице выше.",
        "settings.error.row_empty": "Напишите название или «что сделать» для кода {code} либо удалите эту строку.",
        "settings.error.row_control": "Управляющие символы (табуляция, перевод строки, невидимые символы) недопустимы.",
        "settings.error.row_long": "Длиннее {limit} символов.",
        "settings.error.row_bar": "Символ «|» здесь недопустим.",
        "settings.error.too_many_overrides": "Свои тексты можно задать не более чем для {limit} кодов.",
        "settings.error.expected_code": "«{code}» — не код ошибки (три цифры, например 487, или 603-S, или OTHER).",
        "settings.error.too_many_expected": "Можно указать не более {limit} кодов.",
        "settings.error.choice": "Выберите один из предложенных вариантов.",
        "settings.error.minutes": "Введите целое число минут от {low} до {high}.",
        "install.heading": "Установка «Хронологии звонка»",
        "install.step.check": "Проверяем вкладку карточки звонка",
        "install.step.bind": "Добавляем вкладку «Хронология звонка» в карточку звонка",
        "install.step.finish": "Завершаем установку",
        "install.done": "«Хронология звонка» установлена. Откройте карточку звонка: вкладка уже там.",
        "install.already": "Вкладка «Хронология звонка» уже была в карточке звонка, повторно она не добавлена.",
        "install.installed": "«Хронология звонка» установлена, вкладка карточки звонка на месте.",
        "install.error.no_telephony": "Портал не дал приложению карточку звонка: у приложения нет права telephony. В Битрикс24 откройте «Разработчикам», измените приложение, отметьте права placement и telephony, сохраните и установите приложение заново.",
        "install.error.no_scope": "Приложению нельзя добавлять вкладки: нет права placement. Отметьте права placement и telephony в настройках приложения в Битрикс24, сохраните и установите заново.",
        "install.error.argument": "Портал отклонил параметры вкладки ({detail}). Проверьте адрес обработчика приложения в Битрикс24 и нажмите «Повторить».",
        "install.error.unreachable": "Портал недоступен. Проверьте связь и нажмите «Повторить».",
        "install.error.auth": "Портал не принял авторизацию приложения. Закройте это окно и откройте приложение снова.",
        "install.error.other": "Портал ответил ошибкой ({detail}). Нажмите «Повторить»; если ошибка повторится, передайте этот текст администратору Битрикс24.",
        "install.retry": "Повторить",
        "page.no_frame": "Откройте эту страницу из Битрикс24 (Приложения → «Хронология звонка»).",
        "page.failed": "Страница не запустилась ({reason}). Обновите её; если ошибка повторится, сообщите администратору.",
        "page.starting": "Запуск…",
        "page.no_portal": "Портал не передал данные, нужные этой странице. Закройте её и снова откройте приложение из Битрикс24.",
        "support.copy": "Копировать для поддержки",
        "support.copied": "Скопировано",
        "support.copy_failed": "Не удалось скопировать: выделите текст ниже и скопируйте его",
        "support.heading": "Хронология звонка: сводка о звонке для поддержки",
        "support.call_id": "ID звонка",
        "support.number": "Номер",
        "support.direction": "Направление",
        "support.date": "Дата",
        "support.outcome": "Итог",
        "support.steps": "Шаги",
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


def format_clock(epoch_ms: float, utc_offset_minutes: int = 0, twelve_hour: bool = False) -> str:
    """Wall-clock ``HH:MM:SS`` (or ``h:MM:SS AM``) in the operator's time zone.

    The offset comes from the browser, since Pyodide has no time-zone data.
    """
    seconds = int(epoch_ms // 1000) + utc_offset_minutes * 60
    seconds %= 86400
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if twelve_hour:
        return f"{(hours - 1) % 12 + 1}:{minutes:02d}:{seconds:02d} {'AM' if hours < 12 else 'PM'}"
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"


def iso_time(epoch_ms: float) -> str:
    """The exact moment, machine-readable (UTC, milliseconds), for ``<time datetime>``."""
    try:
        moment = datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return ""
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


#: Strings of the admin's pages; the card's fallback view does not need them.
PAGE_PREFIXES = ("settings.", "install.", "page.")


def export() -> dict[str, dict[str, str]]:
    """The card's strings as plain data, for the JS fallback view."""
    return {lang: {key: words for key, words in strings.items() if not key.startswith(PAGE_PREFIXES)}
            for lang, strings in STRINGS.items()}


def page_texts(lang: str | None) -> dict[str, str]:
    """Every string of the admin's pages in ``lang``, keyed as the templates name them."""
    return {key: text(key, lang) for key in STRINGS[DEFAULT_LANGUAGE] if key.startswith(PAGE_PREFIXES)}
