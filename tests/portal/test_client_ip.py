"""The client's address as rate limits and lockouts count it (portal.http.client_ip)."""

from django.test import RequestFactory

from portal.http import client_ip

PROXY = "10.0.0.5"


def request_from(peer: str, forwarded_for: str = ""):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return RequestFactory().get("/", REMOTE_ADDR=peer, **extra)


def test_without_trusted_proxies_the_peer_is_the_client(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request_from("198.51.100.7", "203.0.113.9")) == "198.51.100.7"


def test_a_forged_forwarded_for_from_an_untrusted_peer_is_ignored(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert client_ip(request_from("198.51.100.7", "203.0.113.9")) == "198.51.100.7"


def test_behind_a_trusted_proxy_the_address_it_reports_is_the_client(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert client_ip(request_from(PROXY, "203.0.113.9")) == "203.0.113.9"


def test_an_address_the_client_prepended_is_not_believed(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert client_ip(request_from(PROXY, "1.2.3.4, 203.0.113.9")) == "203.0.113.9"


def test_a_chain_of_trusted_proxies_given_as_a_network_is_skipped(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(request_from(PROXY, "203.0.113.9, 10.0.0.7")) == "203.0.113.9"


def test_a_trusted_proxy_without_a_forwarded_for_is_the_client(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert client_ip(request_from(PROXY)) == PROXY
