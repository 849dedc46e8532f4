"""``# tta: ignore[CODE, ...]`` comments: each suppresses the named rules on its line."""

from __future__ import annotations

import io
import re
import tokenize

from tta_tooling.efficiency.registry import RULES
from tta_tooling.errors import InputError

__all__ = ["suppressions"]

_COMMENT = re.compile(r"#\s*tta:\s*ignore\b(?P<bracket>\[(?P<codes>[^\]]*)\])?")


def suppressions(relpath: str, source: str) -> dict[int, frozenset[str]]:
    """Line number -> codes suppressed there; a comment naming no code or an unknown
    code is an :class:`InputError` (exit 2), so a typo cannot hide a finding."""
    if "tta:" not in source:
        return {}
    found: dict[int, frozenset[str]] = {}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError) as error:
        raise InputError(relpath, f"cannot tokenize: {error}") from error
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        match = _COMMENT.search(token.string)
        if match is None:
            continue
        line = token.start[0]
        codes = [c.strip() for c in (match["codes"] or "").split(",") if c.strip()]
        if not codes:
            raise InputError(
                relpath, "'# tta: ignore' must name the rule, e.g. # tta: ignore[EFF001]", line=line
            )
        for code in codes:
            if code not in RULES:
                raise InputError(
                    relpath,
                    f"unknown rule code {code!r} in '# tta: ignore[...]' "
                    f"(known: {', '.join(RULES)})",
                    line=line,
                )
        found[line] = found.get(line, frozenset()) | frozenset(codes)
    return found
