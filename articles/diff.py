"""Readable word-level differences between two revisions of an article (for editors).

Every piece of text is escaped before it is wrapped in <ins>/<del>: a headline or body that
contains markup or script shows up as text in the diff and never runs in the editor's browser.
"""

import difflib
import re

from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

DIFF_FIELDS = [("title", _("headline")), ("lead", _("lead")), ("body", _("body"))]
_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|figcaption|tr)>|<br\s*/?>", re.IGNORECASE)
_TOKENS = re.compile(r"\s+|[^\s]+")


def readable_text(html: str) -> str:
    """Body HTML as text, one paragraph per line."""
    return strip_tags(_BLOCK_END.sub("\n", html or "")).strip()


def word_diff(old: str, new: str) -> SafeString:
    old_tokens, new_tokens = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    parts = []
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    for opcode, a0, a1, b0, b1 in matcher.get_opcodes():
        if opcode in {"replace", "delete"}:
            parts.append(f"<del>{escape(''.join(old_tokens[a0:a1]))}</del>")
        if opcode in {"replace", "insert"}:
            parts.append(f"<ins>{escape(''.join(new_tokens[b0:b1]))}</ins>")
        if opcode == "equal":
            parts.append(escape("".join(old_tokens[a0:a1])))
    return mark_safe("".join(parts))  # every token above went through escape()


def revision_diffs(previous, revision) -> list[dict]:
    """For title, lead and body: the label, whether it changed, and the marked-up difference."""
    diffs = []
    for field, label in DIFF_FIELDS:
        old = getattr(previous, field, "") if previous is not None else ""
        new = getattr(revision, field, "")
        if field == "body":
            old, new = readable_text(old), readable_text(new)
        diffs.append({"label": label, "changed": old != new, "html": word_diff(old, new)})
    return diffs
