"""``make translations``: extract the message ids, update the .po catalogues, compile the .mo files.

    python tools/translations.py                      # every catalogue of the repository
    python tools/translations.py graders/exercises/conv_backward my-course/exercises/relu_backward
                                                      # only these exercise folders (a course's own too)

For each catalogue (docs/i18n.md: the ``utils`` domain in utils/locale/, ``graders`` in graders/locale/,
and each exercise folder's ``exercise`` domain in its own locale/), in each translated language:

1. ``pybabel extract`` with the domain's mapping file (tools/babel/<domain>.cfg) into a template (.pot,
   a temporary file: the .po files are the record);
2. ``pybabel update`` of ``<locale>/<lang>/LC_MESSAGES/<domain>.po`` from it, or ``pybabel init`` when
   there is none yet. A changed English text keeps its old translation, marked fuzzy for a translator to
   review (fuzzy matching); a text gone from the code is dropped (the .po holds only what is used;
   tests/test_translations.py checks it);
3. ``pybabel compile`` into the .mo that ``gettext`` reads (committed: the package and the student
   bundle ship it; fuzzy entries are left out until reviewed).

Everything runs Babel's own command line (babel.messages.frontend), in this process so that the
exercise extractors (graders/exercises/extract.py) import from this checkout.
"""
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAPPINGS = REPO / "tools" / "babel"
TRANSLATED = ("zh",)  # the languages besides English, the source language
HEADER = {"project": "backprop-lab", "copyright-holder": "the backprop-lab authors"}
# Where a file's message was found: the file only, so that moving code does not rewrite every catalogue.
LOCATION = "--add-location=file"

if str(REPO) not in sys.path:  # the exercise extractors are graders.exercises.extract
    sys.path.insert(0, str(REPO))


@dataclass(frozen=True)
class Catalogue:
    """One gettext catalogue: ``domain`` extracted from ``source`` with ``mapping``, kept in ``locale``."""
    domain: str
    source: Path
    mapping: Path
    locale: Path

    @property
    def name(self):
        """A short label: "utils", "graders" or the exercise folder's id."""
        return self.source.name if self.domain == "exercise" else self.domain

    def po(self, lang):
        return self.locale / lang / "LC_MESSAGES" / f"{self.domain}.po"

    def mo(self, lang):
        return self.locale / lang / "LC_MESSAGES" / f"{self.domain}.mo"


def exercise_catalogue(folder):
    folder = Path(folder).resolve()
    return Catalogue("exercise", folder, MAPPINGS / "exercise.cfg", folder / "locale")


def catalogues(folders=None):
    """The repository's catalogues (utils, graders, every built-in exercise folder), or only the exercise
    folders given."""
    if folders:
        return [exercise_catalogue(folder) for folder in folders]
    from graders.exercises.folder import builtin_folders
    return [Catalogue("utils", REPO / "utils", MAPPINGS / "utils.cfg", REPO / "utils" / "locale"),
            Catalogue("graders", REPO / "graders", MAPPINGS / "graders.cfg", REPO / "graders" / "locale"),
            *(exercise_catalogue(folder.path) for folder in builtin_folders().values())]


def pybabel(*args):
    """Run ``pybabel <args>`` (Babel's command line) here; SystemExit from it becomes a RuntimeError."""
    from babel.messages.frontend import CommandLineInterface
    try:
        CommandLineInterface().run(["pybabel", "-q", *map(str, args)])
    except SystemExit as exc:
        if exc.code not in (None, 0):
            raise RuntimeError(f"pybabel {' '.join(map(str, args))} failed ({exc.code})") from None


def extract(catalogue, pot):
    """``pybabel extract`` the catalogue's messages into the template ``pot``; returns its path. Run from
    the catalogue's locale folder's parent, so that locations are relative ("cases.toml", "checking.py")."""
    header = [f"--{key}={value}" for key, value in HEADER.items()]
    pot = Path(pot).resolve()
    here = os.getcwd()
    os.chdir(catalogue.source)
    try:
        pybabel("extract", "-F", catalogue.mapping, "-o", pot, LOCATION, *header, ".")
    finally:
        os.chdir(here)
    return pot


def extracted(catalogue):
    """The Babel Catalog of what the code holds now (read from a temporary template)."""
    from babel.messages.pofile import read_po
    with tempfile.TemporaryDirectory() as tmp:
        pot = extract(catalogue, Path(tmp) / f"{catalogue.domain}.pot")
        with open(pot, "rb") as handle:
            return read_po(handle)


def update(catalogue, lang, pot):
    """``pybabel update`` the language's .po from ``pot`` (``pybabel init`` when it has none); returns the
    .po's path."""
    po = catalogue.po(lang)
    if not po.is_file():
        pybabel("init", "-i", pot, "-d", catalogue.locale, "-D", catalogue.domain, "-l", lang)
        return po
    pybabel("update", "-i", pot, "-d", catalogue.locale, "-D", catalogue.domain, "-l", lang,
            "--ignore-obsolete", "--ignore-pot-creation-date", "--previous")
    return po


def compile_catalogue(catalogue, lang):
    """``pybabel compile`` the language's .po into its .mo (reviewed entries only: fuzzy ones are left out)."""
    pybabel("compile", "-d", catalogue.locale, "-D", catalogue.domain, "-l", lang)
    return catalogue.mo(lang)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if any(arg.startswith("-") for arg in argv):
        print(__doc__)
        return 0 if argv[0] in ("-h", "--help") else 2
    for catalogue in catalogues(argv):
        with tempfile.TemporaryDirectory() as tmp:
            pot = extract(catalogue, Path(tmp) / f"{catalogue.domain}.pot")
            for lang in TRANSLATED:
                po = update(catalogue, lang, pot)
                mo = compile_catalogue(catalogue, lang)
                print(f"{catalogue.name}: {po.relative_to(REPO) if po.is_relative_to(REPO) else po} -> {mo.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
