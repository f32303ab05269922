import re

import pytest

ASSET_URL = re.compile(r'(?:src|href|action)="([^"]+)"')


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/password/reset/", "/api/docs/"])
def test_public_pages_load_nothing_from_another_host(client, db, path):
    html = client.get(path).content.decode()
    foreign = [url for url in ASSET_URL.findall(html) if url.startswith(("http:", "https:", "//"))]
    assert foreign == []


def test_a_logged_in_page_loads_nothing_from_another_host(as_user, partner):
    html = as_user(partner).get("/me/").content.decode()
    foreign = [url for url in ASSET_URL.findall(html) if url.startswith(("http:", "https:", "//"))]
    assert foreign == []
