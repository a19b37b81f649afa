"""The app's settings page: the form's logic, run in Python like the card.

An admin edits and saves; anyone else sees the current settings as text (no
form: nothing there they could use) and is told that only a portal admin
can change them.  Saving goes through the portal (``setAppOption``); only a
reply from the portal counts as saved.  Invalid input gets a message beside
its field (each part of each own-texts row its own) and nothing is sent.

Every value reaches the page's JavaScript as data in a message, and the page
writes it with ``textContent``, ``value`` or ``placeholder`` only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core import codes, i18n, settings
from ..core.settings import FieldError
from ..core.untrusted import flag
from .page import AdminPage


def message(error: FieldError, lang: str | None) -> str:
    return i18n.text(error.key, lang, **dict(error.values))


def catalogue(lang: str | None) -> list[dict[str, object]]:
    """The codes an admin can pick, each with its built-in texts in the page's language.

    ``texts`` has them by each value a row's language can take: a row for
    one language shows that language's words (as its cards would show them)
    as what its own would replace, a row for every language (``""``) the
    page's.
    """
    def words(code: str, other: str | None) -> dict[str, str]:
        info = codes.describe(code, other)
        return {"label": info.label, "next_step": info.next_step}

    return [{"code": code, **words(code, lang),
             "texts": {"": words(code, lang), **{other: words(code, other) for other in i18n.SUPPORTED}}}
            for code in codes.CATALOGUE]


#: One line of the settings shown as text: what is set (``term``), to what (``text``), the language
#: that text is in when it is not the page's (``lang``, a BCP 47 tag), and the lines under it (``items``).
SummaryItem = dict[str, object]


def _language_name(code: str) -> SummaryItem:
    """A language by its own name, as the form offers it, in that language."""
    known = i18n.SUPPORTED.get(code)
    return {"text": known.name, "lang": known.tag} if known is not None else {"text": code}


def _summary_row(row: settings.Override, lang: str | None) -> SummaryItem:
    """One row of own texts: its code and language, then the parts it sets."""
    every = {"text": i18n.text("settings.overrides.all_languages", lang)}
    where = _language_name(row.lang) if row.lang else every
    written_in = {"lang": where["lang"]} if "lang" in where else {}
    parts = [{"term": i18n.text(f"settings.overrides.{part}", lang), "text": words, **written_in}
             for part, words in (("label", row.label), ("next_step", row.next_step)) if words]
    return {"term": f"{row.code} · {where['text']}", "text": "", "items": parts}


def summary(shown: settings.Settings, lang: str | None) -> list[SummaryItem]:
    """The settings as text, for someone who may see them but not change them.

    In the form's order and words, each choice named as the form offers it;
    a row of own texts names its code and language and lists the parts it
    sets (an empty one keeps the built-in text).
    """
    def say(key: str) -> str:
        return i18n.text(key, lang)

    def yes_no(value: bool) -> str:
        return say("settings.yes" if value else "settings.no")

    language = {"text": say("settings.language.portal")} if shown.language == "portal" \
        else _language_name(shown.language)
    items: list[SummaryItem] = [{"term": say("settings.language"), **language},
                                {"term": say("settings.keep_open"), "text": yes_no(shown.keep_open)}]
    if shown.keep_open:
        items.append({"term": say("settings.keep_open_minutes"), "text": str(shown.keep_open_minutes)})
    if shown.overrides:
        items.append({"term": say("settings.overrides"), "text": "",
                      "items": [_summary_row(row, lang) for row in shown.overrides]})
    else:
        items.append({"term": say("settings.overrides"), "text": say("settings.overrides.empty")})
    expected = ", ".join(sorted(shown.expected_codes)) or "—"
    items += [{"term": say("settings.expected_codes"), "text": expected},
              {"term": say("settings.show_client_changes"), "text": yes_no(shown.show_client_changes)},
              {"term": say("settings.earlier_calls"), "text": yes_no(shown.earlier_calls)}]
    if shown.earlier_calls:
        items.append({"term": say("settings.earlier_days"), "text": str(shown.earlier_days)})
    items.append({"term": say("settings.clock"), "text": say(f"settings.clock.{shown.clock}")})
    return items


class SettingsPage(AdminPage):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.admin = False
        self.opened = False
        self.saving = False

    def on_opened(self, init: object = None, _unused: object = None) -> None:
        """The init data arrived (``None`` when the portal did not answer)."""
        if not isinstance(init, Mapping):
            self.texts()
            self.status(i18n.text("page.no_portal", self.lang), "error")
            return
        lang = init.get("LANG")
        self.lang = lang if isinstance(lang, str) else None
        self.admin = flag(init.get("IS_ADMIN"))
        self.opened = True
        loaded = settings.load(init.get("APP_OPTIONS"))
        self.texts()
        if self.admin:
            self.show_form(loaded.settings)
        else:
            self.post({"type": "summary", "items": summary(loaded.settings, self.lang)})
        notices = []
        if loaded.problem is not None:
            notices.append(i18n.text(f"settings.problem.{loaded.problem.value}", self.lang))
        if not self.admin:
            notices.append(i18n.text("settings.read_only", self.lang))
        self.post({"type": "notice", "text": "\n".join(notices), "tone": "warning" if notices else ""})
        self.status("")

    def show_form(self, shown: settings.Settings, reset: bool = False) -> None:
        """Fill the form for an admin; after a reset the page keeps counting it as unsaved.

        ``rowLanguage`` is the language a new row of own texts is for, by
        each value of the form's language field (:func:`settings.new_row_language`).
        """
        self.post({"type": "form", "values": settings.to_form(shown), "catalogue": catalogue(self.lang),
                   "rowLanguage": {choice: settings.new_row_language(choice, self.lang)
                                   for choice in settings.LANGUAGE_CHOICES},
                   "maxOverrides": settings.MAX_OVERRIDES, "reset": reset})

    def on_reset(self, _unused: object = None, _unused_too: object = None) -> None:
        """The admin asked for the defaults: fill them in; only Save stores them."""
        if not self.opened or not self.admin:
            self.status(i18n.text("settings.refused", self.lang), "error")
            return
        self.show_form(settings.DEFAULTS, reset=True)
        self.post({"type": "errors", "errors": {}})
        self.status(i18n.text("settings.reset_done", self.lang))

    def on_submit(self, form: object = None, _unused: object = None) -> None:
        """The admin pressed Save: check every field; send the settings only if all are right."""
        if not self.opened or not self.admin:
            self.status(i18n.text("settings.refused", self.lang), "error")
            return
        if self.saving:
            return
        result = settings.from_form(form if isinstance(form, Mapping) else {})
        if not isinstance(result, settings.Settings):
            self.post({"type": "errors", "errors": {
                field: [message(error, self.lang) for error in problems] for field, problems in result.items()
            }})
            self.status(i18n.text("settings.invalid", self.lang), "error")
            return
        self.post({"type": "errors", "errors": {}})
        self.saving = True
        self.status(i18n.text("settings.saving", self.lang), "busy")
        self.frame_command("setAppOption", {"name": settings.OPTION_NAME, "value": settings.dumps(result)})

    def on_reply(self, reply: object = None, _unused: object = None) -> None:
        """The portal's answer to ``setAppOption`` (``ok`` is false when none came in time)."""
        if not isinstance(reply, Mapping) or reply.get("command") != "setAppOption" or not self.saving:
            return
        self.saving = False
        if reply.get("ok") is True and reply.get("value") is not False:
            self.status(i18n.text("settings.saved", self.lang), "ok")
            self.post({"type": "notice", "text": "", "tone": ""})
            self.post({"type": "saved"})
        else:
            self.status(i18n.text("settings.not_confirmed", self.lang), "error")


def main(boot_json: str = "{}") -> object:
    """Start the settings page in the worker; return the function the engine forwards events to."""
    from ..browser import bridge

    page = SettingsPage(bridge.post, bridge.frame_command, bridge.warn)
    return bridge.export(page.receive)
