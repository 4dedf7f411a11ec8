"""Fonts for plots with Chinese text: matplotlib's default font (DejaVu Sans) has no Chinese characters.

    from utils.fonts import use_chinese_fonts
    use_chinese_fonts()          # then plt.title("训练损失") draws characters, not empty boxes

matplotlib (3.6 and later) falls back from one family of ``font.family`` to the next, glyph by glyph:
Latin letters and digits stay in DejaVu Sans, Chinese characters come from the first CJK font found
here. The list names the usual one of each system: Linux (Noto Sans CJK, WenQuanYi: Debian's
fonts-noto-cjk, fonts-wqy-microhei, fonts-wqy-zenhei), Windows (Microsoft YaHei, SimHei), macOS
(PingFang SC, Hiragino Sans GB, Heiti SC). matplotlib is imported only when asked for.
"""

CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
             "Microsoft YaHei", "SimHei", "PingFang SC", "Hiragino Sans GB", "Heiti SC", "Arial Unicode MS")
LATIN_FONT = "DejaVu Sans"  # matplotlib's own default, shipped with it
# How the files of CJK_FONTS are named (noto: NotoSansCJK-Regular.ttc; wqy-microhei.ttc; msyh.ttc ...).
CJK_FILE_HINTS = ("cjk", "wqy", "sourcehan", "msyh", "simhei", "pingfang", "hiragino", "stheiti", "unicode")


def installed_cjk_fonts():
    """The names of CJK_FONTS that matplotlib can find on this machine, in CJK_FONTS' order.

    matplotlib keeps its list of the system's fonts in a cache made when it first ran: a CJK font
    installed since then is added to it here (the system's font files named like one)."""
    from matplotlib import font_manager
    manager = font_manager.fontManager
    found = [name for name in CJK_FONTS if name in {font.name for font in manager.ttflist}]
    if not found:
        for path in font_manager.findSystemFonts():
            if any(hint in path.lower().rsplit("/", 1)[-1] for hint in CJK_FILE_HINTS):
                try:
                    manager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue  # a file FreeType cannot read: the others may do
        found = [name for name in CJK_FONTS if name in {font.name for font in manager.ttflist}]
    return found


def chinese_font_rc():
    """rcParams that draw Chinese text: DejaVu Sans first, then the CJK fonts installed
    (all of CJK_FONTS when none is: matplotlib then warns of the missing glyphs, once)."""
    found = installed_cjk_fonts() or list(CJK_FONTS)
    # Fallback goes from family to family of font.family (a generic "sans-serif" would give one font).
    return {"font.family": [LATIN_FONT, *found]}


def font_rc(lang):
    """The rcParams a figure in ``lang`` is drawn with: matplotlib's defaults in English, a CJK font
    after DejaVu Sans in Chinese (``matplotlib.rc_context(font_rc(lang))`` around drawing and saving)."""
    return chinese_font_rc() if lang == "zh" else {}


def use_chinese_fonts():
    """Make this process's matplotlib draw Chinese text (a notebook's plots) with the CJK fonts installed;
    returns their names. Without any, nothing changes (no warning per missing family on every plot): Chinese
    characters then show as empty boxes, and docs/i18n.md says which font to install."""
    import matplotlib
    found = installed_cjk_fonts()
    if found:
        matplotlib.rcParams.update({"font.family": [LATIN_FONT, *found]})
    return found
