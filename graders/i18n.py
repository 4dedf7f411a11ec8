"""The grader's student-facing messages in the course's language: the ``graders`` gettext domain.

    from graders.i18n import _, ngettext, N_

    raise AnswerError(_("the answer to {method} leaves the method ...").format(method=...))

The message id is the English text, so English output is the code's own text. The language is read at each
call (``utils.i18n.get_language()``): the grade command grades inside ``using_language(<the course's
language>)``, the report renders each page inside its own. The catalogue is
``graders/locale/zh/LC_MESSAGES/graders.po`` (compiled to ``graders.mo``, shipped in the package); see
docs/i18n.md. Instructor-facing command-line messages and logs stay English and are not wrapped.
"""
from pathlib import Path

from utils.i18n import N_, get_language, translations, translator, using_language

LOCALE_DIR = Path(__file__).resolve().with_name("locale")
DOMAIN = "graders"

_ = translator(LOCALE_DIR, DOMAIN)

__all__ = ["DOMAIN", "LOCALE_DIR", "N_", "_", "get_language", "ngettext", "using_language"]


def ngettext(singular, plural, count):
    """The plural-aware lookup of the ``graders`` domain in the current language (Chinese has one form)."""
    return translations(LOCALE_DIR, DOMAIN, get_language()).ngettext(singular, plural, count)
