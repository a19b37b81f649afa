"""Failure codes in the operator's words: label, reason, next step.

This is the one catalogue of the product: ``build.py`` exports it as JSON for
the JS fallback view, so the two can never disagree.  Codes come from
Bitrix24's call statistics (``CALL_FAILED_CODE``) and from any SIP final
response an external telephony may report; a code that is not listed is
still explained by its class (4xx, 5xx, 6xx), and a value that is not a
plausible code is shown as plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from .i18n import LANGUAGES, resolve_language

# code -> language -> (label, reason, next step)
_Text = tuple[str, str, str]
CATALOGUE: dict[str, dict[str, _Text]] = {
    "200": {
        "en": ("Success", "The call went through.", "Nothing to do."),
        "ru": ("Успешный звонок", "Звонок состоялся.", "Ничего делать не нужно."),
    },
    "304": {
        "en": ("Missed", "Nobody answered the call.",
               "Call the client back when you can."),
        "ru": ("Пропущенный", "На звонок никто не ответил.",
               "Перезвоните клиенту, когда освободитесь."),
    },
    "402": {
        "en": ("Insufficient funds", "The telephony account has run out of money.",
               "Tell your administrator to top up the telephony balance."),
        "ru": ("Недостаточно средств", "На счёте телефонии закончились деньги.",
               "Сообщите администратору: нужно пополнить баланс телефонии."),
    },
    "403": {
        "en": ("Forbidden", "The telephony refused this call (no permission for this direction).",
               "Ask your administrator to check the line's permissions."),
        "ru": ("Запрещено", "Телефония отклонила звонок: нет прав на это направление.",
               "Попросите администратора проверить права линии."),
    },
    "404": {
        "en": ("Invalid number", "The number does not exist or is written wrongly.",
               "Check the number in the CRM, correct it and call again."),
        "ru": ("Неверный номер", "Номер не существует или записан с ошибкой.",
               "Проверьте номер в CRM, исправьте его и позвоните снова."),
    },
    "408": {
        "en": ("No response", "The other side did not answer the call set-up in time.",
               "Try again in a minute; if it repeats, tell your administrator."),
        "ru": ("Нет ответа сети", "Другая сторона не ответила на установку соединения вовремя.",
               "Повторите через минуту; если повторится — сообщите администратору."),
    },
    "423": {
        "en": ("Blocked", "The number or the line is blocked.",
               "Ask your administrator why the number or line is blocked."),
        "ru": ("Заблокирован", "Номер или линия заблокированы.",
               "Уточните у администратора, почему заблокирован номер или линия."),
    },
    "480": {
        "en": ("Temporarily unavailable", "The client's phone is switched off or out of reach.",
               "Try again later or send a message."),
        "ru": ("Временно недоступен", "Телефон клиента выключен или вне зоны действия сети.",
               "Позвоните позже или отправьте сообщение."),
    },
    "484": {
        "en": ("Destination unavailable", "The number is incomplete or cannot be reached.",
               "Check the number, including the country code."),
        "ru": ("Направление недоступно", "Номер неполный или недоступен.",
               "Проверьте номер, включая код страны."),
    },
    "486": {
        "en": ("Busy", "The client is on another call and the line is busy.",
               "Try again in a few minutes or book a callback."),
        "ru": ("Занято", "Клиент разговаривает по другой линии, линия занята.",
               "Перезвоните через несколько минут или запланируйте обратный звонок."),
    },
    "487": {
        "en": ("Cancelled", "The call was cancelled before it was answered.",
               "Nothing to do if you hung up yourself; otherwise call again."),
        "ru": ("Отменён", "Звонок отменили до ответа.",
               "Если вы сами положили трубку — ничего делать не нужно; иначе позвоните снова."),
    },
    "488": {
        "en": ("Not acceptable here", "The phones could not agree on how to carry the call.",
               "Try again; if it repeats, tell your administrator (codec settings)."),
        "ru": ("Несовместимые параметры", "Телефоны не смогли договориться о формате связи.",
               "Повторите звонок; если повторится — сообщите администратору (настройки кодеков)."),
    },
    "500": {
        "en": ("Telephony error", "The telephony server failed while setting up the call.",
               "Try again; if it repeats, tell your administrator."),
        "ru": ("Ошибка телефонии", "Сервер телефонии дал сбой при установке соединения.",
               "Повторите звонок; если повторится — сообщите администратору."),
    },
    "502": {
        "en": ("Bad gateway", "A telephony gateway on the way returned an error.",
               "Try again in a few minutes; tell your administrator if it repeats."),
        "ru": ("Ошибка шлюза", "Шлюз телефонии на пути звонка вернул ошибку.",
               "Повторите через несколько минут; если повторится — сообщите администратору."),
    },
    "503": {
        "en": ("Destination unavailable", "The telephony service cannot reach this destination now.",
               "Try again later; tell your administrator if it repeats."),
        "ru": ("Направление недоступно", "Сервис телефонии сейчас не может соединить с этим направлением.",
               "Позвоните позже; если повторится — сообщите администратору."),
    },
    "504": {
        "en": ("Gateway timeout", "A telephony server on the way did not answer in time.",
               "Try again in a few minutes."),
        "ru": ("Таймаут шлюза", "Сервер телефонии на пути звонка не ответил вовремя.",
               "Повторите через несколько минут."),
    },
    "600": {
        "en": ("Busy everywhere", "All of the client's phones are busy.",
               "Try again later or book a callback."),
        "ru": ("Занято везде", "Все телефоны клиента заняты.",
               "Позвоните позже или запланируйте обратный звонок."),
    },
    "603": {
        "en": ("Declined", "The client rejected the call.",
               "Do not call again at once; send a message or try another time."),
        "ru": ("Отклонён", "Клиент отклонил звонок.",
               "Не перезванивайте сразу; напишите клиенту или позвоните в другое время."),
    },
    "603-S": {
        "en": ("Cancelled", "The call was cancelled.",
               "Call again if the conversation still has to happen."),
        "ru": ("Отменён", "Звонок был отменён.",
               "Позвоните снова, если разговор всё ещё нужен."),
    },
    "604": {
        "en": ("Does not exist anywhere", "The number does not exist in any network.",
               "Check the number in the CRM and ask the client for a correct one."),
        "ru": ("Номер не существует", "Такого номера нет ни в одной сети.",
               "Проверьте номер в CRM и узнайте у клиента правильный."),
    },
    "OTHER": {
        "en": ("Not defined", "The telephony did not say why the call failed.",
               "Try again; if calls keep failing, tell your administrator."),
        "ru": ("Причина не определена", "Телефония не сообщила, почему звонок не состоялся.",
               "Повторите звонок; если ошибки повторяются — сообщите администратору."),
    },
}

CLASSES: dict[str, dict[str, _Text]] = {
    "4": {
        "en": ("Call rejected", "The call was refused because of the request itself (client error {code}).",
               "Check the number and try again."),
        "ru": ("Звонок отклонён", "Звонок отклонён из-за самого запроса (ошибка клиента {code}).",
               "Проверьте номер и повторите звонок."),
    },
    "5": {
        "en": ("Telephony failure", "A telephony server failed to complete the call (server error {code}).",
               "Try again later; tell your administrator if it repeats."),
        "ru": ("Сбой телефонии", "Сервер телефонии не смог завершить звонок (ошибка сервера {code}).",
               "Повторите позже; если повторится — сообщите администратору."),
    },
    "6": {
        "en": ("Refused everywhere", "The call was refused by every destination (global failure {code}).",
               "Do not redial at once; try another time or another channel."),
        "ru": ("Отказ везде", "Звонок отклонён всеми направлениями (глобальный отказ {code}).",
               "Не перезванивайте сразу; попробуйте в другое время или другим способом."),
    },
}

UNRECOGNISED: dict[str, _Text] = {
    "en": ("Unrecognised code", "The telephony reported something that is not a known code.",
           "Tell your administrator what is shown here."),
    "ru": ("Неизвестный код", "Телефония сообщила значение, которое не является известным кодом.",
           "Сообщите администратору то, что здесь показано."),
}

NOT_REPORTED: dict[str, _Text] = {
    "en": ("Reason not reported", "The call ended before it was answered; the portal did not say why.",
           "Check the call in the CRM history, then call again if needed."),
    "ru": ("Причина не сообщена", "Звонок завершился до ответа; портал не сообщил причину.",
           "Посмотрите звонок в истории CRM и при необходимости перезвоните."),
}

_SIP_CODE = re.compile(r"[4-6]\d\d")
_PLAUSIBLE = re.compile(r"\d{3}(-[A-Z])?|OTHER")


class CodeKind(StrEnum):
    KNOWN = "known"
    CLASS = "class"  # a SIP final response we do not list, explained by its class
    UNRECOGNISED = "unrecognised"


@dataclass(frozen=True)
class CodeInfo:
    """What the card shows for one failure code."""

    code: str
    kind: CodeKind
    label: str
    reason: str
    next_step: str


def is_plausible(code: str) -> bool:
    """Looks like a code (``486``, ``603-S``, ``OTHER``), whatever its meaning."""
    return _PLAUSIBLE.fullmatch(code) is not None


def describe(code: str, lang: str | None = None) -> CodeInfo:
    """Explain ``code`` in ``lang`` (the portal's ``LANG``; English fallback)."""
    language = resolve_language(lang)
    key = code.strip().upper()
    if key in CATALOGUE:
        label, reason, next_step = CATALOGUE[key][language]
        return CodeInfo(key, CodeKind.KNOWN, label, reason, next_step)
    if _SIP_CODE.fullmatch(key):
        label, reason, next_step = CLASSES[key[0]][language]
        return CodeInfo(key, CodeKind.CLASS, label, reason.format(code=key), next_step)
    label, reason, next_step = UNRECOGNISED[language]
    return CodeInfo(code, CodeKind.UNRECOGNISED, label, reason, next_step)


def not_reported(lang: str | None = None) -> CodeInfo:
    """The honest entry for a call that ended before answer without a code."""
    label, reason, next_step = NOT_REPORTED[resolve_language(lang)]
    return CodeInfo("", CodeKind.UNRECOGNISED, label, reason, next_step)


def export() -> dict[str, object]:
    """The catalogue as plain data, for the JS fallback view."""
    return {
        "languages": list(LANGUAGES),
        "codes": {code: {lang: list(text) for lang, text in texts.items()}
                  for code, texts in CATALOGUE.items()},
        "classes": {cls: {lang: list(text) for lang, text in texts.items()}
                    for cls, texts in CLASSES.items()},
        "unrecognised": {lang: list(text) for lang, text in UNRECOGNISED.items()},
        "notReported": {lang: list(text) for lang, text in NOT_REPORTED.items()},
    }
