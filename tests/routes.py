"""Every route of the project as a concrete path, read from the URL resolver,
so that a test walking them covers a new route the day it is added."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

SAMPLES = ["1", "x", str(uuid.UUID(int=1))]
NAMED_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>")
DRF_FORMAT_SUFFIX = re.compile(r"\\\.\(\?P<format>|<drf_format_suffix:format>")
ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")


@dataclass
class Route:
    path: str
    name: str | None
    pattern: str


class Unbuildable(Exception):
    pass


def _sample(regex: str) -> str:
    for value in [*SAMPLES, regex.split("|")[0]]:
        if re.fullmatch(regex, value):
            return value
    raise Unbuildable(f"no sample value matches {regex!r}")


def _fill_regex(regex: str) -> str:
    """A concrete path for a re_path() pattern: each named group becomes a
    sample value that its own sub-pattern accepts."""
    out, pos = [], 0
    for match in NAMED_GROUP.finditer(regex):
        if match.start() < pos:
            raise Unbuildable(f"nested groups in {regex!r}")
        depth, end = 1, match.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(regex[end], 0) if regex[end - 1] != "\\" else 0
            end += 1
        out += [regex[pos : match.start()], _sample(regex[match.end() : end - 1])]
        pos = end
    out.append(regex[pos:])
    text = "".join(out).removeprefix("^").removesuffix("$").replace("/?", "/").replace("\\.", ".")
    if re.search(r"[\\^$()\[\]*+?|{}]", text):
        raise Unbuildable(f"cannot make a path from {regex!r}")
    return text


def _fill(pattern) -> str:
    """The concrete text for one level of a URL pattern."""
    if isinstance(pattern, RoutePattern):  # path()
        return ROUTE_PARAM.sub(lambda m: _sample(pattern.converters[m["name"]].regex), str(pattern))
    return _fill_regex(str(pattern))  # re_path()


def all_routes() -> tuple[list[Route], list[str]]:
    routes, problems = [], []

    def walk(patterns, prefix):
        for entry in patterns:
            pattern = entry.pattern
            if DRF_FORMAT_SUFFIX.search(str(pattern)):  # the ".json" twin of a route walked anyway
                continue
            try:
                text = _fill(pattern)
            except Unbuildable as exc:
                problems.append(f"{prefix}{pattern}: {exc}")
                continue
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + text)
            elif isinstance(entry, URLPattern):
                routes.append(Route("/" + prefix + text, entry.name, f"{prefix}{pattern}"))

    walk(get_resolver().url_patterns, "")
    return routes, problems
