"""Keploy's noise resolution: SplitNoise, the path index, global keys and header noise.

Source: keploy/keploy ``pkg/matcher/utils.go`` (SplitNoise, buildNoiseIndex,
compilePatterns, noisyForValue, noisyForRegexps, SubstringKeyMatch, MatchesAnyRegex).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from keploy_framework.go_values import GoRegex, compile_go_regex, json_scalar_text

__all__ = [
    "NoiseIndex",
    "NoiseSections",
    "compile_patterns",
    "matches_any_regex",
    "noisy_for_regexps",
    "split_noise",
    "substring_key_match",
]

# Keploy's ``GlobalNoise`` shape: {"body": {path: [regex]}, "header": {name: [regex]}}.
NoiseSections = dict[str, dict[str, list[str]]]


def split_noise(
    noise: dict[str, list[str]],
) -> tuple[dict[str, list[str]], dict[str, list[str]], bool]:
    """``SplitNoise``: (body paths, header names, skip the whole body), keys lowercased.

    Sectioned keys (``body: [paths]``) first, so a dotted key naming the same path wins.
    """
    body: dict[str, list[str]] = {}
    header: dict[str, list[str]] = {}
    skip_body = False
    for key, values in noise.items():
        section = key.lower()
        wildcard = not values or any(v.strip() == "*" for v in values)
        if section == "body":
            if wildcard:
                skip_body = True
            else:
                body.update({v.lower(): [] for v in values})
        elif section == "header":
            header.update({"header": []} if wildcard else {v.lower(): [] for v in values})
    for key, values in noise.items():
        parts = key.split(".")
        if len(parts) < 2:
            continue
        if parts[0].lower() == "body":
            body[".".join(parts[1:]).lower()] = list(values)
        elif parts[0].lower() == "header":
            header[parts[-1].lower()] = list(values)
    return body, header, skip_body


def compile_patterns(patterns: list[str]) -> tuple[GoRegex, ...]:
    """``compilePatterns``: ``""`` and ``"*"`` are sentinels; none left means unconditional."""
    return tuple(compile_go_regex(p) for p in patterns if p not in ("", "*"))


def _any_search(text: str, regexes: tuple[GoRegex, ...]) -> bool:
    return any(regex.search(text) is not None for regex in regexes)


def noisy_for_regexps(regexes: tuple[GoRegex, ...], value: Any, containers_covered: bool) -> bool:
    """``noisyForRegexps``: no patterns covers anything; a container only if told so."""
    if not regexes:
        return True
    text, scalar = json_scalar_text(value)
    if not scalar:
        return containers_covered
    return _any_search(text, regexes)


@dataclass(frozen=True)
class NoiseIndex:
    """``buildNoiseIndex``: entries most specific first (longest key, then lexicographic)."""

    entries: tuple[tuple[str, tuple[GoRegex, ...]], ...]

    @classmethod
    def build(cls, noise: dict[str, list[str]]) -> NoiseIndex:
        entries = [(key.lower(), compile_patterns(values)) for key, values in noise.items()]
        entries.sort(key=lambda entry: (-len(entry[0]), entry[0]))
        return cls(tuple(entries))

    def match(self, key: str) -> tuple[tuple[GoRegex, ...], bool]:
        """The first entry contained in ``key`` (lowercased): its patterns, and whether any."""
        lowered = key.lower()
        for entry, regexes in self.entries:
            if entry in lowered:
                return regexes, True
        return (), False

    def noisy_for_value(self, key: str, text: str) -> bool:
        """``noisyForValue``: whether the leaf at ``key`` with replayed ``text`` is ignored."""
        regexes, noisy = self.match(key)
        return noisy and (not regexes or _any_search(text, regexes))


def substring_key_match(name: str, noise: dict[str, list[str]]) -> tuple[list[str], bool]:
    """``SubstringKeyMatch``: the longest noise key contained in ``name`` (ties lexicographic)."""
    lowered = name.lower()
    found = [key for key in noise if key.lower() in lowered]
    if not found:
        return [], False
    best = min(found, key=lambda key: (-len(key), key))
    return noise[best], True


def matches_any_regex(text: str, patterns: list[str]) -> bool:
    """``MatchesAnyRegex``: patterns compiled as written (``"*"`` is invalid: never matches)."""
    return any(compile_go_regex(p).search(text) is not None for p in patterns)
