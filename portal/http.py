"""Requests: the typed request of a page (login is required by default,
PortalLoginRequiredMiddleware, so a view that is not marked
``login_not_required`` is always called with a signed-in ``User``), and the
client's address as rate limits and lockouts count it."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User


def _trusted_proxy_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(entry, strict=False) for entry in settings.TRUSTED_PROXIES]


def _is_trusted_proxy(address: str, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The address of the person making the request, as rate limits and
    lockouts count it.

    REMOTE_ADDR is the peer that connected to us. Only when that peer is one
    of TRUSTED_PROXIES do we believe its X-Forwarded-For, and then walk it from
    the right (each proxy appends the address it saw) to the first address
    that is not a trusted proxy itself. Anyone can write an X-Forwarded-For,
    so the part left of that address is never read. Empty when unknown (a
    request made in code, without a peer)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = _trusted_proxy_networks()
    if not networks or not _is_trusted_proxy(remote, networks):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        if not _is_trusted_proxy(address, networks):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:  # not an address: a proxy that is not ours wrote it
                return remote
    return forwarded[0] if forwarded else remote
