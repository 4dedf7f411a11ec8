"""The Educoder markers around an answer, and finding them in trusted text.

The reference classes (``solutions/layers.py``, a course exercise's ``reference.py``), the release
notebooks and the sample answers all carry exactly these lines around each answer region.
Students' notebooks are read leniently by ``graders.engine.notebook`` instead.
"""
EDUCODER_BEGIN = "########## Begin ##########"
EDUCODER_END = "########## End ##########"


def educoder_region(lines, where="the text"):
    """(begin, end): the indexes in ``lines`` of the one Begin line and the one End line after it.

    For trusted text with exactly one region, so anything else is an error: ValueError naming
    ``where`` and what was found. ``educoder_regions`` lists several.
    """
    regions = educoder_regions(lines, where)
    if len(regions) != 1:
        raise ValueError(f"expected one {EDUCODER_BEGIN!r} line followed by one {EDUCODER_END!r} line in {where}; "
                         f"found {len(regions)} regions")
    return regions[0]


def educoder_regions(lines, where="the text"):
    """[(begin, end)]: the indexes of every Begin line and the End line that closes it, in order.

    ValueError naming ``where`` when the lines do not pair up (an End without a Begin, a Begin
    inside a region, a region left open).
    """
    regions, begin = [], None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped == EDUCODER_BEGIN:
            if begin is not None:
                raise ValueError(f"{where}: line {i + 1} opens a region inside the one opened on line {begin + 1}")
            begin = i
        elif stripped == EDUCODER_END:
            if begin is None:
                raise ValueError(f"{where}: line {i + 1} closes a region that was never opened")
            regions.append((begin, i))
            begin = None
    if begin is not None:
        raise ValueError(f"{where}: the region opened on line {begin + 1} is never closed")
    return regions


def method_regions(lines, where="the text"):
    """{method name: (begin, end)}: each region of a class's source lines, named by the method it is in.

    A class may hold several regions (``forward`` and ``backward`` both exercises), one per method.
    """
    found = {}
    for begin, end in educoder_regions(lines, where):
        indent = len(lines[begin]) - len(lines[begin].lstrip())
        for i in range(begin - 1, -1, -1):
            stripped = lines[i].lstrip()
            if stripped.startswith("def ") and len(lines[i]) - len(stripped) < indent:
                name = stripped[4:].split("(", 1)[0].strip()
                break
        else:
            raise ValueError(f"{where}: the region on line {begin + 1} is not inside a method")
        if name in found:
            raise ValueError(f"{where}: method {name} holds two regions")
        found[name] = (begin, end)
    return found
