"""Short inline Markdown (option texts, key points) as styled terminal content."""

from __future__ import annotations

import re

from textual.content import Content

from tui.mathtext import markdown_math_to_unicode

# No `_italic_`: underscores are common in converted math (x_(t-1)).
_INLINE = re.compile(r"`([^`]+)`|\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*")


def inline_content(markdown: str) -> Content:
    """Math to Unicode, `code`, **bold** and *italic* styled; everything else plain text."""
    text = markdown_math_to_unicode(markdown).strip()
    text = re.sub(r"\\([\\`*_\[\]<>#|])", r"\1", text)  # undo mathtext's Markdown escapes
    parts: list[str | tuple[str, str]] = []
    position = 0
    for match in _INLINE.finditer(text):
        parts.append(text[position : match.start()])
        code, bold, italic = match.groups()
        if code is not None:
            parts.append((code, "bold $text-accent"))
        elif bold is not None:
            parts.append((bold, "bold"))
        else:
            parts.append((italic, "italic"))
        position = match.end()
    parts.append(text[position:])
    return Content.assemble(*parts)
