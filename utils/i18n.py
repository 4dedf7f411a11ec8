"""The language of what a student reads: English or Chinese, through GNU gettext catalogues.

    from utils.i18n import _, N_, set_language

    set_language("zh")                     # or $BACKPROP_LAB_LANG=zh, or a notebook's own setting
    print(_("{passed} of {total} cases passed").format(passed=3, total=4))

Catalogues are standard gettext: ``<localedir>/<lang>/LC_MESSAGES/<domain>.po`` (the text a translator
edits) compiled to ``.mo`` (what ``gettext`` reads; shipped in the package and in the student bundle).
Babel extracts the message ids from the code and compiles the catalogues (``make translations``; see
docs/i18n.md). English is the source language: it has no catalogue, a message id is its English text.

Domains (one catalogue each):

- ``utils``: this package, what students run in their notebooks (self-check, feedback, gradient check);
  in ``utils/locale/``.
- ``graders``: the grader's student-facing messages and the feedback page; in ``graders/locale/``.
- ``exercise``: each exercise folder's own texts (its title, cases, mistakes, probes, figure labels),
  in ``<folder>/locale/``: a course author's exercise carries its own translation.

Only the standard library is used here: students' environments need nothing more.
"""
import gettext as _gettext
import os
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("en", "zh")
DEFAULT_LANGUAGE = "en"
ENVIRONMENT_VARIABLE = "BACKPROP_LAB_LANG"
LOCALE_DIR = Path(__file__).resolve().with_name("locale")
DOMAIN = "utils"

_chosen = None  # set_language's choice; None: the environment's, else English


def check_language(lang):
    """``lang`` if it is one of LANGUAGES, else a ValueError naming the choices."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    return lang


def set_language(lang):
    """Speak ``lang`` ("en" or "zh") from now on in this process (a notebook's first cell calls it)."""
    global _chosen
    _chosen = None if lang is None else check_language(lang)


@contextmanager
def using_language(lang):
    """Speak ``lang`` inside the block, then what was chosen before (the build renders each language so)."""
    global _chosen
    before = _chosen
    set_language(lang)
    try:
        yield
    finally:
        _chosen = before


def chosen_language():
    """The language chosen in this process by set_language or using_language, else None."""
    return _chosen


def get_language():
    """The language chosen by set_language, else $BACKPROP_LAB_LANG, else English."""
    if _chosen is not None:
        return _chosen
    from_environment = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    return from_environment if from_environment in LANGUAGES else DEFAULT_LANGUAGE


@lru_cache(maxsize=None)
def translations(localedir, domain, lang):
    """The gettext catalogue of ``domain`` in ``lang`` under ``localedir``; English (and a language without
    a compiled catalogue there) gets NullTranslations: every message is its own id."""
    if lang == DEFAULT_LANGUAGE:
        return _gettext.NullTranslations()
    return _gettext.translation(domain, localedir=str(localedir), languages=[lang], fallback=True)


def translator(localedir=LOCALE_DIR, domain=DOMAIN, lang=None):
    """A function message -> its translation in ``lang`` (default: get_language() at each call)."""
    def translate(message):
        return translations(Path(localedir), domain, lang or get_language()).gettext(message)
    return translate


def ngettext(singular, plural, count, lang=None):
    """The ``utils`` domain's plural-aware lookup (Chinese has one form, English two)."""
    return translations(LOCALE_DIR, DOMAIN, lang or get_language()).ngettext(singular, plural, count)


def N_(message):
    """Marks ``message`` for extraction without translating it now (a table's entry, translated when shown)."""
    return message


_ = translator()
